"""mode=apply against the fake Kubernetes API and the fake helm: install, idempotence, check mode
with server dry-run, the Grafana admin Secret, and the errors a user sees."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import (
    AgenticError,
    MissingBinaryError,
)
from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import KubeError
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.run import (
    MonitoringRequest,
    run_monitoring,
)
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec

SPEC = build_spec({"platform": "eks", "cluster_key": "eks-dev-demo"})


def request(kube_fake, tmp_path, **overrides) -> MonitoringRequest:
    options = {"mode": "apply", "dest": str(tmp_path / "out"), "kubeconfig_path": str(kube_fake.kubeconfig)}
    return MonitoringRequest(**{**options, **overrides})


def test_apply_installs_the_chart_then_applies_our_objects(kube_fake, fake_helm, tmp_path):
    result = run_monitoring(SPEC, request(kube_fake, tmp_path))
    assert result["changed"] is True and result["applied"] is True
    assert result["helm"]["action"] == "installed"
    upgrade = next(call for call in fake_helm.calls() if call[0] == "upgrade")
    for flag in ("--install", "--atomic", "--wait", "--create-namespace"):
        assert flag in upgrade
    assert upgrade[upgrade.index("--version") + 1] == SPEC.chart_version
    assert upgrade[upgrade.index("--kubeconfig") + 1] == str(kube_fake.kubeconfig)
    release = fake_helm.releases()["monitoring/kube-prometheus-stack"]
    assert release["values"]["grafana"]["admin"]["existingSecret"] == "agentic-grafana-admin"
    rule = kube_fake.api.stored(
        "monitoring.coreos.com/v1", "PrometheusRule", "agentic-k8s-curated", "monitoring"
    )
    assert rule["metadata"]["managedFields"][0]["manager"] == "agentic-k8s"
    assert {o["action"] for o in result["objects"]} == {"created"}
    assert len(result["objects"]) == len(result["manifests"])


def test_custom_resources_wait_for_their_crds_to_be_established(kube_fake, fake_helm, tmp_path):
    kube_fake.api.crd_established_after_reads = 2
    run_monitoring(SPEC, request(kube_fake, tmp_path))
    paths = [path for method, path in kube_fake.api.requests]
    crd_polls = [
        p
        for m, p in kube_fake.api.requests
        if m == "GET" and p.endswith("prometheusrules.monitoring.coreos.com")
    ]
    assert len(crd_polls) == 3
    rule_apply = paths.index(
        "/apis/monitoring.coreos.com/v1/namespaces/monitoring/prometheusrules/agentic-k8s-curated"
    )
    assert rule_apply > paths.index(crd_polls[-1])


def test_a_second_apply_changes_nothing(kube_fake, fake_helm, tmp_path):
    run_monitoring(SPEC, request(kube_fake, tmp_path))
    upgrades = sum(call[0] == "upgrade" for call in fake_helm.calls())
    again = run_monitoring(SPEC, request(kube_fake, tmp_path))
    assert again["changed"] is False
    assert again["helm"]["action"] == "unchanged"
    assert {o["action"] for o in again["objects"]} == {"unchanged"}
    assert sum(call[0] == "upgrade" for call in fake_helm.calls()) == upgrades


def test_a_new_plan_upgrades_the_release_and_reports_the_diff(kube_fake, fake_helm, tmp_path):
    run_monitoring(SPEC, request(kube_fake, tmp_path))
    bigger = SPEC.model_copy(update={"retention_days": 30})
    result = run_monitoring(bigger, request(kube_fake, tmp_path, diff=True))
    assert result["changed"] is True and result["helm"]["action"] == "upgraded"
    values_diff = next(d for d in result["diff"] if d["before_header"].startswith("helm values"))
    assert "retention: 15d" in values_diff["before"] and "retention: 30d" in values_diff["after"]


def test_the_grafana_secret_is_created_once_and_never_returned(kube_fake, fake_helm, tmp_path):
    result = run_monitoring(SPEC, request(kube_fake, tmp_path, diff=True))
    secret = kube_fake.api.stored("v1", "Secret", "agentic-grafana-admin", "monitoring")
    password = base64.b64decode(secret["data"]["admin-password"]).decode()
    assert len(password) >= 24
    assert password not in json.dumps(result)
    written = "".join(path.read_text() for path in (tmp_path / "out").rglob("*.yaml"))
    assert password not in written
    run_monitoring(SPEC, request(kube_fake, tmp_path))
    again = kube_fake.api.stored("v1", "Secret", "agentic-grafana-admin", "monitoring")
    assert again["data"] == secret["data"]


def test_check_mode_dry_runs_and_changes_nothing(kube_fake, fake_helm, tmp_path):
    result = run_monitoring(SPEC, request(kube_fake, tmp_path, check_mode=True, diff=True))
    assert result["changed"] is True and result["applied"] is False
    assert result["helm"]["action"] == "would install"
    assert not (tmp_path / "out").exists()
    assert kube_fake.api.stored_of_kind("v1", "Namespace") == [
        kube_fake.api.stored("v1", "Namespace", "default")
    ]
    assert not [c for c in fake_helm.calls() if c[0] == "upgrade"]
    assert {m["kind"] for m in result["rendered_manifests"]} >= {"Namespace", "PrometheusRule", "ConfigMap"}
    rule = next(o for o in result["objects"] if o["ref"].startswith("PrometheusRule"))
    assert rule["action"] == "would create (after the chart installs its CRDs)"


def test_check_mode_after_apply_reports_no_change_and_dry_runs_changes(kube_fake, fake_helm, tmp_path):
    run_monitoring(SPEC, request(kube_fake, tmp_path))
    assert run_monitoring(SPEC, request(kube_fake, tmp_path, check_mode=True))["changed"] is False
    renamed = SPEC.model_copy(update={"runbook_base_url": "https://other.example.com/RUNBOOK.md"})
    result = run_monitoring(renamed, request(kube_fake, tmp_path, check_mode=True))
    assert {o["ref"] for o in result["objects"] if o["action"] == "would configure"} == {
        "PrometheusRule/monitoring/agentic-k8s-curated"
    }
    dry_runs = [
        path for method, path in kube_fake.api.requests if method == "PATCH" and "prometheusrules" in path
    ]
    assert dry_runs


def test_check_mode_without_a_reachable_cluster_renders_in_memory(kube_fake, tmp_path):
    kube_fake.api.stop()
    result = run_monitoring(SPEC, request(kube_fake, tmp_path, check_mode=True, api_timeout_s=2))
    assert result["cluster_reachable"] is False
    assert "no Kubernetes API reachable" in " ".join(result["logs"])


def test_check_mode_with_a_kubeconfig_not_written_yet_renders_in_memory(tmp_path):
    planned = MonitoringRequest(
        mode="apply", dest=str(tmp_path), kubeconfig_path=str(tmp_path / "absent"), check_mode=True
    )
    result = run_monitoring(SPEC, planned)
    assert result["cluster_reachable"] is False and result["rendered_manifests"]


def test_apply_with_a_missing_kubeconfig_names_it(tmp_path):
    with pytest.raises(KubeError, match="cannot load kubeconfig"):
        run_monitoring(
            SPEC, MonitoringRequest(mode="apply", dest=str(tmp_path), kubeconfig_path=str(tmp_path / "x"))
        )


def test_apply_without_a_reachable_cluster_fails_clearly(kube_fake, tmp_path):
    kube_fake.api.stop()
    with pytest.raises(AgenticError, match="not reachable; mode=apply needs a cluster"):
        run_monitoring(SPEC, request(kube_fake, tmp_path, api_timeout_s=2))


def test_apply_without_helm_names_helm(kube_fake, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(MissingBinaryError, match="'helm' was not found on PATH"):
        run_monitoring(SPEC, request(kube_fake, tmp_path))


def test_a_failing_helm_install_is_reported_with_its_error(kube_fake, fake_helm, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_HELM_FAIL", "upgrade")
    with pytest.raises(AgenticError, match=r"helm upgrade failed \(rc 1\): Error: upgrade failed"):
        run_monitoring(SPEC, request(kube_fake, tmp_path))


def test_objects_wait_for_crds_that_never_come(kube_fake, fake_helm, tmp_path, monkeypatch):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setattr(
        "ansible_collections.agentic.k8s.plugins.module_utils.monitoring.apply.CRD_WAIT_S", 0.3
    )
    kube_fake.api.crd_established_after_reads = 10**6
    with pytest.raises(KubeError, match=r"CRDs not Established within 0\.3 s"):
        run_monitoring(SPEC, request(kube_fake, tmp_path))


def test_apply_without_a_kubeconfig_names_the_option(tmp_path):
    with pytest.raises(AgenticError, match="kubeconfig_path"):
        run_monitoring(SPEC, MonitoringRequest(mode="apply", dest=str(tmp_path)))
