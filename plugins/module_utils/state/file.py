"""The file backend: one JSON document per workflow, written atomically (temp file + rename)
under an exclusive ``flock`` so that concurrent writers never lose an update."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..common.home import SECRET_FILE_MODE, atomic_write_text, ensure_private_dir
from .records import ExecutionRecord, LlmCallRecord, Record, WorkflowOpen, WorkflowUpdate
from .schema import CURRENT_VERSION
from .store import (
    INTERRUPTED_EXECUTION,
    INTERRUPTED_WORKFLOW,
    RUNNING,
    RunningWorkflow,
    StateStore,
    StoreError,
    assemble_workflows,
)

Document = dict[str, Any]


def _migrate_document(document: Document) -> Document:
    """Forward migrations of a document: version 1 (the seed's columns) gains version 2's fields."""
    if document.get("schema_version", 1) < 2:
        document["workflow"].setdefault("attempts", 1)
        for name in ("owner_host", "owner_pid", "run_id", "heartbeat_at"):
            document["workflow"].setdefault(name, None)
        for execution in document.get("executions", {}).values():
            execution.setdefault("attempt", 1)
        document.setdefault("llm_calls", {})
    document["schema_version"] = CURRENT_VERSION
    return document


def _apply(document: Document, record: Record) -> Any:
    """Apply one record to a workflow's document; a ``WorkflowOpen`` answers the attempt number."""
    if isinstance(record, WorkflowOpen):
        return _open_workflow(document, record)
    if isinstance(record, WorkflowUpdate):
        _update_workflow(document, record)
    elif isinstance(record, ExecutionRecord):
        row = asdict(record)
        previous = document["executions"].get(record.execution_id)
        if previous is not None:
            row["started_at"] = previous["started_at"]
        document["executions"][record.execution_id] = row
    else:
        document["llm_calls"].setdefault(record.call_id, asdict(record))
    return None


def _open_workflow(document: Document, record: WorkflowOpen) -> int:
    workflow = document["workflow"]
    if not workflow:
        workflow.update(
            workflow_id=record.workflow_id, created_at=record.at, outputs={}, errors=[], attempts=1
        )
    elif workflow.get("run_id") != record.run_id:
        workflow["attempts"] = workflow.get("attempts", 1) + 1
    workflow.update(
        status=RUNNING,
        platform=record.platform,
        environment=record.environment,
        config=record.config,
        updated_at=record.at,
        owner_host=record.owner_host,
        owner_pid=record.owner_pid,
        run_id=record.run_id,
        heartbeat_at=record.at,
    )
    return workflow["attempts"]


def _update_workflow(document: Document, record: WorkflowUpdate) -> None:
    workflow = document["workflow"]
    if not workflow:
        raise StoreError(f"workflow {record.workflow_id} is not in the store", workflow_id=record.workflow_id)
    if record.status:
        workflow["status"] = record.status
    workflow["outputs"] = {**workflow.get("outputs", {}), **record.outputs}
    known = {error.get("id") for error in workflow.get("errors", [])}
    workflow["errors"] = workflow.get("errors", []) + [e for e in record.errors if e.get("id") not in known]
    workflow["updated_at"] = record.at
    if record.release and workflow.get("run_id") == record.run_id:
        workflow.update(owner_pid=None, heartbeat_at=None)


class FileStore(StateStore):
    """``<dir>/<workflow_id>.json``: ``{schema_version, workflow, executions{}, llm_calls{}}``."""

    def __init__(self, directory: Path) -> None:
        try:
            self.directory = ensure_private_dir(directory)
        except OSError as error:
            raise StoreError(f"cannot open the file state store {directory}: {error}") from error

    def _path(self, workflow_id: str) -> Path:
        if not workflow_id or "/" in workflow_id or workflow_id.startswith("."):
            raise StoreError(f"workflow id {workflow_id!r} cannot name a file", workflow_id=workflow_id)
        return self.directory / f"{workflow_id}.json"

    @contextmanager
    def _document(self, workflow_id: str, create: bool = False) -> Iterator[Document]:
        """Yield the document locked (empty when missing and not ``create``); what the block
        leaves in a non-empty document is written back atomically."""
        path = self._path(workflow_id)
        try:
            with open(self.directory / f".{workflow_id}.lock", "a", encoding="utf-8") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                document = self._load(path) or {}
                if not document and create:
                    document = {
                        "schema_version": CURRENT_VERSION,
                        "workflow": {},
                        "executions": {},
                        "llm_calls": {},
                    }
                before = json.dumps(document, sort_keys=True, default=str)
                yield document
                after = json.dumps(document, sort_keys=True, default=str)
                if document and after != before:
                    atomic_write_text(path, after, SECRET_FILE_MODE)
        except OSError as error:
            raise StoreError(f"file state store {path}: {error}", path=str(path)) from error

    @staticmethod
    def _load(path: Path) -> Document | None:
        try:
            return _migrate_document(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except ValueError as error:
            raise StoreError(f"file state store {path} is not valid JSON: {error}", path=str(path)) from error

    def close(self) -> None:
        """Nothing is held between writes."""

    def schema_version(self) -> int:
        return CURRENT_VERSION

    def write_many(self, records: Sequence[Record]) -> list[Any]:
        """Apply ``records`` in order, each workflow's consecutive records in one read and one
        atomic write of its document (all of them or none)."""
        answers: list[Any] = []
        for workflow_id, group in groupby(records, key=attrgetter("workflow_id")):
            with self._document(workflow_id, create=True) as document:
                answers += [_apply(document, record) for record in group]
        return answers

    def open_workflow(self, record: WorkflowOpen) -> int:
        return self.write_many([record])[0]

    def update_workflow(self, record: WorkflowUpdate) -> None:
        self.write_many([record])

    def upsert_execution(self, record: ExecutionRecord) -> None:
        self.write_many([record])

    def add_llm_call(self, record: LlmCallRecord) -> None:
        self.write_many([record])

    def heartbeat(self, run_id: str, workflow_ids: Iterable[str], at: str) -> None:
        for workflow_id in workflow_ids:
            with self._document(workflow_id) as document:
                workflow = document.get("workflow", {})
                if workflow.get("run_id") == run_id and workflow.get("status") == RUNNING:
                    workflow["heartbeat_at"] = at

    def _all_documents(self) -> list[Document]:
        documents = []
        for path in self.directory.glob("*.json"):
            document = self._load(path)
            if document and document["workflow"]:
                documents.append(document)
        return documents

    def running_workflows(self) -> list[RunningWorkflow]:
        return [
            RunningWorkflow(
                workflow_id=workflow["workflow_id"],
                run_id=workflow.get("run_id") or "",
                owner_host=workflow.get("owner_host"),
                owner_pid=workflow.get("owner_pid"),
                heartbeat_at=workflow.get("heartbeat_at"),
            )
            for workflow in (document["workflow"] for document in self._all_documents())
            if workflow.get("status") == RUNNING
        ]

    def mark_interrupted(self, running: RunningWorkflow, at: str) -> bool:
        with self._document(running.workflow_id) as document:
            workflow = document.get("workflow", {})
            if workflow.get("status") != RUNNING or (workflow.get("run_id") or "") != running.run_id:
                return False
            workflow.update(status=INTERRUPTED_WORKFLOW, updated_at=at, owner_pid=None, heartbeat_at=None)
            for execution in document["executions"].values():
                if execution["status"] == RUNNING:
                    execution.update(status=INTERRUPTED_EXECUTION, completed_at=at)
            return True

    def list_workflows(
        self, workflow_id: str | None = None, statuses: Iterable[str] = (), limit: int | None = None
    ) -> list[dict[str, Any]]:
        wanted = set(statuses)
        documents = [
            document
            for document in self._all_documents()
            if (not workflow_id or document["workflow"]["workflow_id"] == workflow_id)
            and (not wanted or document["workflow"].get("status") in wanted)
        ]
        documents.sort(key=lambda document: document["workflow"].get("created_at") or "", reverse=True)
        documents = documents[:limit] if limit else documents
        executions = [
            e for d in documents for e in sorted(d["executions"].values(), key=lambda e: e["started_at"])
        ]
        calls = [c for d in documents for c in sorted(d["llm_calls"].values(), key=lambda c: c["created_at"])]
        return assemble_workflows([d["workflow"] for d in documents], executions, calls)
