"""The spool journals records during an outage and replays them exactly once in effect."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.state.records import (
    ExecutionRecord,
    WorkflowOpen,
    WorkflowUpdate,
    utc_now,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.spool import Spool
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store


def spool_a_run(directory: Path, run_id: str) -> Spool:
    spool = Spool(directory, run_id)
    spool.append(WorkflowOpen("eks-dev-1", run_id, "eks", "dev", {"platform": "eks"}, "host", 1))
    spool.append(ExecutionRecord("x-1", "eks-dev-1", "llm_plan", "RUNNING", 1, utc_now()))
    spool.append(
        ExecutionRecord("x-1", "eks-dev-1", "llm_plan", "SUCCEEDED", 1, utc_now(), completed_at=utc_now())
    )
    spool.append(WorkflowUpdate("eks-dev-1", run_id, status="COMPLETED", release=True))
    return spool


def test_a_spool_file_is_private(tmp_path: Path):
    spool = spool_a_run(tmp_path / "spool", "old-run")
    assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600


def test_the_next_run_replays_another_runs_spool_and_removes_it(tmp_path: Path, agentic_home: Path):
    spool_a_run(tmp_path / "spool", "old-run")
    store = open_store(StoreSettings(), agentic_home)
    assert Spool(tmp_path / "spool", "new-run").replay(store) == 4
    [workflow] = store.list_workflows()
    assert workflow["status"] == "COMPLETED"
    assert [e["status"] for e in workflow["executions"]] == ["SUCCEEDED"]
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_run_does_not_replay_its_own_spool(tmp_path: Path, agentic_home: Path):
    spool = spool_a_run(tmp_path / "spool", "this-run")
    assert spool.replay(open_store(StoreSettings(), agentic_home)) == 0
    assert spool.path.exists()


def test_a_claim_left_by_a_dead_replayer_is_replayed_again_without_duplicates(
    tmp_path: Path, agentic_home: Path
):
    spool = spool_a_run(tmp_path / "spool", "old-run")
    store = open_store(StoreSettings(), agentic_home)
    Spool(tmp_path / "spool", "first").replay(store)
    spool_a_run(tmp_path / "spool", "old-run")
    os.rename(spool.path, spool.path.with_name(f"{spool.path.name}.claimed-{2**22 + 12345}"))
    assert Spool(tmp_path / "spool", "second").replay(store) == 4
    [workflow] = store.list_workflows()
    assert len(workflow["executions"]) == 1
    assert workflow["attempts"] == 1
