"""Opt-in: live validation of a REAL cluster (no Kubernetes API server runs on this machine).

Set ``AGENTIC_K8S_TEST_KUBECONFIG`` (and optionally ``AGENTIC_K8S_TEST_CONTEXT``) to a cluster
with kube-prometheus-stack in ``monitoring``; the run reads nodes, pods, events, RBAC, starts and
deletes the probe Job, and reaches Prometheus, Alertmanager and Grafana through the API server's
service proxy. Without the variable the test is skipped: the fake-API tests cover the logic.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import KubeClient
from ansible_collections.agentic.k8s.plugins.module_utils.validation.agent import (
    ReportTarget,
    validate_cluster,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import ValidationSettings

KUBECONFIG = os.environ.get("AGENTIC_K8S_TEST_KUBECONFIG", "")

pytestmark = pytest.mark.skipif(
    not KUBECONFIG, reason="opt-in: set AGENTIC_K8S_TEST_KUBECONFIG to a real cluster"
)


def test_a_real_cluster_is_validated_live_and_the_probe_job_is_removed():
    context = os.environ.get("AGENTIC_K8S_TEST_CONTEXT", "")
    settings = ValidationSettings(
        kubeconfig_path=KUBECONFIG,
        context=context,
        checks=["nodes", "pods", "endpoints", "networking", "security"],
        endpoints={
            "prometheus": {"service": "kube-prometheus-stack-prometheus", "port": 9090},
            "alertmanager": {"service": "kube-prometheus-stack-alertmanager", "port": 9093},
            "grafana": {"service": "kube-prometheus-stack-grafana", "port": 80},
        },
        fail_on="never",
    )

    run = validate_cluster(settings, ReportTarget(report_dir=None, templates_dir=None))

    assert run.report.mode == "live"
    assert run.report.checks_run == ["nodes", "pods", "endpoints", "networking", "security"]
    with KubeClient(KUBECONFIG, context or None) as client:
        leftovers = client.list("batch/v1", "Job", "default", label_selector="agentic.k8s/probe=dns")
    assert leftovers == []
