"""The store interface, the same assertions on every backend."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError, InputError
from ansible_collections.agentic.k8s.plugins.module_utils.state import file as file_backend
from ansible_collections.agentic.k8s.plugins.module_utils.state.records import (
    ExecutionRecord,
    LlmCallRecord,
    WorkflowOpen,
    WorkflowUpdate,
    utc_now,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.schema import CURRENT_VERSION
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import (
    Owner,
    StoreError,
    StoreSettings,
    open_store,
)

DEAD_PID = 2**22 + 12345


def opening(
    workflow_id: str = "eks-dev-abc12345", run_id: str = "run-1", pid: int | None = None
) -> WorkflowOpen:
    me = Owner.current()
    return WorkflowOpen(
        workflow_id=workflow_id,
        run_id=run_id,
        platform="eks",
        environment="dev",
        config={"platform": "eks", "cluster_env": "dev"},
        owner_host=me.host,
        owner_pid=me.pid if pid is None else pid,
    )


def execution(execution_id: str = "x-1", status: str = "RUNNING", **changes) -> ExecutionRecord:
    fields = {
        "execution_id": execution_id,
        "workflow_id": "eks-dev-abc12345",
        "agent_name": "llm_plan",
        "status": status,
        "attempt": 1,
        "started_at": utc_now(),
        "input_data": {"platform": "eks"},
    }
    return ExecutionRecord(**{**fields, **changes})


def only_workflow(store) -> dict:
    [workflow] = store.list_workflows()
    return workflow


def test_a_new_store_is_at_the_current_schema_version(store):
    assert store.schema_version() == CURRENT_VERSION


def test_open_creates_a_running_workflow_with_its_config_and_owner(store):
    assert store.open_workflow(opening()) == 1
    workflow = only_workflow(store)
    assert workflow["workflow_id"] == "eks-dev-abc12345"
    assert workflow["status"] == "RUNNING"
    assert (workflow["platform"], workflow["environment"]) == ("eks", "dev")
    assert workflow["config"] == {"platform": "eks", "cluster_env": "dev"}
    assert workflow["attempts"] == 1
    assert (workflow["owner_host"], workflow["owner_pid"]) == (Owner.current().host, os.getpid())
    assert workflow["executions"] == []


def test_reopening_by_the_same_run_is_idempotent_and_by_a_new_run_is_a_new_attempt(store):
    store.open_workflow(opening(run_id="run-1"))
    assert store.open_workflow(opening(run_id="run-1")) == 1
    assert store.open_workflow(opening(run_id="run-2")) == 2
    assert only_workflow(store)["attempts"] == 2


def test_update_merges_outputs_and_appends_errors_once(store):
    store.open_workflow(opening())
    error = {"id": "e1", "message": "boom"}
    store.update_workflow(
        WorkflowUpdate("eks-dev-abc12345", "run-1", outputs={"llm_plan": {"a": 1}}, errors=[error])
    )
    store.update_workflow(
        WorkflowUpdate(
            "eks-dev-abc12345", "run-1", status="FAILED", outputs={"x": 2}, errors=[error], release=True
        )
    )
    workflow = only_workflow(store)
    assert workflow["status"] == "FAILED"
    assert workflow["outputs"] == {"llm_plan": {"a": 1}, "x": 2}
    assert workflow["errors"] == [error]
    assert workflow["owner_pid"] is None


def test_an_execution_is_upserted_by_its_id_and_keeps_its_start(store):
    store.open_workflow(opening())
    first = execution()
    store.upsert_execution(first)
    store.upsert_execution(
        execution(
            status="SUCCEEDED",
            started_at="2030-01-01T00:00:00+00:00",
            completed_at=utc_now(),
            output_data={"plan": {"nodes": 3}},
            logs=["planned"],
        )
    )
    [row] = only_workflow(store)["executions"]
    assert row["status"] == "SUCCEEDED"
    assert row["started_at"] == first.started_at
    assert row["output_data"] == {"plan": {"nodes": 3}}
    assert row["logs"] == ["planned"]
    assert row["attempt"] == 1


def test_llm_calls_are_stored_once_per_call_id(store):
    store.open_workflow(opening())
    store.upsert_execution(execution())
    call = LlmCallRecord("x-1-0", "x-1", "eks-dev-abc12345", "openai", "gpt", 812.5, 100, 20, False)
    store.add_llm_call(call)
    store.add_llm_call(call)
    [row] = only_workflow(store)["executions"]
    assert row["llm_calls"] == [
        {
            "call_id": "x-1-0",
            "execution_id": "x-1",
            "provider": "openai",
            "model": "gpt",
            "latency_ms": 812.5,
            "prompt_tokens": 100,
            "completion_tokens": 20,
            "cached": False,
            "created_at": row["llm_calls"][0]["created_at"],
        }
    ]


def test_many_records_are_applied_in_order_and_an_open_answers_its_attempt(store):
    call = LlmCallRecord("x-1-0", "x-1", "eks-dev-abc12345", "openai", "gpt", 812.5, 100, 20, False)
    answers = store.write_many(
        [
            opening(),
            execution(),
            execution(status="SUCCEEDED", completed_at=utc_now()),
            call,
            WorkflowUpdate("eks-dev-abc12345", "run-1", status="COMPLETED", outputs={"llm_plan": {"a": 1}}),
        ]
    )
    assert answers == [1, None, None, None, None]
    workflow = only_workflow(store)
    assert (workflow["status"], workflow["outputs"]) == ("COMPLETED", {"llm_plan": {"a": 1}})
    [row] = workflow["executions"]
    assert (row["status"], len(row["llm_calls"])) == ("SUCCEEDED", 1)


@pytest.mark.parametrize("store_settings", ["sqlite", "postgres"], indirect=True)
def test_a_batch_that_fails_leaves_nothing_behind(store):
    with pytest.raises(StoreError, match="eks-dev-missing is not in the store"):
        store.write_many(
            [opening(), execution(), WorkflowUpdate("eks-dev-missing", "run-1", status="FAILED")]
        )
    assert store.list_workflows() == []


def test_list_filters_by_id_and_status(store):
    store.open_workflow(opening("eks-dev-1"))
    store.open_workflow(opening("eks-dev-2"))
    store.update_workflow(WorkflowUpdate("eks-dev-2", "run-1", status="COMPLETED"))
    assert [w["workflow_id"] for w in store.list_workflows(workflow_id="eks-dev-1")] == ["eks-dev-1"]
    assert [w["workflow_id"] for w in store.list_workflows(statuses=["COMPLETED"])] == ["eks-dev-2"]
    assert len(store.list_workflows(limit=1)) == 1


def test_a_dead_owner_on_this_host_is_interrupted_with_its_running_executions(store):
    store.open_workflow(opening(pid=DEAD_PID))
    store.upsert_execution(execution())
    flipped = store.interrupt_abandoned(Owner.current(), datetime.now(UTC), utc_now())
    assert flipped == ["eks-dev-abc12345"]
    workflow = only_workflow(store)
    assert workflow["status"] == "INTERRUPTED"
    assert workflow["executions"][0]["status"] == "INTERRUPTED"


def test_a_live_owner_is_never_interrupted_even_with_an_old_heartbeat(store):
    store.open_workflow(opening(pid=os.getppid()))
    someone_else = Owner(host=Owner.current().host, pid=os.getpid())
    assert store.interrupt_abandoned(someone_else, datetime.now(UTC), utc_now(), lease_seconds=3600) == []
    assert only_workflow(store)["status"] == "RUNNING"


def test_another_hosts_run_is_interrupted_only_past_its_lease(store):
    record = opening()
    store.open_workflow(
        WorkflowOpen(**{**record.__dict__, "owner_host": "awx-node-2", "owner_pid": os.getpid()})
    )
    now = datetime.now(UTC)
    assert store.interrupt_abandoned(Owner.current(), now, utc_now(), lease_seconds=60) == []
    later = now + timedelta(seconds=61)
    assert store.interrupt_abandoned(Owner.current(), later, utc_now(), lease_seconds=60) == [
        "eks-dev-abc12345"
    ]


def test_a_heartbeat_renews_the_lease(store):
    record = opening()
    store.open_workflow(WorkflowOpen(**{**record.__dict__, "owner_host": "awx-node-2"}))
    later = datetime.now(UTC) + timedelta(seconds=61)
    store.heartbeat("run-1", ["eks-dev-abc12345"], later.isoformat())
    assert store.interrupt_abandoned(Owner.current(), later, utc_now(), lease_seconds=60) == []


def test_an_unknown_backend_names_the_allowed_ones():
    with pytest.raises(InputError, match="backend: 'mysql' is not valid; allowed: sqlite, postgres, file"):
        StoreSettings(backend="mysql")


def test_postgres_without_a_dsn_says_where_to_set_it():
    with pytest.raises(AgenticError, match="AGENTIC_K8S_STATE_DSN"):
        StoreSettings(backend="postgres")


def test_the_sqlite_file_is_private_and_in_wal_mode(agentic_home: Path):
    store = open_store(StoreSettings(), agentic_home)
    store.open_workflow(opening())
    store.close()
    database = agentic_home / "state.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert (agentic_home / "state.db-wal").exists() or _journal_mode(database) == "wal"


def _journal_mode(path: Path) -> str:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA journal_mode").fetchone()[0]


def test_file_documents_are_private_json_per_workflow(agentic_home: Path):
    store = open_store(StoreSettings(backend="file"), agentic_home)
    store.open_workflow(opening())
    [document] = (agentic_home / "state").glob("*.json")
    assert document.name == "eks-dev-abc12345.json"
    assert stat.S_IMODE(document.stat().st_mode) == 0o600


def test_a_file_batch_writes_each_workflow_document_once(agentic_home: Path, monkeypatch):
    writes: list[str] = []
    write = file_backend.atomic_write_text
    monkeypatch.setattr(
        file_backend, "atomic_write_text", lambda path, *rest: writes.append(path.name) or write(path, *rest)
    )
    other = opening(workflow_id="k3s-dev-def67890")
    store = open_store(StoreSettings(backend="file"), agentic_home)
    store.write_many(
        [
            opening(),
            *(execution(f"x-{n}") for n in range(50)),
            other,
            WorkflowUpdate("k3s-dev-def67890", "run-1", status="COMPLETED"),
        ]
    )
    assert writes == ["eks-dev-abc12345.json", "k3s-dev-def67890.json"]
    assert len(store.list_workflows(workflow_id="eks-dev-abc12345")[0]["executions"]) == 50


def test_a_file_batch_that_fails_leaves_its_workflow_document_unwritten(agentic_home: Path):
    store = open_store(StoreSettings(backend="file"), agentic_home)
    with pytest.raises(StoreError, match="eks-dev-missing is not in the store"):
        store.write_many(
            [
                execution(workflow_id="eks-dev-missing"),
                WorkflowUpdate("eks-dev-missing", "run-1", status="FAILED"),
            ]
        )
    assert list((agentic_home / "state").glob("*.json")) == []


def test_sslmode_is_passed_through_to_postgres(postgres_dsn: str, agentic_home: Path):
    settings = StoreSettings(backend="postgres", dsn=postgres_dsn, sslmode="require")
    with pytest.raises(StoreError, match="SSL"):
        open_store(settings, agentic_home)


def test_a_postgres_store_connects_again_after_the_server_dropped_it(postgres_dsn: str, agentic_home: Path):
    import psycopg

    store = open_store(StoreSettings(backend="postgres", dsn=postgres_dsn), agentic_home)
    store.open_workflow(opening())
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    with pytest.raises(StoreError):
        store.heartbeat("run-1", ["eks-dev-abc12345"], utc_now())
    store.heartbeat("run-1", ["eks-dev-abc12345"], utc_now())
    assert only_workflow(store)["status"] == "RUNNING"
    store.close()
