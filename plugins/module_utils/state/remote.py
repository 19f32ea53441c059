"""A state store served by a helper process, so that its driver stays out of the caller.

The state recorder runs inside ``ansible-playbook``, which forks a worker for every task. psycopg
and the libraries it bundles (libpq, OpenSSL, Kerberos, LDAP) add ~130 memory mappings to the
process that forks, and each fork and exit pays for them (measured: ~1 ms a task, ~6% of a
300-task run). So the recorder talks to PostgreSQL through :class:`RemoteStore`: the same
interface, each call sent (pickled) to a child Python that holds the real store, over its
stdin and stdout. The child ignores Ctrl-C (the parent decides when to stop) and ends when its
stdin closes, so it never outlives the run.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from .records import ExecutionRecord, LlmCallRecord, Record, WorkflowOpen, WorkflowUpdate
from .store import (
    DEFAULT_LEASE_SECONDS,
    Owner,
    RunningWorkflow,
    StateStore,
    StoreError,
    StoreSettings,
    open_store,
)

CALLS = frozenset(
    {
        "open_workflow",
        "update_workflow",
        "upsert_execution",
        "add_llm_call",
        "write",
        "write_many",
        "heartbeat",
        "running_workflows",
        "mark_interrupted",
        "interrupt_abandoned",
        "list_workflows",
        "schema_version",
    }
)
SERVE = f"import os; from {__name__} import serve; serve(); os._exit(0)"
"""The helper's program. Once its store is closed, everything it was sent is committed and
answered: it skips the interpreter's teardown, which the run would otherwise wait for."""
CLOSE_SECONDS = 10


def open_isolated_store(settings: StoreSettings, home: Path) -> StateStore:
    """:func:`open_store`, with PostgreSQL in a helper process (SQLite and files stay in process)."""
    if settings.backend == "postgres":
        return RemoteStore(settings, home)
    return open_store(settings, home)


def collections_root() -> Path:
    """The folder that holds ``ansible_collections/`` (this file's package path, upwards)."""
    return Path(__file__).parents[len(__name__.split(".")) - 1]


class RemoteStore(StateStore):
    """A :class:`StateStore` whose calls run in a child process; one call at a time."""

    def __init__(self, settings: StoreSettings, home: Path) -> None:
        self._lock = threading.Lock()
        self._errors, errors_path = tempfile.mkstemp(prefix="agentic-state-helper-")
        os.unlink(errors_path)
        paths = [str(collections_root()), *filter(None, [os.environ.get("PYTHONPATH")])]
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", SERVE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._errors,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
            )
        except OSError as error:
            os.close(self._errors)
            raise StoreError(f"cannot start the state store helper: {error}") from error
        try:
            self._exchange((settings, home))
        except StoreError:
            self.close()
            raise

    def _exchange(self, message: Any) -> Any:
        with self._lock:
            try:
                pickle.dump(message, self._process.stdin)
                self._process.stdin.flush()
                status, answer = pickle.load(self._process.stdout)
            except (OSError, EOFError, pickle.UnpicklingError) as error:
                raise StoreError(
                    f"the state store helper stopped: {self._last_words() or error!r}"
                ) from error
        if status != "ok":
            raise StoreError(answer)
        return answer

    def _last_words(self) -> str:
        """The last line the helper wrote to its stderr (a traceback's error), if any."""
        size = os.fstat(self._errors).st_size
        tail = os.pread(self._errors, 4000, max(0, size - 4000))
        lines = tail.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    def _call(self, name: str, *args: Any) -> Any:
        return self._exchange((name, args))

    def open_workflow(self, record: WorkflowOpen) -> int:
        return self._call("open_workflow", record)

    def update_workflow(self, record: WorkflowUpdate) -> None:
        self._call("update_workflow", record)

    def upsert_execution(self, record: ExecutionRecord) -> None:
        self._call("upsert_execution", record)

    def add_llm_call(self, record: LlmCallRecord) -> None:
        self._call("add_llm_call", record)

    def write(self, record: Record) -> Any:
        return self._call("write", record)

    def write_many(self, records: Sequence[Record]) -> list[Any]:
        return self._call("write_many", list(records))

    def heartbeat(self, run_id: str, workflow_ids: Iterable[str], at: str) -> None:
        self._call("heartbeat", run_id, list(workflow_ids), at)

    def running_workflows(self) -> list[RunningWorkflow]:
        return self._call("running_workflows")

    def mark_interrupted(self, running: RunningWorkflow, at: str) -> bool:
        return self._call("mark_interrupted", running, at)

    def interrupt_abandoned(
        self, me: Owner, now: datetime, at: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
    ) -> list[str]:
        return self._call("interrupt_abandoned", me, now, at, lease_seconds)

    def list_workflows(
        self, workflow_id: str | None = None, statuses: Iterable[str] = (), limit: int | None = None
    ) -> list[dict[str, Any]]:
        return self._call("list_workflows", workflow_id, list(statuses), limit)

    def schema_version(self) -> int:
        return self._call("schema_version")

    def close(self) -> None:
        """Close the helper's stdin (it closes its store and exits) and reap it."""
        with self._lock:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
            try:
                self._process.wait(timeout=CLOSE_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()
            os.close(self._errors)


def serve(requests: IO[bytes] | None = None, answers: IO[bytes] | None = None) -> None:
    """The helper's side: open the store the first message names, then answer calls until EOF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = requests or sys.stdin.buffer
    if answers is None:
        answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    settings, home = pickle.load(requests)
    try:
        store = open_store(settings, home)
    except Exception as error:
        _answer(answers, "error", str(error))
        return
    _answer(answers, "ok", None)
    try:
        while (request := _next_request(requests)) is not None:
            name, args = request
            try:
                if name not in CALLS:
                    raise StoreError(f"the state store helper has no call {name!r}")
                _answer(answers, "ok", getattr(store, name)(*args))
            except Exception as error:
                _answer(answers, "error", str(error))
    finally:
        store.close()


def _next_request(requests: IO[bytes]) -> tuple[str, tuple[Any, ...]] | None:
    try:
        return pickle.load(requests)
    except EOFError:
        return None


def _answer(answers: IO[bytes], status: str, value: Any) -> None:
    pickle.dump((status, value), answers)
    answers.flush()
