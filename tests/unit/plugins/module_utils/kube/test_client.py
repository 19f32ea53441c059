"""The Kubernetes client layer against the fake API server."""

from __future__ import annotations

import json

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import (
    KubeClient,
    KubeError,
    KubeUnreachableError,
)

CONFIG_MAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "settings", "namespace": "default", "labels": {"app": "demo"}},
    "data": {"level": "info"},
}
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True}],
    },
}


@pytest.fixture
def client(kube_fake):
    with KubeClient(str(kube_fake.kubeconfig), timeout_s=5) as kube:
        yield kube


def test_apply_creates_then_reapply_keeps_the_resource_version(client, kube_fake):
    created = client.apply(CONFIG_MAP)
    again = client.apply(CONFIG_MAP)
    assert created["metadata"]["resourceVersion"] == again["metadata"]["resourceVersion"]
    stored = kube_fake.api.stored("v1", "ConfigMap", "settings", "default")
    assert stored["data"] == {"level": "info"}
    assert stored["metadata"]["managedFields"][0]["manager"] == "agentic-k8s"


def test_apply_with_new_content_moves_the_resource_version(client):
    created = client.apply(CONFIG_MAP)
    changed = client.apply({**CONFIG_MAP, "data": {"level": "debug"}})
    assert changed["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    assert client.get("v1", "ConfigMap", "settings", "default")["data"] == {"level": "debug"}


def test_dry_run_apply_stores_nothing(client, kube_fake):
    answer = client.apply(CONFIG_MAP, dry_run=True)
    assert answer["data"] == {"level": "info"}
    assert kube_fake.api.stored("v1", "ConfigMap", "settings", "default") is None


def test_get_list_and_delete_return_raw_dicts(client):
    client.apply(CONFIG_MAP)
    assert client.get("v1", "ConfigMap", "absent", "default") is None
    assert [
        item["metadata"]["name"] for item in client.list("v1", "ConfigMap", label_selector="app=demo")
    ] == ["settings"]
    assert client.list("v1", "ConfigMap", label_selector="app=other") == []
    assert client.delete("v1", "ConfigMap", "settings", "default") is True
    assert client.delete("v1", "ConfigMap", "settings", "default") is False


def test_apply_into_a_missing_namespace_names_it(client):
    with pytest.raises(KubeError, match='namespaces "nowhere" not found') as caught:
        client.apply({**CONFIG_MAP, "metadata": {"name": "settings", "namespace": "nowhere"}})
    assert caught.value.status == 404


def test_custom_resource_is_served_once_its_crd_is_established(client, kube_fake):
    kube_fake.api.crd_established_after_reads = 3
    with pytest.raises(KubeError, match="does not serve Widget"):
        client.resource("example.com/v1", "Widget")
    client.apply(CRD)
    client.wait_crds_established(["widgets.example.com"], timeout_s=5, poll_s=0.01)
    crd_reads = [p for m, p in kube_fake.api.requests if m == "GET" and p.endswith("/widgets.example.com")]
    assert len(crd_reads) == 4
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default"},
    }
    assert client.apply(widget)["metadata"]["name"] == "w"


def test_waiting_for_a_crd_that_never_comes_times_out(client):
    with pytest.raises(KubeError, match=r"not Established within 0.2 s: absent.example.com"):
        client.wait_crds_established(["absent.example.com"], timeout_s=0.2, poll_s=0.05)


def test_pod_log_returns_the_tail(client, kube_fake):
    kube_fake.seed(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"}, "spec": {}}
    )
    kube_fake.api.seed_pod_log("default", "web", "one\ntwo\nthree\n")
    assert client.pod_log("web", "default", tail_lines=2) == "two\nthree\n"


def test_unreachable_server_is_reported_within_the_deadline(kube_fake):
    kube_fake.api.stop()
    with KubeClient(str(kube_fake.kubeconfig), timeout_s=2) as kube:
        assert kube.reachable() is False
        with pytest.raises(KubeUnreachableError, match="did not answer GET /version"):
            kube.version()


def test_a_bad_kubeconfig_names_the_file(tmp_path):
    path = tmp_path / "kubeconfig"
    path.write_text("not: [a kubeconfig")
    with pytest.raises(KubeError, match="cannot load kubeconfig"):
        KubeClient(str(path))


def test_list_filters_by_field_selector(client, kube_fake):
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"namespace": "default"}}
    kube_fake.seed(
        {**event, "metadata": {**event["metadata"], "name": "e1"}, "involvedObject": {"name": "web"}},
        {**event, "metadata": {**event["metadata"], "name": "e2"}, "involvedObject": {"name": "db"}},
    )
    events = client.list("v1", "Event", "default", field_selector="involvedObject.name=web")
    assert [item["metadata"]["name"] for item in events] == ["e1"]


def test_a_refused_token_is_a_401_error(kube_fake, tmp_path):
    config = json.loads(kube_fake.kubeconfig.read_text())
    config["users"][0]["user"]["token"] = "wrong"
    path = tmp_path / "bad-token"
    path.write_text(json.dumps(config))
    with KubeClient(str(path), timeout_s=5) as kube, pytest.raises(KubeError) as caught:
        kube.version()
    assert caught.value.status == 401
