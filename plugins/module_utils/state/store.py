"""The one interface of the state store, its settings, and the rule that marks runs INTERRUPTED.

Backends (``sqlite``, ``postgres``, ``file``) implement :class:`StateStore`; :func:`open_store`
builds the one the settings name. Stores are plain Python: the state recorder callback is their
only writer, the ``workflow_info`` module reads them.
"""

from __future__ import annotations

import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError, InputError
from ..common.processes import pid_alive
from ..common.status import ExecutionStatus, WorkflowStatus
from .records import ExecutionRecord, LlmCallRecord, Record, WorkflowOpen, WorkflowUpdate, parse_timestamp

BACKENDS = ("sqlite", "postgres", "file")
DEFAULT_LEASE_SECONDS = 300
DEFAULT_CONNECT_TIMEOUT = 5


class StoreError(AgenticError):
    """The store cannot be reached or refused a write (the recorder then spools)."""


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is. Empty paths mean the defaults under the home folder."""

    backend: str = "sqlite"
    sqlite_path: str = ""
    dsn: str = ""
    sslmode: str = ""
    file_dir: str = ""
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    busy_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise InputError("backend", self.backend, ", ".join(BACKENDS))
        if self.backend == "postgres" and not self.dsn:
            raise AgenticError(
                "backend postgres needs a DSN: set dsn (ansible.cfg [callback_state_recorder] dsn "
                "or AGENTIC_K8S_STATE_DSN)",
                field="dsn",
            )


@dataclass(frozen=True)
class Owner:
    """Who holds a RUNNING workflow."""

    host: str
    pid: int

    @classmethod
    def current(cls) -> Owner:
        return cls(host=socket.gethostname(), pid=os.getpid())


@dataclass(frozen=True)
class RunningWorkflow:
    workflow_id: str
    run_id: str
    owner_host: str | None
    owner_pid: int | None
    heartbeat_at: str | None


def is_abandoned(
    running: RunningWorkflow, me: Owner, now: datetime, lease_seconds: float, alive=pid_alive
) -> bool:
    """True when no live process holds ``running``: its owner is a dead pid on this host, or
    (any host) its heartbeat is older than the lease. A live run is never abandoned."""
    if running.owner_host == me.host and running.owner_pid is not None:
        if running.owner_pid == me.pid:
            return False
        if not alive(running.owner_pid):
            return True
    if running.heartbeat_at is None:
        return False
    age = (now - parse_timestamp(running.heartbeat_at)).total_seconds()
    return age > lease_seconds


class StateStore(ABC):
    """The operations every backend provides. Writes are idempotent (see ``records``)."""

    def write(self, record: Record) -> Any:
        """Apply one record; a ``WorkflowOpen`` answers its attempt number."""
        if isinstance(record, WorkflowOpen):
            return self.open_workflow(record)
        if isinstance(record, WorkflowUpdate):
            self.update_workflow(record)
        elif isinstance(record, ExecutionRecord):
            self.upsert_execution(record)
        else:
            self.add_llm_call(record)
        return None

    def write_many(self, records: Sequence[Record]) -> list[Any]:
        """Apply ``records`` in order and answer what ``write`` answers for each; a backend may
        apply them in one transaction (all or none)."""
        return [self.write(record) for record in records]

    @abstractmethod
    def open_workflow(self, record: WorkflowOpen) -> int:
        """Create the row or start a new attempt of it; return the attempt number."""

    @abstractmethod
    def update_workflow(self, record: WorkflowUpdate) -> None: ...

    @abstractmethod
    def upsert_execution(self, record: ExecutionRecord) -> None: ...

    @abstractmethod
    def add_llm_call(self, record: LlmCallRecord) -> None: ...

    @abstractmethod
    def heartbeat(self, run_id: str, workflow_ids: Iterable[str], at: str) -> None:
        """Renew the lease of this run's RUNNING workflows."""

    @abstractmethod
    def running_workflows(self) -> list[RunningWorkflow]: ...

    @abstractmethod
    def mark_interrupted(self, running: RunningWorkflow, at: str) -> bool:
        """Flip ``running`` (if still held by the same run) and its RUNNING executions."""

    @abstractmethod
    def list_workflows(
        self, workflow_id: str | None = None, statuses: Iterable[str] = (), limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Workflows, newest first, each with ``executions`` (each with ``llm_calls``)."""

    @abstractmethod
    def schema_version(self) -> int: ...

    @abstractmethod
    def close(self) -> None:
        """Release connections."""

    def interrupt_abandoned(
        self, me: Owner, now: datetime, at: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> list[str]:
        """Mark every abandoned RUNNING workflow INTERRUPTED; return their ids."""
        flipped = []
        for running in self.running_workflows():
            if is_abandoned(running, me, now, lease_seconds) and self.mark_interrupted(running, at):
                flipped.append(running.workflow_id)
        return flipped


WORKFLOW_FIELDS = (
    "workflow_id",
    "status",
    "platform",
    "environment",
    "attempts",
    "config",
    "outputs",
    "errors",
    "created_at",
    "updated_at",
    "owner_host",
    "owner_pid",
    "heartbeat_at",
)
EXECUTION_FIELDS = (
    "execution_id",
    "workflow_id",
    "agent_name",
    "status",
    "attempt",
    "started_at",
    "completed_at",
    "input_data",
    "output_data",
    "error_message",
    "logs",
)
LLM_CALL_FIELDS = (
    "call_id",
    "execution_id",
    "provider",
    "model",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "cached",
    "created_at",
)


def assemble_workflows(
    workflows: list[dict[str, Any]], executions: list[dict[str, Any]], llm_calls: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The read shape of ``workflow_info``: workflows with their executions and LLM calls."""
    calls_by_execution: dict[str, list[dict[str, Any]]] = {}
    for call in llm_calls:
        calls_by_execution.setdefault(call["execution_id"], []).append(_pick(call, LLM_CALL_FIELDS))
    executions_by_workflow: dict[str, list[dict[str, Any]]] = {}
    for execution in executions:
        shaped = _pick(execution, EXECUTION_FIELDS)
        shaped["llm_calls"] = calls_by_execution.get(execution["execution_id"], [])
        executions_by_workflow.setdefault(execution["workflow_id"], []).append(shaped)
    return [
        {**_pick(row, WORKFLOW_FIELDS), "executions": executions_by_workflow.get(row["workflow_id"], [])}
        for row in workflows
    ]


def _pick(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: row.get(name) for name in fields}


INTERRUPTED_WORKFLOW = WorkflowStatus.INTERRUPTED.value
INTERRUPTED_EXECUTION = ExecutionStatus.INTERRUPTED.value
RUNNING = WorkflowStatus.RUNNING.value


def default_sqlite_path(home: Path) -> Path:
    return home / "state.db"


def default_file_dir(home: Path) -> Path:
    return home / "state"


def open_store(settings: StoreSettings, home: Path) -> StateStore:
    """The backend ``settings`` name, connected and migrated to the current schema."""
    if settings.backend == "file":
        from .file import FileStore

        return FileStore(Path(settings.file_dir) if settings.file_dir else default_file_dir(home))
    from .sql import PostgresStore, SqliteStore

    if settings.backend == "sqlite":
        path = Path(settings.sqlite_path) if settings.sqlite_path else default_sqlite_path(home)
        return SqliteStore(path, busy_timeout=settings.busy_timeout)
    return PostgresStore(settings.dsn, sslmode=settings.sslmode, connect_timeout=settings.connect_timeout)


def settings_from_options(get: Callable[[str], Any]) -> StoreSettings:
    """StoreSettings from the options of doc_fragments/state.py (``get`` = ``get_option`` or
    ``module.params.get``)."""
    return StoreSettings(
        backend=get("backend") or "sqlite",
        sqlite_path=get("sqlite_path") or "",
        dsn=get("dsn") or "",
        sslmode=get("sslmode") or "",
        file_dir=get("file_dir") or "",
        connect_timeout=float(get("connect_timeout") or DEFAULT_CONNECT_TIMEOUT),
    )
