"""The pure checks over raw Kubernetes JSON: healthy and broken clusters."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import Severity
from ansible_collections.agentic.k8s.plugins.module_utils.validation.networking import (
    PROBE_OK_MARKER,
    check_coredns,
    check_probe_result,
    check_service_endpoints,
    probe_job_manifest,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.nodes import check_nodes
from ansible_collections.agentic.k8s.plugins.module_utils.validation.pods import (
    PodDiagnostics,
    check_pods,
    events_by_pod,
    failing_pods,
    pod_key,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.security import (
    check_cluster_admin_bindings,
    check_wildcard_rules,
)
from tests.support.cluster_objects import (
    coredns_pods,
    endpoints,
    event,
    healthy_cluster,
    node,
    pod,
    rbac_binding,
    rbac_role,
    service,
)

SYSTEM = ("kube-system", "monitoring")


def test_a_healthy_cluster_has_no_node_pod_or_network_findings():
    cluster = healthy_cluster()

    assert check_nodes(cluster["nodes"], expected_count=3, expected_version="1.30") == []
    assert failing_pods(cluster["pods"], SYSTEM) == []
    assert check_coredns(cluster["pods"]) == []
    assert check_service_endpoints(cluster["services"], cluster["endpoints"], SYSTEM) == []


def test_a_notready_node_is_critical_with_its_reason():
    findings = check_nodes([node("node-1"), node("node-2", ready=False)], expected_count=2)

    assert [(f.severity, f.evidence["node"]) for f in findings] == [(Severity.CRITICAL, "node-2")]
    assert findings[0].evidence["reason"] == "KubeletNotReady"


def test_pressure_count_and_version_drift_are_warnings():
    nodes = [node("node-1", pressure="DiskPressure"), node("node-2", version="v1.29.8")]

    findings = check_nodes(nodes, expected_count=3, expected_version="1.30")

    messages = sorted(f.message for f in findings)
    assert all(f.severity is Severity.WARNING for f in findings)
    assert messages == [
        "2 nodes registered, the plan expects 3",
        "Kubelet versions v1.29.8 differ from the planned 1.30",
        "Node node-1 reports DiskPressure",
        "Nodes run 2 different kubelet versions",
    ]


def test_no_nodes_at_all_is_critical():
    assert [f.severity for f in check_nodes([], expected_count=3)] == [Severity.CRITICAL]


def test_a_crashlooping_pod_carries_its_last_events_and_log_lines():
    crashing = pod("monitoring", "grafana-1", waiting="CrashLoopBackOff", restarts=7)
    events = [
        event("monitoring", "grafana-1", f"BackOff{i}", f"back-off {i}", f"2026-11-26T05:0{i}:00Z")
        for i in range(7)
    ]
    events.append(event("monitoring", "other-pod", "BackOff", "not ours"))
    failing = failing_pods([crashing, pod("monitoring", "prometheus-0")], SYSTEM)
    diagnostics = PodDiagnostics(
        events=events_by_pod(events, [pod_key(p) for p, _detail in failing]),
        logs={("monitoring", "grafana-1"): "starting\npanic: database is locked\n"},
    )

    findings = check_pods(failing, diagnostics)

    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.CRITICAL
    assert finding.message.startswith("Pod monitoring/grafana-1: CrashLoopBackOff")
    assert finding.evidence["restarts"] == 7
    assert [e["reason"] for e in finding.evidence["events"]] == [f"BackOff{i}" for i in range(2, 7)]
    assert finding.evidence["log_tail"] == ["starting", "panic: database is locked"]


def test_pending_image_pull_and_unready_pods_are_classified():
    pods = [
        pod(
            "kube-system", "big-1", phase="Pending", unschedulable="0/3 nodes are available: Insufficient cpu"
        ),
        pod("kube-system", "pull-1", phase="Pending", waiting="ImagePullBackOff"),
        pod("monitoring", "slow-1", ready=False),
        pod("monitoring", "flappy-1", restarts=9),
        pod("default", "ignored-1", waiting="CrashLoopBackOff"),
        pod("monitoring", "job-1", phase="Succeeded", ready=False),
    ]

    findings = {f.evidence["pod"]: f for f in check_pods(failing_pods(pods, SYSTEM))}

    assert sorted(findings) == ["big-1", "flappy-1", "pull-1", "slow-1"]
    assert findings["big-1"].severity is Severity.CRITICAL
    assert "Insufficient cpu" in findings["big-1"].message
    assert findings["pull-1"].evidence["problems"][0]["kind"] == "image"
    assert findings["slow-1"].severity is Severity.WARNING
    assert findings["flappy-1"].evidence["problems"][0]["kind"] == "restarts"


def test_missing_or_unready_coredns_is_critical_and_partial_readiness_warns():
    assert check_coredns([pod("kube-system", "kube-proxy-1")])[0].severity is Severity.CRITICAL
    assert check_coredns(coredns_pods(2, ready=False))[0].message == "None of the 2 CoreDNS pods is Ready"
    partial = [*coredns_pods(1), *coredns_pods(1, ready=False)]
    partial[1]["metadata"]["name"] = "coredns-unready"
    assert [f.severity for f in check_coredns(partial)] == [Severity.WARNING]


def test_a_service_without_endpoints_is_reported_critical_in_kube_system():
    services = [service("kube-system", "kube-dns"), service("monitoring", "grafana"), service("default", "x")]
    findings = check_service_endpoints(services, [endpoints("kube-system", "kube-dns", 0)], SYSTEM)

    assert [(f.evidence["service"], f.severity) for f in findings] == [
        ("kube-dns", Severity.CRITICAL),
        ("grafana", Severity.WARNING),
    ]


def test_the_probe_job_is_short_lived_unprivileged_and_reports_its_failure():
    job = probe_job_manifest(
        "agentic-probe-abc",
        "default",
        "busybox:1.36",
        service_host="kubernetes.default.svc",
        service_port=443,
        timeout_s=60,
    )
    spec = job["spec"]["template"]["spec"]

    assert job["spec"]["activeDeadlineSeconds"] == 60 and job["spec"]["backoffLimit"] == 0
    assert spec["automountServiceAccountToken"] is False
    assert "nslookup kubernetes.default" in spec["containers"][0]["command"][2]
    assert (
        check_probe_result({"status": {"succeeded": 1}}, f"Name: kubernetes\n{PROBE_OK_MARKER}\n", "svc")
        == []
    )
    failed = check_probe_result({"status": {"failed": 1}}, "nslookup: can't resolve", "svc:443")
    assert "could not resolve" in failed[0].message and failed[0].evidence["log_tail"] == [
        "nslookup: can't resolve"
    ]
    assert "did not finish" in check_probe_result(None, "", "svc")[0].message


def test_only_the_creators_cluster_admin_binding_is_allowed():
    bindings = [
        rbac_binding("agentic-creator", "cluster-admin", [{"kind": "User", "name": "admin"}]),
        rbac_binding(
            "agentic-extra", "cluster-admin", [{"kind": "ServiceAccount", "namespace": "ci", "name": "bot"}]
        ),
        rbac_binding("someone-else", "cluster-admin", [{"kind": "User", "name": "ops"}], ours=False),
        rbac_binding("agentic-view", "view", [{"kind": "User", "name": "viewer"}]),
    ]

    findings = check_cluster_admin_bindings(bindings, creator_subjects=["User:admin"])

    assert [(f.evidence["binding"], f.evidence["subjects"]) for f in findings] == [
        ("agentic-extra", ["ServiceAccount:ci/bot"])
    ]


def test_wildcard_rules_are_reported_only_for_the_collections_roles():
    roles = [
        rbac_role(
            "ClusterRole", "agentic-reader", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
        ),
        rbac_role("Role", "agentic-wild", [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}]),
        rbac_role(
            "ClusterRole",
            "vendor-admin",
            [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}],
            ours=False,
        ),
    ]

    findings = check_wildcard_rules(roles)

    assert [f.message for f in findings] == ["Role monitoring/agentic-wild has wildcard rules"]
    assert findings[0].evidence["rules"] == [{"rule": 0, "fields": ["apiGroups", "resources"]}]
