"""The desired state: values from the plan, managed control planes, alerts, dashboards, RBAC, and
every rendered manifest valid (core kinds strict, custom resources against the operator models)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.anchors import markdown_anchor
from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import InputError
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.stack import desired_state
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.validate import validate_manifests
from ansible_collections.agentic.k8s.plugins.module_utils.state import metrics

PLAN = {
    "kubernetes_version": "1.31",
    "monitoring": {
        "retention_days": 30,
        "storage_gib": 200,
        "expected_series": 400000,
        "prometheus_cpu_request": "2",
        "prometheus_memory_request": "8Gi",
    },
}
RUNBOOK = "https://git.example.com/ops/RUNBOOK.md"


@pytest.fixture(scope="module", params=["eks", "k3s", "aks", "gke"])
def desired(request):
    return desired_state(build_spec({"platform": request.param, "runbook_base_url": RUNBOOK}, PLAN))


def test_values_take_retention_storage_and_requests_from_the_plan(desired):
    prometheus = desired.values["prometheus"]["prometheusSpec"]
    assert prometheus["retention"] == "30d"
    assert (
        prometheus["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"]
        == "200Gi"
    )
    assert prometheus["resources"]["requests"] == {"cpu": "2", "memory": "8Gi"}
    assert prometheus["serviceMonitorSelectorNilUsesHelmValues"] is False


CONTROL_PLANE = ("kubeEtcd", "kubeControllerManager", "kubeScheduler")


def control_plane_scraped(values) -> bool:
    disabled = [values.get(component) == {"enabled": False} for component in CONTROL_PLANE]
    switches = values["defaultRules"]["rules"]
    alerts = [switches[group] for group in ("etcd", "kubeControllerManager", "kubeSchedulerAlerting")]
    assert len(set(disabled)) == 1 and len(set(alerts)) == 1 and disabled[0] is not alerts[0]
    return alerts[0]


def test_control_plane_scrapes_and_alerts_are_off_by_default(desired):
    assert control_plane_scraped(desired.values) is False


@pytest.mark.parametrize(
    ("platform", "scraped"), [("k3s", True), ("eks", False), ("aks", False), ("gke", False)]
)
def test_only_k3s_scrapes_its_control_plane_when_asked(platform, scraped):
    spec = build_spec({"platform": platform, "scrape_control_plane": True})
    assert control_plane_scraped(desired_state(spec).values) is scraped


def test_grafana_admin_comes_from_an_existing_secret_and_no_password_is_rendered(desired):
    admin = desired.values["grafana"]["admin"]
    assert admin["existingSecret"] == "agentic-grafana-admin"
    rendered = json.dumps([desired.values, desired.manifests, desired.gitops]).lower()
    assert "adminpassword" not in rendered
    assert not [m for m in desired.manifests if m["kind"] == "Secret"]


def test_every_rendered_manifest_is_valid(desired):
    findings = validate_manifests([*desired.manifests, *desired.gitops], desired.spec.kubernetes_version)
    assert [f for f in findings if f.severity == "error"] == []
    warned = {f.ref.split("/")[0] for f in findings}
    assert warned <= {"Application", "HelmRepository", "HelmRelease"}


def test_the_validator_catches_a_broken_rendered_manifest(desired):
    rule = next(m for m in desired.manifests if m["kind"] == "PrometheusRule")
    broken = {**rule, "spec": {"groups": [{**rule["spec"]["groups"][0], "interval": 5}]}}
    assert validate_manifests([broken])


def test_every_alert_has_severity_summary_description_and_a_runbook_anchor(desired):
    assert len(desired.alerts) >= 12
    for alert in desired.alerts:
        assert alert["severity"] in ("critical", "warning", "info")
        assert alert["summary"] and alert["description"]
        assert alert["runbook_url"] == f"{RUNBOOK}#{markdown_anchor(alert['name'])}"
    rule = next(m for m in desired.manifests if m["kind"] == "PrometheusRule")
    rendered = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    assert [r["alert"] for r in rendered] == [a["name"] for a in desired.alerts]
    assert all(r["annotations"]["runbook_url"].startswith(RUNBOOK) for r in rendered)


def test_the_curated_rules_cover_the_issue_list(desired):
    names = " ".join(alert["name"] for alert in desired.alerts)
    for topic in (
        "NodeDown",
        "NotReady",
        "CrashLooping",
        "Pending",
        "CPU",
        "Memory",
        "Disk",
        "APIServerError",
    ):
        assert topic in names
    assert "Latency" in names and "Certificate" in names and "Workflow" in names


def test_dashboards_are_sidecar_configmaps_and_read_the_self_metrics(desired):
    maps = [m for m in desired.manifests if m["kind"] == "ConfigMap"]
    assert {m["metadata"]["labels"]["grafana_dashboard"] for m in maps} == {"1"}
    dashboards = [json.loads(text) for m in maps for text in m["data"].values()]
    assert [d["title"] for d in dashboards] == desired.dashboards
    self_metrics = json.dumps(dashboards[1])
    assert all(name in self_metrics for name in metrics.ALL_METRICS)
    assert all(panel["targets"] for d in dashboards for panel in d["panels"])


def test_rbac_is_least_privilege_without_wildcards(desired):
    roles = [m for m in desired.manifests if m["kind"] in ("Role", "ClusterRole")]
    for role in roles:
        for rule in role["rules"]:
            for key in ("apiGroups", "resources", "verbs"):
                assert "*" not in rule[key], (role["metadata"]["name"], key)
    reader = next(r for r in roles if r["metadata"]["name"] == "agentic-validator-read")
    assert {verb for rule in reader["rules"] for verb in rule["verbs"]} == {"get", "list", "watch"}
    accounts = {m["metadata"]["name"] for m in desired.manifests if m["kind"] == "ServiceAccount"}
    assert accounts == {"agentic-validator", "agentic-monitoring-config"}


def test_endpoints_name_services_ports_and_urls(desired):
    assert desired.endpoints["prometheus"] == {
        "service": "kube-prometheus-stack-prometheus",
        "namespace": "monitoring",
        "port": 9090,
        "url": "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
    }
    assert desired.endpoints["grafana"]["port"] == 80


def test_gitops_objects_pin_the_chart_with_the_same_values(desired):
    application = next(m for m in desired.gitops if m["kind"] == "Application")
    assert application["spec"]["source"]["targetRevision"] == desired.spec.chart_version
    assert application["spec"]["source"]["helm"]["valuesObject"] == desired.values
    release = next(m for m in desired.gitops if m["kind"] == "HelmRelease")
    assert release["spec"]["chart"]["spec"]["version"] == desired.spec.chart_version


def test_options_override_the_plan():
    spec = build_spec({"platform": "eks", "retention_days": 7}, PLAN)
    assert (spec.retention_days, spec.storage_gib) == (7, 200)


def test_defaults_apply_without_a_plan():
    spec = build_spec({"platform": "k3s"})
    assert (spec.retention_days, spec.storage_gib, spec.prometheus_memory_request) == (15, 50, "2Gi")


@pytest.mark.parametrize(
    ("params", "field", "allowed"),
    [
        ({"platform": "openshift"}, "platform", "eks, k3s, aks, gke"),
        ({"platform": "eks", "retention_days": 0}, "retention_days", "1 to 3650"),
        ({"platform": "eks", "prometheus_memory_request": "lots"}, "prometheus_memory_request", "2Gi"),
        ({"platform": "eks", "namespace": "Monitoring"}, "namespace", "DNS-1123"),
    ],
)
def test_bad_input_names_the_field_and_the_allowed_values(params, field, allowed):
    with pytest.raises(InputError) as caught:
        build_spec(params)
    assert caught.value.field == field
    assert allowed in caught.value.message


def test_optional_inputs_reach_the_values_and_the_gitops_objects():
    spec = build_spec(
        {
            "platform": "aks",
            "storage_class": "managed-premium",
            "pushgateway_target": "pushgateway.ops:9091",
            "gitops_repo_url": "https://git.example.com/ops/cluster.git",
            "cluster_key": "aks-prod-shop",
        }
    )
    desired = desired_state(spec)
    prometheus = desired.values["prometheus"]["prometheusSpec"]
    assert prometheus["storageSpec"]["volumeClaimTemplate"]["spec"]["storageClassName"] == "managed-premium"
    assert prometheus["additionalScrapeConfigs"][0]["static_configs"] == [
        {"targets": ["pushgateway.ops:9091"]}
    ]
    assert prometheus["externalLabels"] == {"cluster": "aks-prod-shop"}
    kinds = [m["kind"] for m in desired.gitops]
    assert kinds.count("Application") == 2 and "Kustomization" in kinds and "GitRepository" in kinds
