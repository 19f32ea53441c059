"""The home folder, private atomic writes and the seed's structured log line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.events import write_event
from ansible_collections.agentic.k8s.plugins.module_utils.common.home import (
    JsonLinesAppender,
    agentic_home,
    atomic_write_text,
    cluster_paths,
)


def test_the_home_comes_from_the_variable_then_xdg_and_is_private(tmp_path: Path):
    assert agentic_home({"AGENTIC_K8S_HOME": str(tmp_path / "h")}) == tmp_path / "h"
    assert agentic_home({"XDG_STATE_HOME": str(tmp_path / "x")}) == tmp_path / "x" / "agentic-k8s"
    assert stat.S_IMODE((tmp_path / "h").stat().st_mode) == 0o700


def test_cluster_folders_are_private(tmp_path: Path):
    paths = cluster_paths(tmp_path, "eks-dev-main")
    assert paths.secrets == tmp_path / "clusters" / "eks-dev-main" / "secrets"
    assert stat.S_IMODE(paths.secrets.stat().st_mode) == 0o700


def test_an_atomic_write_leaves_a_0600_file_and_no_temp_file(tmp_path: Path):
    target = tmp_path / "report.json"
    atomic_write_text(target, "{}")
    assert target.read_text() == "{}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_event_is_the_seed_log_line_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-canary-123456")
    events = tmp_path / "events.jsonl"
    write_event(events, "k3s-dev-abc123", "tf_provision", "used sk-canary-123456", execution_time=45.2)
    [line] = events.read_text().splitlines()
    record = json.loads(line)
    assert set(record) == {"timestamp", "workflow_id", "agent", "level", "message", "execution_time"}
    assert (record["workflow_id"], record["level"], record["execution_time"]) == (
        "k3s-dev-abc123",
        "INFO",
        45.2,
    )
    assert "sk-canary" not in line


def test_an_appender_held_open_adds_whole_lines_after_those_of_other_writers(tmp_path: Path):
    path = tmp_path / "events.jsonl"
    appender = JsonLinesAppender(path)
    appender.append({"n": 1})
    write_event(path, "wf", "other", "written by another process", secrets=())
    appender.append({"n": 2})
    appender.close()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line.get("n", line.get("agent")) for line in lines] == [1, "other", 2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unknown_level_names_the_allowed_ones(tmp_path: Path):
    with pytest.raises(ValueError, match="allowed: DEBUG, INFO, WARNING, ERROR"):
        write_event(tmp_path / "e.jsonl", "w", "a", "m", level="LOUD")
