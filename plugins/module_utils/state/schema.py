"""The SQL schema as forward migrations, written once for SQLite and PostgreSQL.

Version 1 is the seed's schema (seed/ARCHITECTURE.md, "Database Schema"); version 2 adds the
attempts, the owner and heartbeat of a running workflow, ``attempt`` on executions and the
``llm_calls`` table. A store at version N applies N+1.. in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str
    primary_key: str
    timestamp: str
    json: str
    lock_row: str
    json_is_text: bool


SQLITE = Dialect("sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT", "", json_is_text=True)
POSTGRES = Dialect(
    "postgres", "BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ", "JSONB", " FOR UPDATE", json_is_text=False
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE workflows (
            id {primary_key},
            workflow_id TEXT UNIQUE,
            status TEXT,
            platform TEXT,
            environment TEXT,
            created_at {timestamp},
            updated_at {timestamp},
            config {json},
            outputs {json},
            errors {json}
        )""",
        """CREATE TABLE agent_executions (
            id {primary_key},
            execution_id TEXT UNIQUE,
            workflow_id TEXT,
            agent_name TEXT,
            status TEXT,
            started_at {timestamp},
            completed_at {timestamp},
            input_data {json},
            output_data {json},
            error_message TEXT,
            logs {json}
        )""",
    ),
    (
        "ALTER TABLE workflows ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE workflows ADD COLUMN owner_host TEXT",
        "ALTER TABLE workflows ADD COLUMN owner_pid INTEGER",
        "ALTER TABLE workflows ADD COLUMN run_id TEXT",
        "ALTER TABLE workflows ADD COLUMN heartbeat_at {timestamp}",
        "ALTER TABLE agent_executions ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1",
        """CREATE TABLE llm_calls (
            id {primary_key},
            call_id TEXT UNIQUE,
            execution_id TEXT,
            workflow_id TEXT,
            provider TEXT,
            model TEXT,
            latency_ms DOUBLE PRECISION,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            cached BOOLEAN,
            created_at {timestamp}
        )""",
        "CREATE INDEX workflows_status ON workflows (status)",
        "CREATE INDEX agent_executions_workflow ON agent_executions (workflow_id)",
        "CREATE INDEX llm_calls_execution ON llm_calls (execution_id)",
    ),
)

CURRENT_VERSION = len(MIGRATIONS)

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"


def migration_statements(dialect: Dialect, from_version: int, to_version: int = CURRENT_VERSION) -> list[str]:
    """The DDL that takes a store from ``from_version`` to ``to_version``."""
    fields = {
        "primary_key": dialect.primary_key,
        "timestamp": dialect.timestamp,
        "json": dialect.json,
    }
    return [
        statement.format(**fields)
        for migration in MIGRATIONS[from_version:to_version]
        for statement in migration
    ]
