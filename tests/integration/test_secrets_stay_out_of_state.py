"""Canary secrets (a secret environment variable, a no_log task's values) reach neither the
store, nor the spool, nor events.jsonl, nor the playbook's output."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.support.playbook import run_playbook
from tests.support.state_store import RECORD_PLAYBOOK, recording_for


def test_canaries_never_reach_the_store_the_spool_the_events_or_the_output(agentic_home: Path):
    env_canary = f"canary-env-{uuid.uuid4().hex}"
    no_log_canary = f"canary-nolog-{uuid.uuid4().hex}"
    recording = recording_for("sqlite", agentic_home)
    env = {**recording.env, "AGENTIC_CANARY_TOKEN": env_canary}
    extra = {"platform": "eks", "probe_canary": no_log_canary, "probe_note": env_canary}
    broken = agentic_home / "not-a-folder"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("")

    outage = run_playbook(
        RECORD_PLAYBOOK,
        agentic_home,
        extra,
        env={**env, "AGENTIC_K8S_STATE_SQLITE_PATH": f"{broken}/state.db"},
    )
    assert outage.returncode == 0, outage.stdout + outage.stderr
    assert list((agentic_home / "spool").glob("*.jsonl")), "the outage run spooled nothing"
    spooled = _everything_under(agentic_home)

    replaying = run_playbook(RECORD_PLAYBOOK, agentic_home, extra, env=env)
    assert replaying.returncode == 0, replaying.stdout + replaying.stderr
    [first, second] = recording.workflows()
    assert len(first["executions"]) == len(second["executions"]) == 7
    note = next(e for e in second["executions"] if e["input_data"].get("message") == "plan")
    assert note["input_data"]["payload"]["note"] == "**REDACTED**"

    for canary in (env_canary, no_log_canary):
        for name, text in (
            ("outage output", outage.stdout + outage.stderr),
            ("replaying output", replaying.stdout + replaying.stderr),
            ("spool", spooled),
            ("home after replay (store, WAL, events.jsonl)", _everything_under(agentic_home)),
        ):
            assert canary not in text, f"{canary} found in the {name}"


def _everything_under(folder: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    )
