"""Live validation against the Kubernetes API fake: a healthy cluster passes, broken ones (NotReady
node, crash-looping pod with logs, Pending pod, missing CoreDNS, extra cluster-admin) fail with
evidence; the probe Job is cleaned up; an unreachable API falls back to static mode."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.validation.agent import (
    ReportTarget,
    validate_cluster,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import ValidationSettings
from tests.support.cluster_objects import event, node, pod, rbac_binding
from tests.support.llm_server import free_loopback_port as free_port

REPO = Path(__file__).resolve().parents[2]
LIVE = ["nodes", "pods", "networking", "security"]


def settings_for(cluster, **overrides) -> ValidationSettings:
    values = {"kubeconfig_path": str(cluster.kubeconfig), "expected_nodes": 3, "checks": LIVE, "timeout_s": 5}
    values |= overrides
    values.setdefault("probe", {"timeout_s": 5})
    return ValidationSettings.model_validate(values)


def no_report() -> ReportTarget:
    return ReportTarget(report_dir=None, templates_dir=None)


def test_a_healthy_cluster_scores_100_and_the_probe_job_is_cleaned_up(cluster_to_validate, tmp_path):
    target = ReportTarget(tmp_path / "report", REPO / "templates" / "report", workflow_id="eks-dev-1")

    run = validate_cluster(settings_for(cluster_to_validate), target)

    assert (run.failed, run.report.mode, run.report.status, run.report.score) == (
        False,
        "live",
        "healthy",
        100,
    )
    assert run.report.checks_run == LIVE
    api = cluster_to_validate.api
    assert any(method == "PATCH" and "/jobs/agentic-probe-" in path for method, path in api.requests)
    assert api.stored_of_kind("batch/v1", "Job") == []
    assert [p for p in api.stored_of_kind("v1", "Pod") if "job-name" in p["metadata"]["labels"]] == []
    assert Path(run.report.report["html"]).is_file()


def test_a_broken_cluster_fails_with_evidence_from_events_and_logs(cluster_to_validate):
    cluster_to_validate.seed(
        node("node-3", ready=False),
        pod("monitoring", "grafana-1", waiting="CrashLoopBackOff", restarts=6),
        pod("kube-system", "metrics-server-1", phase="Pending", unschedulable="0/3 nodes are available"),
        event("monitoring", "grafana-1", "BackOff", "Back-off restarting failed container"),
    )
    cluster_to_validate.api.seed_pod_log(
        "monitoring", "grafana-1", "logger=sqlstore\npanic: database is locked\n"
    )

    run = validate_cluster(settings_for(cluster_to_validate), no_report())

    assert run.failed and run.report.status == "critical"
    by_subject = {(f.check, f.evidence.get("pod") or f.evidence.get("node")): f for f in run.report.findings}
    assert by_subject[("nodes", "node-3")].severity == "critical"
    crash = by_subject[("pods", "grafana-1")]
    assert crash.evidence["log_tail"] == ["logger=sqlstore", "panic: database is locked"]
    assert crash.evidence["events"][0]["reason"] == "BackOff"
    assert "0/3 nodes are available" in by_subject[("pods", "metrics-server-1")].message
    assert run.report.check_scores["security"] == 100 and run.report.check_scores["networking"] == 100
    assert run.report.check_scores["pods"] == 0
    assert "failing on 3 critical+ findings" in run.message


def test_a_cluster_without_coredns_fails_the_dns_probe(cluster_to_validate):
    api = cluster_to_validate.api
    for name in ("coredns-0", "coredns-1"):
        api.objects.pop(("v1", "pods", "kube-system", name))
    api.seed(
        {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": "kube-dns", "namespace": "kube-system"},
        }
    )

    run = validate_cluster(settings_for(cluster_to_validate, checks=["networking"]), no_report())

    messages = sorted(f.message for f in run.report.findings)
    assert messages == [
        "No CoreDNS pod (label k8s-app=kube-dns) in kube-system",
        "Service kube-system/kube-dns has no ready endpoints",
        "The in-cluster probe could not resolve kubernetes.default or reach kubernetes.default.svc:443",
    ]
    probe = next(f for f in run.report.findings if "probe" in f.message)
    assert probe.evidence["log_tail"] == ["nslookup: can't resolve 'kubernetes.default'"]
    assert api.stored_of_kind("batch/v1", "Job") == []


def test_a_workflow_made_cluster_admin_binding_beyond_the_creator_is_critical(cluster_to_validate):
    cluster_to_validate.seed(
        rbac_binding("agentic-creator-admin", "cluster-admin", [{"kind": "User", "name": "creator"}]),
        rbac_binding("agentic-ci-admin", "cluster-admin", [{"kind": "Group", "name": "ci"}]),
    )

    run = validate_cluster(
        settings_for(cluster_to_validate, checks=["security"], creator_subjects=["User:creator"]), no_report()
    )

    assert [f.evidence["binding"] for f in run.report.findings] == ["agentic-ci-admin"]


def test_validation_waits_until_the_cluster_is_healthy(cluster_to_validate):
    cluster_to_validate.seed(node("node-3", ready=False))
    timer = threading.Timer(1.0, cluster_to_validate.seed, args=(node("node-3"),))
    timer.start()
    try:
        run = validate_cluster(
            settings_for(cluster_to_validate, checks=["nodes"], wait_timeout_s=20, wait_interval_s=0.5),
            no_report(),
        )
    finally:
        timer.cancel()

    assert run.rounds >= 2 and run.report.status == "healthy" and not run.failed


def test_an_unreachable_api_falls_back_to_static_and_claims_no_live_health(tmp_path):
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        '{"apiVersion": "v1", "kind": "Config", "current-context": "x",'
        f' "clusters": [{{"name": "x", "cluster": {{"server": "http://127.0.0.1:{free_port()}"}}}}],'
        ' "users": [{"name": "x", "user": {"token": "t"}}],'
        ' "contexts": [{"name": "x", "context": {"cluster": "x", "user": "x"}}]}'
    )
    settings = ValidationSettings(kubeconfig_path=str(kubeconfig), timeout_s=2, plan={"platform": "eks"})

    run = validate_cluster(settings, no_report())

    assert run.report.mode == "static"
    assert run.report.checks_run == ["plan"]
    skipped = {s.check: s.reason for s in run.report.checks_skipped}
    assert set(skipped) == {"nodes", "pods", "endpoints", "networking", "security", "manifests"}
    assert "did not answer" in skipped["nodes"]
    with pytest.raises(AgenticError, match="mode: live was asked"):
        validate_cluster(settings.model_copy(update={"mode": "live"}), no_report())
