"""The recorder's pure rules: which tasks are recorded, the workflow derived for a failure before
init, and when a RUNNING workflow counts as abandoned; and that an interrupted run loses nothing it
queued."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import (
    derive_workflow_fact,
    is_recorded,
    result_output,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder_process import collections_root
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import (
    Owner,
    RunningWorkflow,
    StoreSettings,
    is_abandoned,
    open_store,
)

ME = Owner(host="controller", pid=100)
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_a_plain_name_matches_the_module_of_any_collection_and_a_dotted_name_only_itself():
    recorded = ("tf_provision", "acme.security.scan")
    assert is_recorded("agentic.k8s.tf_provision", recorded)
    assert is_recorded("tf_provision", recorded)
    assert is_recorded("acme.security.scan", recorded)
    assert not is_recorded("other.ns.scan", recorded)
    assert not is_recorded("ansible.builtin.command", recorded)


def test_a_workflow_derived_before_init_follows_the_id_rule(tmp_path: Path):
    fact = derive_workflow_fact("cluster-a", {"platform": "OpenShift 4", "cluster_env": "dev"}, tmp_path)
    assert re.fullmatch(r"openshift-4-dev-[0-9a-f]{8}", fact["id"])
    assert fact["status"] == "RUNNING"
    assert fact["inputs"] == {"platform": "OpenShift 4", "cluster_env": "dev"}
    assert fact["artifacts_dir"] == str(tmp_path / "workflows" / fact["id"])


def test_an_explicit_workflow_id_is_kept(tmp_path: Path):
    fact = derive_workflow_fact("h", {"platform": "eks", "workflow_id": "eks-prod-keep1234"}, tmp_path)
    assert fact["id"] == "eks-prod-keep1234"


def test_the_stored_output_leaves_out_logs_usage_and_ansible_internals():
    result = {"plan": {"a": 1}, "logs": ["x"], "llm_usage": [{}], "changed": True, "_ansible_no_log": False}
    assert result_output(result) == {"plan": {"a": 1}}


def running(host: str, pid: int, heartbeat: datetime | None) -> RunningWorkflow:
    return RunningWorkflow("eks-dev-1", "run", host, pid, heartbeat.isoformat() if heartbeat else None)


def test_a_dead_pid_on_this_host_is_abandoned_at_once():
    assert is_abandoned(running("controller", 7, NOW), ME, NOW, 300, alive=lambda pid: False)


def test_a_live_pid_on_this_host_with_a_fresh_heartbeat_is_not_abandoned():
    assert not is_abandoned(running("controller", 7, NOW), ME, NOW, 300, alive=lambda pid: True)


def test_another_host_is_judged_by_its_heartbeat_only():
    stale = running("awx-2", 7, NOW - timedelta(seconds=301))
    fresh = running("awx-2", 7, NOW - timedelta(seconds=299))
    assert is_abandoned(stale, ME, NOW, 300, alive=lambda pid: True)
    assert not is_abandoned(fresh, ME, NOW, 300, alive=lambda pid: False)


def test_this_run_never_abandons_its_own_workflow():
    assert not is_abandoned(running("controller", 100, NOW - timedelta(days=1)), ME, NOW, 300)


def test_records_still_queued_when_the_process_exits_are_written(tmp_path: Path, agentic_home: Path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import Recorder\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import RecorderSettings\n"
        "recorder = Recorder(RecorderSettings(heartbeat_seconds=0), Path(sys.argv[1]), print)\n"
        "recorder.start()\n"
        "recorder.learn_workflow('h', {'id': 'eks-dev-exit1234', 'platform': 'eks'})\n"
        "recorder.execution_started('h', 'task-1', 'llm_plan', {'nodes': 3}, no_log=False)\n"
        "raise SystemExit(99)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(agentic_home)],
        env={**os.environ, "PYTHONPATH": str(collections_root())},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 99, run.stderr
    store = open_store(StoreSettings(), agentic_home)
    [workflow] = store.list_workflows()
    store.close()
    assert [(e["agent_name"], e["status"]) for e in workflow["executions"]] == [("llm_plan", "RUNNING")]
