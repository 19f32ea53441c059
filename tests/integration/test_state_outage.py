"""PostgreSQL stopped in the middle of a run: the run succeeds, its records wait in the spool,
and the next run replays them, so the store ends with every row that ran."""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.support.playbook import run_playbook
from tests.support.state_store import RECORD_PLAYBOOK, RECORDED_EXECUTIONS_PER_RUN, recording_for


def test_a_store_outage_spools_and_the_next_run_replays(
    postgres_server, postgres_dsn: str, agentic_home: Path
):
    recording = recording_for("postgres", agentic_home, postgres_dsn)
    stop = shlex.join(postgres_server.stop_argv())
    try:
        run = run_playbook(
            RECORD_PLAYBOOK, agentic_home, {"platform": "eks", "probe_command": stop}, env=recording.env
        )
    finally:
        postgres_server.start()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "state store unavailable" in run.stdout + run.stderr
    [spool] = (agentic_home / "spool").glob("*.jsonl")
    spooled = spool.read_text().splitlines()
    assert len(spooled) >= RECORDED_EXECUTIONS_PER_RUN

    [before_replay] = recording.workflows()
    assert before_replay["status"] == "RUNNING"
    assert len(before_replay["executions"]) == 2  # plan and the skipped hold ran before the outage

    second = run_playbook(RECORD_PLAYBOOK, agentic_home, {"platform": "eks"}, env=recording.env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"replayed {len(spooled)} spooled record(s)" in second.stdout + second.stderr
    assert not list((agentic_home / "spool").glob("*"))
    workflows = recording.workflows()
    assert len(workflows) == 2
    assert {w["status"] for w in workflows} == {"COMPLETED"}
    for workflow in workflows:
        assert len(workflow["executions"]) == RECORDED_EXECUTIONS_PER_RUN
        assert all(e["status"] != "RUNNING" for e in workflow["executions"])
        assert sum(len(e["llm_calls"]) for e in workflow["executions"]) == 2
        assert workflow["owner_pid"] is None
