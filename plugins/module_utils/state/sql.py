"""The SQL backends: SQLite (default; 0600 file, WAL, busy timeout) and PostgreSQL (psycopg 3).

Both run the same statements (named ``:parameters``, ``ON CONFLICT`` upserts, ``RETURNING``);
every write is one transaction, read-modify-writes lock the row (``BEGIN IMMEDIATE`` on SQLite,
``SELECT ... FOR UPDATE`` on PostgreSQL), and migrations run under a lock so that concurrent
first runs create the schema once.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..common.home import SECRET_FILE_MODE, ensure_private_dir
from .records import ExecutionRecord, LlmCallRecord, Record, WorkflowOpen, WorkflowUpdate
from .schema import CURRENT_VERSION, POSTGRES, SQLITE, VERSION_TABLE, Dialect, migration_statements
from .store import (
    INTERRUPTED_EXECUTION,
    INTERRUPTED_WORKFLOW,
    RUNNING,
    RunningWorkflow,
    StateStore,
    StoreError,
    assemble_workflows,
)

JSON_COLUMNS = frozenset({"config", "outputs", "errors", "input_data", "output_data", "logs"})

OPEN_WORKFLOW = """
INSERT INTO workflows (workflow_id, status, platform, environment, created_at, updated_at, config,
                       outputs, errors, attempts, owner_host, owner_pid, run_id, heartbeat_at)
VALUES (:workflow_id, 'RUNNING', :platform, :environment, :at, :at, :config, '{}', '[]', 1,
        :owner_host, :owner_pid, :run_id, :at)
ON CONFLICT (workflow_id) DO UPDATE SET
    attempts = CASE WHEN workflows.run_id = excluded.run_id THEN workflows.attempts
                    ELSE workflows.attempts + 1 END,
    status = 'RUNNING', platform = excluded.platform, environment = excluded.environment,
    config = excluded.config, updated_at = excluded.updated_at, owner_host = excluded.owner_host,
    owner_pid = excluded.owner_pid, run_id = excluded.run_id, heartbeat_at = excluded.heartbeat_at
RETURNING attempts
"""

UPSERT_EXECUTION = """
INSERT INTO agent_executions (execution_id, workflow_id, agent_name, status, attempt, started_at,
                              completed_at, input_data, output_data, error_message, logs)
VALUES (:execution_id, :workflow_id, :agent_name, :status, :attempt, :started_at, :completed_at,
        :input_data, :output_data, :error_message, :logs)
ON CONFLICT (execution_id) DO UPDATE SET
    status = excluded.status, completed_at = excluded.completed_at, input_data = excluded.input_data,
    output_data = excluded.output_data, error_message = excluded.error_message, logs = excluded.logs
"""

ADD_LLM_CALL = """
INSERT INTO llm_calls (call_id, execution_id, workflow_id, provider, model, latency_ms, prompt_tokens,
                       completion_tokens, cached, created_at)
VALUES (:call_id, :execution_id, :workflow_id, :provider, :model, :latency_ms, :prompt_tokens,
        :completion_tokens, :cached, :created_at)
ON CONFLICT (call_id) DO NOTHING
"""

_NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


def _encode(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key: json.dumps(value, default=str) if key in JSON_COLUMNS else value for key, value in record.items()
    }


def _decode(row: dict[str, Any], json_is_text: bool) -> dict[str, Any]:
    """A row as plain Python: JSON parsed (SQLite stores text), timestamps ISO 8601 UTC."""
    decoded = {}
    for key, value in row.items():
        decoded[key] = _decode_value(key, value, json_is_text)
    return decoded


def _decode_value(key: str, value: Any, json_is_text: bool) -> Any:
    if json_is_text and key in JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if key == "cached" and value is not None:
        return bool(value)
    return value


def _in_clause(prefix: str, values: list[str]) -> tuple[str, dict[str, str]]:
    names = {f"{prefix}{index}": value for index, value in enumerate(values)}
    return ", ".join(f":{name}" for name in names), names


class SqlStore(StateStore):
    """The statements and transactions shared by both SQL backends."""

    dialect: Dialect

    @contextmanager
    def _transaction(self, write: bool = True, single: bool = False, batch: bool = False) -> Iterator[Any]:
        """A transaction (SQLite: ``BEGIN IMMEDIATE`` when ``write``); ``single`` statements run
        in autocommit, atomic by themselves, one round trip fewer; ``batch`` (many statements)
        lets PostgreSQL send them without waiting for each answer."""
        raise NotImplementedError

    def _execute(self, cursor: Any, sql: str, params: dict[str, Any] | None = None) -> Any:
        cursor.execute(sql, params or {})
        return cursor

    def _rows(self, cursor: Any, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = self._execute(cursor, sql, params).fetchall()
        return [_decode(dict(row), self.dialect.json_is_text) for row in rows]

    def _lock_schema(self, cursor: Any) -> None:
        """Serialise migrations (SQLite's write transaction already does)."""

    def _migrate(self) -> None:
        with self._transaction() as cursor:
            self._lock_schema(cursor)
            self._execute(cursor, VERSION_TABLE)
            row = self._execute(cursor, "SELECT max(version) AS version FROM schema_version").fetchone()
            version = dict(row)["version"] or 0
            if version >= CURRENT_VERSION:
                return
            for statement in migration_statements(self.dialect, version):
                self._execute(cursor, statement)
            self._execute(cursor, "DELETE FROM schema_version")
            self._execute(cursor, "INSERT INTO schema_version (version) VALUES (:v)", {"v": CURRENT_VERSION})

    def schema_version(self) -> int:
        with self._transaction(write=False) as cursor:
            return self._rows(cursor, "SELECT max(version) AS version FROM schema_version")[0]["version"]

    def open_workflow(self, record: WorkflowOpen) -> int:
        with self._transaction(single=True) as cursor:
            return self._open_workflow(cursor, record)

    def update_workflow(self, record: WorkflowUpdate) -> None:
        with self._transaction() as cursor:
            self._update_workflow(cursor, record)

    def upsert_execution(self, record: ExecutionRecord) -> None:
        with self._transaction(single=True) as cursor:
            self._upsert_execution(cursor, record)

    def add_llm_call(self, record: LlmCallRecord) -> None:
        with self._transaction(single=True) as cursor:
            self._add_llm_call(cursor, record)

    def write_many(self, records: Sequence[Record]) -> list[Any]:
        """One transaction, one commit for all of ``records`` (PostgreSQL pipelines them)."""
        with self._transaction(batch=True) as cursor:
            return [self._apply(cursor, record) for record in records]

    def _apply(self, cursor: Any, record: Record) -> Any:
        if isinstance(record, WorkflowOpen):
            return self._open_workflow(cursor, record)
        if isinstance(record, WorkflowUpdate):
            self._update_workflow(cursor, record)
        elif isinstance(record, ExecutionRecord):
            self._upsert_execution(cursor, record)
        else:
            self._add_llm_call(cursor, record)
        return None

    def _open_workflow(self, cursor: Any, record: WorkflowOpen) -> int:
        return dict(self._execute(cursor, OPEN_WORKFLOW, _encode(vars(record))).fetchone())["attempts"]

    def _update_workflow(self, cursor: Any, record: WorkflowUpdate) -> None:
        rows = self._rows(
            cursor,
            "SELECT outputs, errors FROM workflows WHERE workflow_id = :workflow_id" + self.dialect.lock_row,
            {"workflow_id": record.workflow_id},
        )
        if not rows:
            raise StoreError(
                f"workflow {record.workflow_id} is not in the store", workflow_id=record.workflow_id
            )
        outputs = {**(rows[0]["outputs"] or {}), **record.outputs}
        errors = list(rows[0]["errors"] or [])
        known = {error.get("id") for error in errors}
        errors += [error for error in record.errors if error.get("id") not in known]
        self._execute(
            cursor,
            "UPDATE workflows SET status = COALESCE(:status, status), outputs = :outputs,"
            " errors = :errors, updated_at = :at WHERE workflow_id = :workflow_id",
            _encode(
                {
                    "status": record.status,
                    "outputs": outputs,
                    "errors": errors,
                    "at": record.at,
                    "workflow_id": record.workflow_id,
                }
            ),
        )
        if record.release:
            self._execute(
                cursor,
                "UPDATE workflows SET owner_pid = NULL, heartbeat_at = NULL"
                " WHERE workflow_id = :workflow_id AND run_id = :run_id",
                {"workflow_id": record.workflow_id, "run_id": record.run_id},
            )

    def _upsert_execution(self, cursor: Any, record: ExecutionRecord) -> None:
        self._execute(cursor, UPSERT_EXECUTION, _encode(vars(record)))

    def _add_llm_call(self, cursor: Any, record: LlmCallRecord) -> None:
        self._execute(cursor, ADD_LLM_CALL, vars(record))

    def heartbeat(self, run_id: str, workflow_ids: Iterable[str], at: str) -> None:
        with self._transaction(single=True) as cursor:
            self._execute(
                cursor,
                "UPDATE workflows SET heartbeat_at = :at WHERE run_id = :run_id AND status = :running",
                {"at": at, "run_id": run_id, "running": RUNNING},
            )

    def running_workflows(self) -> list[RunningWorkflow]:
        with self._transaction(write=False) as cursor:
            rows = self._rows(
                cursor,
                "SELECT workflow_id, run_id, owner_host, owner_pid, heartbeat_at FROM workflows"
                " WHERE status = :running",
                {"running": RUNNING},
            )
        return [RunningWorkflow(**row) for row in rows]

    def mark_interrupted(self, running: RunningWorkflow, at: str) -> bool:
        with self._transaction() as cursor:
            flipped = self._execute(
                cursor,
                "UPDATE workflows SET status = :interrupted, updated_at = :at, owner_pid = NULL,"
                " heartbeat_at = NULL WHERE workflow_id = :workflow_id AND run_id = :run_id"
                " AND status = :running",
                {
                    "interrupted": INTERRUPTED_WORKFLOW,
                    "at": at,
                    "workflow_id": running.workflow_id,
                    "run_id": running.run_id,
                    "running": RUNNING,
                },
            ).rowcount
            if flipped:
                self._execute(
                    cursor,
                    "UPDATE agent_executions SET status = :interrupted, completed_at = :at"
                    " WHERE workflow_id = :workflow_id AND status = :running",
                    {
                        "interrupted": INTERRUPTED_EXECUTION,
                        "at": at,
                        "workflow_id": running.workflow_id,
                        "running": RUNNING,
                    },
                )
        return bool(flipped)

    def list_workflows(
        self, workflow_id: str | None = None, statuses: Iterable[str] = (), limit: int | None = None
    ) -> list[dict[str, Any]]:
        conditions, params = [], {}
        if workflow_id:
            conditions.append("workflow_id = :workflow_id")
            params["workflow_id"] = workflow_id
        if statuses := list(statuses):
            placeholders, names = _in_clause("status", statuses)
            conditions.append(f"status IN ({placeholders})")
            params.update(names)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        bounded = f" LIMIT {int(limit)}" if limit else ""
        with self._transaction(write=False) as cursor:
            workflows = self._rows(
                cursor, f"SELECT * FROM workflows{where} ORDER BY created_at DESC, id DESC{bounded}", params
            )
            if not workflows:
                return []
            placeholders, names = _in_clause("w", [row["workflow_id"] for row in workflows])
            executions = self._rows(
                cursor,
                f"SELECT * FROM agent_executions WHERE workflow_id IN ({placeholders})"
                " ORDER BY started_at, id",
                names,
            )
            calls = self._rows(
                cursor,
                f"SELECT * FROM llm_calls WHERE workflow_id IN ({placeholders}) ORDER BY created_at, id",
                names,
            )
        return assemble_workflows(workflows, executions, calls)


class SqliteStore(SqlStore):
    """A local file, mode 0600, in WAL mode; writers wait up to ``busy_timeout`` seconds.

    ``synchronous = NORMAL``: under WAL a commit is durable as soon as it is in the operating
    system's cache, so a record survives the run crashing or being killed (what the recorder
    needs); only a power loss or kernel crash can undo the last commits, and no commit waits for
    an fsync.
    """

    dialect = SQLITE

    def __init__(self, path: Path, busy_timeout: float = 60.0) -> None:
        self.path = path
        ensure_private_dir(path.parent)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, SECRET_FILE_MODE))
            self._connection = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            self._connection.row_factory = sqlite3.Row
            self._connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the SQLite state store {path}: {error}", path=str(path)) from error

    @contextmanager
    def _transaction(
        self, write: bool = True, single: bool = False, batch: bool = False
    ) -> Iterator[sqlite3.Cursor]:
        """Always explicit: a write takes the lock up front (``BEGIN IMMEDIATE``), where the busy
        timeout applies; an autocommit upsert could fail on a stale WAL snapshot instead."""
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            yield cursor
            cursor.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback(cursor)
            raise StoreError(f"SQLite state store {self.path}: {error}", path=str(self.path)) from error
        except BaseException:
            self._rollback(cursor)
            raise
        finally:
            cursor.close()

    def _rollback(self, cursor: sqlite3.Cursor) -> None:
        if self._connection.in_transaction:
            cursor.execute("ROLLBACK")

    def close(self) -> None:
        self._connection.close()


class PostgresStore(SqlStore):
    """PostgreSQL through psycopg 3: a DSN, ``sslmode`` passed through, one transaction a write."""

    dialect = POSTGRES

    def __init__(self, dsn: str, sslmode: str = "", connect_timeout: float = 5) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError as error:
            raise StoreError("backend postgres needs the Python package psycopg (psycopg[binary])") from error
        self._psycopg = psycopg
        self._options: dict[str, Any] = {
            "connect_timeout": max(1, int(connect_timeout)),
            "row_factory": dict_row,
        }
        if sslmode:
            self._options["sslmode"] = sslmode
        self._dsn = dsn
        try:
            self._connection = self._connect()
            self._migrate()
        except psycopg.Error as error:
            raise StoreError(f"cannot open the PostgreSQL state store: {_first_line(error)}") from error

    def _connect(self) -> Any:
        connection = self._psycopg.connect(self._dsn, autocommit=True, **self._options)
        connection.execute("SET TIME ZONE 'UTC'")
        return connection

    def _execute(self, cursor: Any, sql: str, params: dict[str, Any] | None = None) -> Any:
        cursor.execute(_pyformat(sql), params or {})
        return cursor

    def _lock_schema(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('agentic_k8s_schema'))")

    @contextmanager
    def _transaction(self, write: bool = True, single: bool = False, batch: bool = False) -> Iterator[Any]:
        """As on SQLite; a connection the server dropped (a restart) is opened again, so a store
        kept for a whole run (the lease's) recovers from an outage."""
        try:
            if self._connection.broken:
                self._connection = self._connect()
            if single:
                with self._connection.cursor() as cursor:
                    yield cursor
            elif batch:
                with (
                    self._connection.pipeline(),
                    self._connection.transaction(),
                    self._connection.cursor() as cursor,
                ):
                    yield cursor
            else:
                with self._connection.transaction(), self._connection.cursor() as cursor:
                    yield cursor
        except self._psycopg.Error as error:
            raise StoreError(f"PostgreSQL state store: {_first_line(error)}") from error

    def close(self) -> None:
        self._connection.close()


@lru_cache(maxsize=64)
def _pyformat(sql: str) -> str:
    """``:name`` parameters as psycopg's ``%(name)s`` (the statements are few: converted once)."""
    return _NAMED_PARAMETER.sub(r"%(\1)s", sql)


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
