"""What ``workflow_info`` returns: the stored workflows and the metrics computed over them."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..common.errors import InputError
from ..common.status import WorkflowStatus
from .metrics import compute_metrics, seconds_between
from .store import StoreSettings, open_store

STATE_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    "backend": {"type": "str", "choices": ["sqlite", "postgres", "file"], "default": "sqlite"},
    "sqlite_path": {"type": "path"},
    "dsn": {"type": "str", "no_log": True},
    "sslmode": {
        "type": "str",
        "choices": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"],
    },
    "file_dir": {"type": "path"},
    "connect_timeout": {"type": "int", "default": 5},
}
"""The options of doc_fragments/state.py as an argument spec (each falls back to its env var)."""

STATE_ENVIRONMENT = {
    "backend": "AGENTIC_K8S_STATE_BACKEND",
    "sqlite_path": "AGENTIC_K8S_STATE_SQLITE_PATH",
    "dsn": "AGENTIC_K8S_STATE_DSN",
    "sslmode": "AGENTIC_K8S_STATE_SSLMODE",
    "file_dir": "AGENTIC_K8S_STATE_FILE_DIR",
    "connect_timeout": "AGENTIC_K8S_STATE_CONNECT_TIMEOUT",
}


def read_workflows(
    settings: StoreSettings,
    home: Path,
    workflow_id: str | None = None,
    statuses: Iterable[str] = (),
    limit: int | None = None,
) -> dict[str, Any]:
    """``{workflows: [...], metrics: {...}, logs: [...]}`` from the store ``settings`` name."""
    statuses = list(statuses)
    allowed = [status.value for status in WorkflowStatus]
    for status in statuses:
        if status not in allowed:
            raise InputError("status", status, ", ".join(allowed))
    store = open_store(settings, home)
    try:
        workflows = store.list_workflows(workflow_id=workflow_id, statuses=statuses, limit=limit)
    finally:
        store.close()
    for workflow in workflows:
        _add_durations(workflow.get("executions", []))
    return {
        "workflows": workflows,
        "metrics": compute_metrics(workflows),
        "logs": [f"read {len(workflows)} workflow(s) from the {settings.backend} state store"],
    }


def _add_durations(executions: list[dict[str, Any]]) -> None:
    """Each finished execution gets ``duration_seconds`` (the report's per-phase durations)."""
    for execution in executions:
        if execution.get("started_at") and execution.get("completed_at"):
            execution["duration_seconds"] = round(
                seconds_between(execution["started_at"], execution["completed_at"]), 1
            )
