"""The seed's structured log line, appended to a workflow's ``events.jsonl``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .home import append_json_line
from .redact import redact

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def utc_timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_record(
    workflow_id: str,
    agent: str,
    message: str,
    *,
    level: str = "INFO",
    execution_time: float | None = None,
    secrets: Iterable[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """``{timestamp, workflow_id, agent, level, message, execution_time, ...}`` redacted
    (``secrets``: the known secret values, when the caller has them; else read from the environment)."""
    if level not in LEVELS:
        raise ValueError(f"level: {level!r} is not valid; allowed: {', '.join(LEVELS)}")
    return redact(
        {
            "timestamp": utc_timestamp(),
            "workflow_id": workflow_id,
            "agent": agent,
            "level": level,
            "message": message,
            "execution_time": execution_time,
            **extra,
        },
        secrets,
    )


def write_event(
    events_path: Path, workflow_id: str, agent: str, message: str, **fields: Any
) -> dict[str, Any]:
    """Append :func:`event_record` (same arguments) to ``events_path``."""
    record = event_record(workflow_id, agent, message, **fields)
    append_json_line(events_path, record)
    return record
