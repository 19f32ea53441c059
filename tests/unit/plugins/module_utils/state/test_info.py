"""What workflow_info returns, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import InputError
from ansible_collections.agentic.k8s.plugins.module_utils.state.info import read_workflows
from ansible_collections.agentic.k8s.plugins.module_utils.state.metrics import ALL_METRICS, WORKFLOWS_TOTAL
from ansible_collections.agentic.k8s.plugins.module_utils.state.records import WorkflowOpen


def test_workflows_metrics_and_logs_are_returned(store, store_settings, agentic_home: Path):
    store.open_workflow(WorkflowOpen("gke-prod-1", "run", "gke", "prod", {}, "host", 1))
    result = read_workflows(store_settings, agentic_home, statuses=["RUNNING"])
    assert [w["workflow_id"] for w in result["workflows"]] == ["gke-prod-1"]
    assert set(result["metrics"]) == set(ALL_METRICS)
    assert result["metrics"][WORKFLOWS_TOTAL] == [
        {"labels": {"environment": "prod", "platform": "gke", "status": "RUNNING"}, "value": 1}
    ]
    assert result["logs"] == [f"read 1 workflow(s) from the {store_settings.backend} state store"]


def test_an_unknown_status_names_the_allowed_ones(store_settings, agentic_home: Path):
    with pytest.raises(InputError, match="status: 'DONE' is not valid; allowed: RUNNING, AWAITING_APPROVAL"):
        read_workflows(store_settings, agentic_home, statuses=["DONE"])
