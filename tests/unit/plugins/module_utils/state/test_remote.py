"""The PostgreSQL store behind a helper process: the same answers, psycopg never loaded here."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.state.records import WorkflowUpdate, utc_now
from ansible_collections.agentic.k8s.plugins.module_utils.state.remote import (
    RemoteStore,
    collections_root,
    open_isolated_store,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.sql import SqliteStore
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import Owner, StoreError, StoreSettings

from .test_store import DEAD_PID, execution, opening


@pytest.fixture
def helper(postgres_dsn: str, agentic_home: Path):
    store = open_isolated_store(StoreSettings(backend="postgres", dsn=postgres_dsn), agentic_home)
    yield store
    store.close()


def test_the_helper_answers_what_the_store_it_serves_answers(helper):
    assert isinstance(helper, RemoteStore)
    assert helper.write_many([opening(pid=DEAD_PID), execution()]) == [1, None]
    helper.heartbeat("run-1", ["eks-dev-abc12345"], utc_now())
    assert helper.interrupt_abandoned(Owner.current(), datetime.now(UTC), utc_now()) == ["eks-dev-abc12345"]
    [workflow] = helper.list_workflows(statuses=["INTERRUPTED"])
    assert [e["status"] for e in workflow["executions"]] == ["INTERRUPTED"]


def test_a_refused_write_is_a_store_error_and_the_helper_goes_on(helper):
    with pytest.raises(StoreError, match="eks-dev-missing is not in the store"):
        helper.update_workflow(WorkflowUpdate("eks-dev-missing", "run-1", status="FAILED"))
    assert helper.list_workflows() == []


def test_a_helper_that_died_is_a_store_error(helper):
    helper._process.kill()
    helper._process.wait()
    with pytest.raises(StoreError, match="the state store helper stopped"):
        helper.list_workflows()


def test_an_unreachable_server_is_reported_when_the_helper_starts(agentic_home: Path):
    settings = StoreSettings(
        backend="postgres", dsn="postgresql://postgres@127.0.0.1:1/none", connect_timeout=1
    )
    with pytest.raises(StoreError, match="cannot open the PostgreSQL state store"):
        open_isolated_store(settings, agentic_home)


def test_sqlite_stays_in_this_process(agentic_home: Path):
    store = open_isolated_store(StoreSettings(backend="sqlite"), agentic_home)
    assert isinstance(store, SqliteStore)
    store.close()


def test_psycopg_is_never_loaded_by_the_caller(postgres_dsn: str, agentic_home: Path):
    script = (
        "import sys; from pathlib import Path\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.remote import open_isolated_store\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings\n"
        "settings = StoreSettings(backend='postgres', dsn=sys.argv[2])\n"
        "store = open_isolated_store(settings, Path(sys.argv[1]))\n"
        "store.list_workflows(); store.close()\n"
        "print(sorted(name for name in sys.modules if name.startswith('psycopg')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(collections_root())}
    run = subprocess.run(
        [sys.executable, "-c", script, str(agentic_home), postgres_dsn],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert run.stdout.strip() == "[]"
