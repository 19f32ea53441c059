"""A store written by an older schema version migrates forward and keeps its rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.state.schema import (
    CURRENT_VERSION,
    POSTGRES,
    SQLITE,
    migration_statements,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store

SEED_ROW = (
    "INSERT INTO workflows (workflow_id, status, platform, environment, created_at, updated_at, config,"
    " outputs, errors) VALUES ('k3s-dev-abc123', 'COMPLETED', 'k3s', 'dev', '2024-02-19T10:00:00+00:00',"
    " '2024-02-19T10:05:00+00:00', '{}', '{}', '[]')"
)


def assert_seed_row_migrated(store) -> None:
    assert store.schema_version() == CURRENT_VERSION
    [workflow] = store.list_workflows()
    assert workflow["workflow_id"] == "k3s-dev-abc123"
    assert workflow["status"] == "COMPLETED"
    assert workflow["attempts"] == 1
    store.close()


def test_a_version_1_sqlite_store_migrates(agentic_home: Path):
    path = agentic_home / "state.db"
    agentic_home.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        for statement in migration_statements(SQLITE, 0, 1):
            connection.execute(statement)
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (1)")
        connection.execute(SEED_ROW)
    assert_seed_row_migrated(open_store(StoreSettings(), agentic_home))


def test_a_version_1_postgres_store_migrates(postgres_dsn: str, agentic_home: Path):
    import psycopg

    with psycopg.connect(postgres_dsn, autocommit=True) as connection:
        for statement in migration_statements(POSTGRES, 0, 1):
            connection.execute(statement)
        connection.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        connection.execute("INSERT INTO schema_version VALUES (1)")
        connection.execute(SEED_ROW)
    assert_seed_row_migrated(open_store(StoreSettings(backend="postgres", dsn=postgres_dsn), agentic_home))


def test_a_version_1_file_document_migrates(agentic_home: Path):
    directory = agentic_home / "state"
    directory.mkdir(parents=True)
    seed = {
        "workflow": {
            "workflow_id": "k3s-dev-abc123",
            "status": "COMPLETED",
            "platform": "k3s",
            "environment": "dev",
            "created_at": "2024-02-19T10:00:00+00:00",
            "updated_at": "2024-02-19T10:05:00+00:00",
            "config": {},
            "outputs": {},
            "errors": [],
        },
        "executions": {},
    }
    (directory / "k3s-dev-abc123.json").write_text(json.dumps(seed))
    assert_seed_row_migrated(open_store(StoreSettings(backend="file"), agentic_home))
