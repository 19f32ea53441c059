"""The records the state recorder writes, as plain data (spoolable as JSON lines).

Every write to a store is one of these records; replaying the same record twice has the effect
of once (upserts keyed by ``workflow_id``, ``execution_id``, ``call_id``, error ``id``), so a
spool can be replayed after a partial replay without duplicating anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias


def utc_now() -> str:
    """The store's timestamp format: ISO 8601, UTC, microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class WorkflowOpen:
    """A run starts (or resumes) a workflow: the row is created or its ``attempts`` grows by one."""

    workflow_id: str
    run_id: str
    platform: str
    environment: str
    config: dict[str, Any]
    owner_host: str
    owner_pid: int
    at: str = field(default_factory=utc_now)


@dataclass(frozen=True)
class WorkflowUpdate:
    """A change of status, outputs (merged by key) or errors (appended, de-duplicated by ``id``).

    ``release`` clears the owner: the run no longer holds the workflow.
    """

    workflow_id: str
    run_id: str
    status: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    release: bool = False
    at: str = field(default_factory=utc_now)


@dataclass(frozen=True)
class ExecutionRecord:
    """One ``agent_executions`` row, inserted or updated by ``execution_id``."""

    execution_id: str
    workflow_id: str
    agent_name: str
    status: str
    attempt: int
    started_at: str
    completed_at: str | None = None
    input_data: Any = None
    output_data: Any = None
    error_message: str | None = None
    logs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LlmCallRecord:
    """One ``llm_calls`` row: one entry of a module result's ``llm_usage``."""

    call_id: str
    execution_id: str
    workflow_id: str
    provider: str
    model: str
    latency_ms: float
    prompt_tokens: int
    completion_tokens: int
    cached: bool
    created_at: str = field(default_factory=utc_now)


Record: TypeAlias = "WorkflowOpen | WorkflowUpdate | ExecutionRecord | LlmCallRecord"
RECORD_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (WorkflowOpen, WorkflowUpdate, ExecutionRecord, LlmCallRecord)
}


def record_to_dict(record: Record) -> dict[str, Any]:
    """``{"type": "ExecutionRecord", "data": {...}}``: one spool line."""
    return {"type": type(record).__name__, "data": asdict(record)}


def record_from_dict(line: dict[str, Any]) -> Record:
    return RECORD_TYPES[line["type"]](**line["data"])
