"""OPT-IN: the monitoring agent against a REAL cluster, when KUBECONFIG points to one.

Skipped unless ``KUBECONFIG`` names a kubeconfig whose API answers. By default it only reads and
server-side dry-runs (check mode, nothing changes on the cluster); with
``AGENTIC_REAL_CLUSTER_APPLY=1`` and helm on PATH it installs the stack into the namespace
``agentic-optin`` (release ``agentic-optin``), checks that a second apply changes nothing, and
leaves it installed for inspection (``helm uninstall agentic-optin -n agentic-optin`` removes it).
"""

from __future__ import annotations

import os
import shutil

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import KubeClient, KubeError
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.run import (
    MonitoringRequest,
    run_monitoring,
)
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec

KUBECONFIG = os.environ.get("KUBECONFIG", "").split(os.pathsep)[0]


def _reachable() -> bool:
    if not KUBECONFIG or not os.path.isfile(KUBECONFIG):
        return False
    try:
        with KubeClient(KUBECONFIG, timeout_s=5) as kube:
            return kube.reachable()
    except KubeError:
        return False


pytestmark = pytest.mark.skipif(
    not _reachable(), reason="opt-in: set KUBECONFIG to a reachable real cluster to run this test"
)
SPEC = build_spec({"platform": "k3s", "namespace": "agentic-optin", "release_name": "agentic-optin"})


def test_check_mode_dry_runs_the_stack_on_the_real_cluster(tmp_path):
    result = run_monitoring(
        SPEC, MonitoringRequest(mode="apply", dest=str(tmp_path), kubeconfig_path=KUBECONFIG, check_mode=True)
    )
    assert result["cluster_reachable"] is True
    assert result["objects"] and not (tmp_path / "values.yaml").exists()


@pytest.mark.skipif(
    os.environ.get("AGENTIC_REAL_CLUSTER_APPLY") != "1" or shutil.which("helm") is None,
    reason="opt-in: AGENTIC_REAL_CLUSTER_APPLY=1 and helm on PATH install the stack on the real cluster",
)
def test_apply_on_the_real_cluster_is_idempotent(tmp_path):
    request = MonitoringRequest(
        mode="apply", dest=str(tmp_path), kubeconfig_path=KUBECONFIG, helm_timeout_s=900
    )
    first = run_monitoring(SPEC, request)
    assert first["applied"] is True
    again = run_monitoring(SPEC, request)
    assert again["changed"] is False, again["objects"]
