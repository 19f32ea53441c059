"""What the ``agentic.k8s.state_recorder`` callback does, as plain Python (no Ansible imports).

The callback translates Ansible's events into calls of :class:`Recorder`, which runs in the
recorder process (:mod:`.recorder_process`); the recorder builds redacted records, writes them to
the store, spools them when the store is down, keeps the lease of its workflows alive and appends
the seed's log lines to ``events.jsonl``.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..common.events import event_record
from ..common.home import JsonLinesAppender, default_artifacts_dir, workflow_paths
from ..common.redact import known_secret_values, redact
from ..common.status import ExecutionStatus, WorkflowStatus
from .records import ExecutionRecord, LlmCallRecord, Record, WorkflowOpen, WorkflowUpdate, utc_now
from .spool import Spool
from .store import DEFAULT_LEASE_SECONDS, Owner, StateStore, StoreSettings, open_store
from .writer import BatchWriter

DEFAULT_RECORDED_MODULES = (
    "llm_plan",
    "tf_provision",
    "monitoring_stack",
    "cluster_validate",
    "docs_generate",
)
HIDDEN = "hidden (no_log)"
RESULT_NOISE = ("invocation", "logs", "llm_usage", "changed", "failed", "skipped")

Warn = Callable[[str], None]


@dataclass(frozen=True)
class RecorderSettings:
    store: StoreSettings = field(default_factory=StoreSettings)
    recorded_modules: tuple[str, ...] = DEFAULT_RECORDED_MODULES
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    heartbeat_seconds: float = 30.0
    spool_dir: str = ""


@dataclass
class HostWorkflow:
    workflow_id: str
    attempt: int
    status: str
    events: JsonLinesAppender | None
    """Its ``events.jsonl``, held open for the run."""
    errors: int = 0
    outputs: dict[str, Any] = field(default_factory=dict)
    """The last output of each agent, written with the final status."""


@dataclass
class RunningExecution:
    record: ExecutionRecord
    started: float
    items: int = 0
    item_started_at: str = ""


def is_recorded(action: str, recorded_modules: Iterable[str]) -> bool:
    """``agentic.k8s.tf_provision`` matches ``tf_provision`` and itself; a dotted entry matches exactly."""
    short_name = action.rsplit(".", 1)[-1]
    return any(entry == action if "." in entry else entry == short_name for entry in recorded_modules)


def derive_workflow_fact(host: str, host_vars: Mapping[str, Any], home: Path) -> dict[str, Any]:
    """The ``agentic_workflow`` a run would have had, for a failure before init set it.

    Same id rule as the init role: ``workflow_id`` when given, else
    ``{platform}-{cluster_env}-{short id}`` (values reduced to ``[a-z0-9-]``).
    """
    platform = _slug(host_vars.get("platform")) or "unknown"
    cluster_env = _slug(host_vars.get("cluster_env")) or "unknown"
    short_id = hashlib.sha1(f"{host}{time.time_ns()}{uuid.uuid4()}".encode()).hexdigest()[:8]
    workflow_id = str(host_vars.get("workflow_id") or "") or f"{platform}-{cluster_env}-{short_id}"
    inputs = {
        name: host_vars[name]
        for name in ("platform", "cluster_env", "cluster_name", "region", "sandbox")
        if isinstance(host_vars.get(name), (str, int, float, bool))
    }
    return {
        "id": workflow_id,
        "attempt": 1,
        "status": WorkflowStatus.RUNNING.value,
        "platform": str(host_vars.get("platform", "")),
        "cluster_env": str(host_vars.get("cluster_env", "")),
        "inputs": inputs,
        "artifacts_dir": str(default_artifacts_dir(home, workflow_id)),
    }


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", str(value or "").lower()).strip("-")[:20]


def result_output(result: Mapping[str, Any]) -> dict[str, Any]:
    """A module result without what is stored elsewhere (logs, llm_usage) or is Ansible's."""
    return {
        key: value
        for key, value in result.items()
        if key not in RESULT_NOISE and not key.startswith("_ansible")
    }


class Recorder:
    """The state recorder: one per playbook run (``run_id``), one workflow per host."""

    def __init__(
        self, settings: RecorderSettings, home: Path, warn: Warn, owner: Owner | None = None
    ) -> None:
        """``owner``: the process whose life the workflows' lease follows (default: this one)."""
        self.settings = settings
        self.home = home
        self.warn = warn
        self.run_id = uuid.uuid4().hex
        self.owner = owner or Owner.current()
        self.spool = Spool(Path(settings.spool_dir) if settings.spool_dir else home / "spool", self.run_id)
        self.workflows: dict[str, HostWorkflow] = {}
        self.executions: dict[tuple[str, str], RunningExecution] = {}
        self._occurrences: dict[tuple[str, str], int] = {}
        self._secrets = known_secret_values()
        self._store: StateStore | None = None
        self._outage = False
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None
        self._writer = BatchWriter(self._store_or_spool)

    # -- the store, the spool and the lease -------------------------------------------------
    def start(self) -> None:
        """Start the writer thread, which first connects, replays spooled records of earlier runs
        and flips abandoned workflows, while the playbook goes on (records wait in its queue).
        A run that ends without ``close`` (interrupted) still writes what it queued, at exit."""
        atexit.register(self.close)
        self._writer.start(self._connect)

    def _connect(self) -> None:
        try:
            self._store = open_store(self.settings.store, self.home)
            replayed = self.spool.replay(self._store)
            flipped = self._store.interrupt_abandoned(
                self.owner, datetime.now(UTC), utc_now(), self.settings.lease_seconds
            )
        except Exception as error:
            self._enter_outage(error)
            return
        if replayed:
            self.warn(f"state_recorder: replayed {replayed} spooled record(s) into the state store")
        for workflow_id in flipped:
            self.warn(f"state_recorder: workflow {workflow_id} was left RUNNING by a dead run: INTERRUPTED")

    def _enter_outage(self, error: Exception) -> None:
        if not self._outage:
            self.warn(f"state_recorder: state store unavailable ({error}); spooling to {self.spool.path}")
        self._outage = True

    def _write(self, record: Record) -> None:
        """Queue ``record`` for the writer thread: the playbook never waits for the store."""
        self._writer.put(record)

    def _write_and_wait(self, record: Record) -> Any:
        """Write ``record`` after everything queued before it and return the store's answer."""
        return self._writer.put_and_wait(record)

    def flush(self) -> None:
        """Wait until every queued record is written (before a task reads the store)."""
        self._writer.flush()

    def _store_or_spool(self, records: list[Record]) -> list[Any]:
        """Write ``records`` in one transaction; during an outage (or if it fails) spool them all."""
        if self._store is not None and not self._outage:
            try:
                return self._store.write_many(records)
            except Exception as error:
                self._enter_outage(error)
        for record in records:
            try:
                self.spool.append(record)
            except OSError as error:
                self.warn(f"state_recorder: cannot spool a record to {self.spool.path}: {error}")
        return [None] * len(records)

    def _start_heartbeat(self) -> None:
        if self._heartbeat is None and self.settings.heartbeat_seconds > 0:
            self._heartbeat = threading.Thread(target=self._renew_leases, name="state-heartbeat", daemon=True)
            self._heartbeat.start()

    def _renew_leases(self) -> None:
        store: StateStore | None = None
        while not self._stop.wait(self.settings.heartbeat_seconds):
            try:
                store = store or open_store(self.settings.store, self.home)
                ids = [workflow.workflow_id for workflow in list(self.workflows.values())]
                store.heartbeat(self.run_id, ids, utc_now())
            except Exception:
                store = None
        if store is not None:
            store.close()

    def close(self) -> None:
        """Write what is queued, stop the heartbeat, release the store and the events files."""
        atexit.unregister(self.close)
        self._writer.close()
        for host in self.workflows:
            self._close_events(host)
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
        if self._store is not None:
            self._store.close()

    # -- workflows ----------------------------------------------------------------------------
    def learn_workflow(self, host: str, fact: Mapping[str, Any]) -> None:
        """Open the host's workflow the first time its ``agentic_workflow`` fact is seen, then
        follow the status and warnings the roles set."""
        workflow_id = str(fact.get("id") or "")
        if not workflow_id:
            return
        known = self.workflows.get(host)
        if known is None or known.workflow_id != workflow_id:
            self._open(host, workflow_id, fact)
            return
        status = str(fact.get("status") or known.status)
        warnings = fact.get("warnings") or []
        if status != known.status or warnings:
            outputs = {"warnings": redact(list(warnings), self._secrets)} if warnings else {}
            if fact.get("failed_phase"):
                outputs["failed_phase"] = str(fact["failed_phase"])
            self._write(WorkflowUpdate(workflow_id, self.run_id, status=status, outputs=outputs))
            if status != known.status:
                self._event(known, "workflow", f"workflow {workflow_id}: {status}")
            known.status = status

    def _open(self, host: str, workflow_id: str, fact: Mapping[str, Any]) -> None:
        self.flush()  # connected first: the open's time starts the workflow's lease
        events = None
        if fact.get("artifacts_dir"):
            try:
                events = JsonLinesAppender(workflow_paths(Path(str(fact["artifacts_dir"]))).events)
            except OSError as error:
                self.warn(f"state_recorder: cannot create {fact['artifacts_dir']}: {error}")
        record = WorkflowOpen(
            workflow_id=workflow_id,
            run_id=self.run_id,
            platform=str(fact.get("platform") or ""),
            environment=str(fact.get("cluster_env") or fact.get("environment") or ""),
            config=redact(dict(fact.get("inputs") or {}), self._secrets),
            owner_host=self.owner.host,
            owner_pid=self.owner.pid,
        )
        attempts = self._write_and_wait(record)
        workflow = HostWorkflow(
            workflow_id=workflow_id,
            attempt=int(attempts or fact.get("attempt") or 1),
            status=str(fact.get("status") or WorkflowStatus.RUNNING.value),
            events=events,
        )
        self._close_events(host)
        self.workflows[host] = workflow
        self._event(
            workflow, "workflow", f"workflow {workflow_id} attempt {workflow.attempt} started on {host}"
        )
        self._start_heartbeat()

    def host_failed(
        self, host: str, task_name: str, message: str, derive: Callable[[], Mapping[str, Any]]
    ) -> None:
        """Record a failure of ``host`` (opening its workflow first if init had not yet)."""
        if host not in self.workflows:
            self.learn_workflow(host, derive())
        workflow = self.workflows[host]
        workflow.errors += 1
        error = {
            "id": f"{self.run_id}-{host}-{workflow.errors}",
            "attempt": workflow.attempt,
            "task": task_name,
            "message": redact(message, self._secrets),
            "at": utc_now(),
        }
        self._write(WorkflowUpdate(workflow.workflow_id, self.run_id, errors=[error]))
        self._event(workflow, "workflow", f"{task_name} failed: {error['message']}", level="ERROR")

    def finish(self, failed_hosts: Iterable[str]) -> None:
        """The run ends: a workflow still RUNNING ends FAILED (its host failed) or COMPLETED."""
        failed = set(failed_hosts)
        for host, workflow in self.workflows.items():
            status = workflow.status
            if status == WorkflowStatus.RUNNING.value:
                status = (WorkflowStatus.FAILED if host in failed else WorkflowStatus.COMPLETED).value
            self._write(
                WorkflowUpdate(
                    workflow.workflow_id, self.run_id, status=status, outputs=workflow.outputs, release=True
                )
            )
            if status != workflow.status:
                self._event(workflow, "workflow", f"workflow {workflow.workflow_id}: {status}")
            workflow.status = status

    # -- agent executions ---------------------------------------------------------------------
    def execution_started(
        self, host: str, task_key: str, agent_name: str, args: Mapping[str, Any], no_log: bool
    ) -> None:
        workflow = self.workflows.get(host)
        if workflow is None:
            return
        occurrence = self._occurrences.get((host, task_key), 0)
        self._occurrences[(host, task_key)] = occurrence + 1
        record = ExecutionRecord(
            execution_id=f"{workflow.workflow_id}-{workflow.attempt}-{self.run_id[:12]}-{task_key}-{occurrence}",
            workflow_id=workflow.workflow_id,
            agent_name=agent_name,
            status=ExecutionStatus.RUNNING.value,
            attempt=workflow.attempt,
            started_at=utc_now(),
            input_data=HIDDEN if no_log else redact(dict(args), self._secrets),
        )
        self.executions[(host, task_key)] = RunningExecution(record, time.monotonic())
        self._write(record)
        self._event(workflow, agent_name, f"{agent_name} started")

    def execution_retried(self, host: str, task_key: str, result: Mapping[str, Any], no_log: bool) -> None:
        running = self.executions.get((host, task_key))
        if running is None:
            return
        running.record = self._with_result(running.record, ExecutionStatus.RUNNING.value, result, no_log)
        self._write(running.record)

    def execution_finished(
        self,
        host: str,
        task_key: str,
        status: str,
        result: Mapping[str, Any],
        *,
        no_log: bool,
        item: bool = False,
    ) -> None:
        """A task (or, with ``item``, one item of a looped task) ended with ``status``."""
        running = self.executions.get((host, task_key))
        workflow = self.workflows.get(host)
        if running is None or workflow is None:
            return
        if item:
            record = running.record
            if running.items:
                record = ExecutionRecord(
                    **{
                        **record.__dict__,
                        "execution_id": f"{record.execution_id}-{running.items}",
                        "started_at": running.item_started_at,
                    }
                )
            running.items += 1
            running.item_started_at = utc_now()
        else:
            self.executions.pop((host, task_key))
            if running.items:
                return
            record = running.record
        finished = self._with_result(record, status, result, no_log, completed=True)
        self._write(finished)
        self._record_llm_usage(finished, result)
        if status == ExecutionStatus.SUCCEEDED.value and not no_log:
            workflow.outputs[record.agent_name] = finished.output_data
        elapsed = round(time.monotonic() - running.started, 3)
        level = "ERROR" if status == ExecutionStatus.FAILED.value else "INFO"
        message = f"{record.agent_name} {status.lower()}" + (
            f": {finished.error_message}" if finished.error_message else ""
        )
        self._event(workflow, record.agent_name, message, level=level, execution_time=elapsed)

    def _with_result(
        self,
        record: ExecutionRecord,
        status: str,
        result: Mapping[str, Any],
        no_log: bool,
        completed: bool = False,
    ) -> ExecutionRecord:
        failed = status == ExecutionStatus.FAILED.value
        message = str(result.get("msg") or "failed") if failed else None
        fields = {
            **record.__dict__,
            "status": status,
            "completed_at": utc_now() if completed else None,
            "output_data": HIDDEN if no_log else redact(result_output(result), self._secrets),
            "error_message": (HIDDEN if no_log else redact(message, self._secrets)) if failed else None,
            "logs": []
            if no_log
            else [str(line) for line in redact(list(result.get("logs") or []), self._secrets)],
        }
        if "invocation" in result and not no_log:
            fields["input_data"] = redact(dict(result["invocation"].get("module_args") or {}), self._secrets)
        return ExecutionRecord(**fields)

    def _record_llm_usage(self, record: ExecutionRecord, result: Mapping[str, Any]) -> None:
        for index, usage in enumerate(result.get("llm_usage") or []):
            if not isinstance(usage, Mapping):
                continue
            self._write(
                LlmCallRecord(
                    call_id=f"{record.execution_id}-{index}",
                    execution_id=record.execution_id,
                    workflow_id=record.workflow_id,
                    provider=str(usage.get("provider", "")),
                    model=str(usage.get("model", "")),
                    latency_ms=float(usage.get("latency_ms") or 0),
                    prompt_tokens=int(usage.get("prompt_tokens") or 0),
                    completion_tokens=int(usage.get("completion_tokens") or 0),
                    cached=bool(usage.get("cached", False)),
                )
            )

    def _event(
        self,
        workflow: HostWorkflow,
        agent: str,
        message: str,
        level: str = "INFO",
        execution_time: float | None = None,
    ) -> None:
        if workflow.events is None:
            return
        record = event_record(
            workflow.workflow_id,
            agent,
            message,
            level=level,
            execution_time=execution_time,
            secrets=self._secrets,
        )
        try:
            workflow.events.append(record)
        except OSError as error:
            self.warn(f"state_recorder: cannot write {workflow.events.path}: {error}")

    def _close_events(self, host: str) -> None:
        known = self.workflows.get(host)
        if known is not None and known.events is not None:
            known.events.close()
