"""Twenty playbook runs at once into one store: nothing lost, no error, no live run INTERRUPTED.

The lease is short (8 s) and each run holds for 10 s, so every run outlives the lease: only the
heartbeat keeps the others from flipping it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.playbook import REPO, playbook_env
from tests.support.state_store import recording_for

RUNS = 20
EXECUTIONS_PER_RUN = 3
LEASE = {"AGENTIC_K8S_STATE_LEASE_SECONDS": "8", "AGENTIC_K8S_STATE_HEARTBEAT_SECONDS": "1"}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_twenty_concurrent_runs_lose_nothing_and_flip_no_live_run(
    backend: str, agentic_home: Path, request: pytest.FixtureRequest
):
    dsn = request.getfixturevalue("postgres_dsn") if backend == "postgres" else ""
    recording = recording_for(backend, agentic_home, dsn)
    env = playbook_env(agentic_home, {**recording.env, **LEASE})
    argv = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        str(REPO / "tests/integration/playbooks/concurrent.yml"),
        "-e",
        json.dumps({"platform": "eks", "probe_sleep": 10}),
    ]
    runs = [
        subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _run in range(RUNS)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * RUNS, "\n".join(outputs)
    assert not any("state store unavailable" in output or "INTERRUPTED" in output for output in outputs)

    workflows = recording.workflows()
    assert len(workflows) == RUNS
    assert {w["status"] for w in workflows} == {"COMPLETED"}
    assert all(w["attempts"] == 1 for w in workflows)
    executions = [e for w in workflows for e in w["executions"]]
    assert len(executions) == RUNS * EXECUTIONS_PER_RUN
    assert {e["status"] for e in executions} == {"SUCCEEDED"}
    assert sum(len(e["llm_calls"]) for e in executions) == RUNS
    assert not list((agentic_home / "spool").glob("*"))
