"""The state recorder in a helper process, so that ``ansible-playbook`` does as little as it can.

``ansible-playbook`` forks a worker for every task, and every page its Python code writes while a
worker lives is copied: measured on the 300-task bench, the same record building cost about three
times as much there as in a process that does not fork, and psycopg's libraries (libpq, OpenSSL,
Kerberos, LDAP: ~130 memory mappings) made each fork and exit ~1 ms slower. So the callback keeps
only a :class:`RecorderProcess`: each call is one JSON line (the C encoder takes ansible-core's
tagged values as the plain types they extend) written to a child Python that holds the real
:class:`~.recorder.Recorder`, its store connection, its writer and heartbeat threads and the
``events.jsonl`` files. The child runs in a session of its own, out of reach of Ctrl-C and of
signals to the playbook's process group (the playbook decides when it stops), and, when its
stdin closes (the playbook ended, or was killed), writes everything it was sent and exits: a run
killed with ``kill -9`` loses nothing it had handed over. Its warnings come back as lines on its
stdout.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from .recorder import Recorder, RecorderSettings, Warn
from .store import Owner, StoreSettings

HURRY = signal.SIGURG
"""Sent to the helper when a call should not wait for its pause (a flush, the end of the run);
ignored unless blocked, so it is harmless before the helper blocks it."""
SERVE = (
    "import os, signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    f"signal.pthread_sigmask(signal.SIG_BLOCK, {{{HURRY.value}}}); "
    f"from {__name__} import serve; serve(); os._exit(0)"
)
"""The helper's program. It ignores Ctrl-C (the playbook decides when it stops) and keeps
``HURRY`` pending for its pause. Once its recorder is closed everything it was sent is written: it
skips the interpreter's teardown, which the playbook would otherwise wait for."""
CLOSE_SECONDS = 60
"""How long the end of a run waits for the helper to write what it was sent."""
FLUSH_SECONDS = 60
READ_PAUSE_SECONDS = 0.05
"""How long the helper lets calls gather in its pipe after it has applied what it read."""
READ_BYTES = 1 << 20
CALLS = frozenset(
    {
        "learn_workflow",
        "execution_started",
        "execution_retried",
        "execution_finished",
        "host_failed",
        "finish",
    }
)


def collections_root() -> Path:
    """The folder that holds ``ansible_collections/`` (this file's package path, upwards)."""
    return Path(__file__).parents[len(__name__.split(".")) - 1]


def encode(message: list[Any]) -> bytes:
    """One JSON line; values JSON has no type for become lists (sets) or strings."""
    try:
        text = json.dumps(message, separators=(",", ":"), default=_json_default)
    except TypeError:
        text = json.dumps(_plain(message), separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _json_default(value: Any) -> Any:
    return sorted(value, key=str) if isinstance(value, (set, frozenset)) else str(value)


def _plain(value: Any) -> Any:
    """``value`` with string keys and plain values only (for keys JSON refuses, such as tuples)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class RecorderProcess:
    """The callback's recorder: the same calls as :class:`~.recorder.Recorder`, run in a helper."""

    def __init__(self, settings: RecorderSettings, home: Path, warn: Warn) -> None:
        self.settings = settings
        self.home = home
        self.warn = warn
        self._flushes = threading.Condition()
        self._flushed = 0
        self._requested = 0
        self._stopped = False
        self._errors, errors_path = tempfile.mkstemp(prefix="agentic-state-recorder-")
        os.unlink(errors_path)
        paths = [str(collections_root()), *filter(None, [os.environ.get("PYTHONPATH")])]
        self._process = subprocess.Popen(
            [sys.executable, "-c", SERVE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
            start_new_session=True,
        )
        if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux: room for what is sent while the helper pauses
            with contextlib.suppress(OSError):
                fcntl.fcntl(self._process.stdin.fileno(), fcntl.F_SETPIPE_SZ, READ_BYTES)
        self._listener = threading.Thread(target=self._listen, name="state-recorder-listener", daemon=True)
        self._listener.start()
        owner = Owner.current()
        self._send(["start", asdict(settings), str(home), owner.host, owner.pid])

    # -- the calls of a Recorder ----------------------------------------------------------------
    def learn_workflow(self, host: str, fact: Mapping[str, Any]) -> None:
        self._send(["learn_workflow", host, fact])

    def execution_started(
        self, host: str, task_key: str, agent_name: str, args: Mapping[str, Any], no_log: bool
    ) -> None:
        self._send(["execution_started", host, task_key, agent_name, args, no_log])

    def execution_retried(self, host: str, task_key: str, result: Mapping[str, Any], no_log: bool) -> None:
        self._send(["execution_retried", host, task_key, result, no_log])

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
        self._send(["execution_finished", host, task_key, status, result, no_log, item])

    def host_failed(
        self, host: str, task_name: str, message: str, derive: Callable[[], Mapping[str, Any]]
    ) -> None:
        """``derive`` runs here (it reads the play's variables); the helper uses its answer only
        for a host that has no workflow yet."""
        self._send(["host_failed", host, task_name, message, derive()])

    def finish(self, failed_hosts: Iterable[str]) -> None:
        self._send(["finish", list(failed_hosts)])

    def flush(self) -> None:
        """Return once the helper has written everything sent before (a task reads the store)."""
        with self._flushes:
            self._requested += 1
            wanted = self._requested
        self._send(["flush", wanted])
        self._hurry()
        with self._flushes:
            if not self._flushes.wait_for(lambda: self._flushed >= wanted or self._stopped, FLUSH_SECONDS):
                self.warn(f"state_recorder: the recorder did not write its records within {FLUSH_SECONDS} s")

    def close(self) -> None:
        """Close the helper's stdin (it writes what it was sent and exits) and wait for it."""
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        self._hurry()
        try:
            self._process.wait(timeout=CLOSE_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            self.warn(f"state_recorder: the recorder was stopped after {CLOSE_SECONDS} s; see the spool")
        self._listener.join(timeout=5)
        os.close(self._errors)

    # -- the pipe ---------------------------------------------------------------------------------
    def _send(self, message: list[Any]) -> None:
        if self._stopped:
            return
        try:
            self._process.stdin.write(encode(message))
            self._process.stdin.flush()
        except OSError:
            self._helper_stopped()

    def _hurry(self) -> None:
        with contextlib.suppress(OSError):
            self._process.send_signal(HURRY)

    def _listen(self) -> None:
        for line in self._process.stdout:
            kind, value = json.loads(line)
            if kind == "warn":
                self.warn(value)
            else:
                with self._flushes:
                    self._flushed = max(self._flushed, value)
                    self._flushes.notify_all()
        self._process.stdout.close()
        if self._process.wait() != 0:
            self._helper_stopped()

    def _helper_stopped(self) -> None:
        with self._flushes:
            if self._stopped:
                return
            self._stopped = True
            self._flushes.notify_all()
        self.warn(
            "state_recorder: the recorder process stopped; what it was not sent is not recorded: "
            + (self._last_words() or f"exit code {self._process.poll()}")
        )

    def _last_words(self) -> str:
        """The last line the helper wrote to its stderr (a traceback's error), if any."""
        size = os.fstat(self._errors).st_size
        tail = os.pread(self._errors, 4000, max(0, size - 4000))
        lines = tail.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""


def serve(requests: IO[bytes] | None = None, answers: IO[bytes] | None = None) -> None:
    """The helper's side: start a recorder as the first line says, apply each call until EOF, then
    close it (everything sent is written).

    It reads what has arrived, applies it, then pauses ``READ_PAUSE_SECONDS`` before reading again:
    a call applied among many costs a fraction of one applied alone (the interpreter's caches stay
    warm), and the playbook's writes into the pipe do not wake it each time."""
    requests = requests or sys.stdin.buffer
    if answers is None:
        answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    answering = threading.Lock()

    def answer(kind: str, value: Any) -> None:
        with answering:
            answers.write(encode([kind, value]))
            answers.flush()

    recorder = _start(json.loads(requests.readline()), lambda message: answer("warn", message))
    try:
        for lines in _arrivals(requests):
            for line in lines:
                _apply(recorder, json.loads(line), answer)
    finally:
        recorder.close()


def _arrivals(requests: IO[bytes]) -> Iterator[list[bytes]]:
    """The complete lines that arrived since the last read, read ``READ_PAUSE_SECONDS`` apart;
    after ``HURRY`` came, the next two reads follow without a pause (what the hurried call was
    sent with, then the end of the run when it was its last). A line cut short by the playbook's
    death is dropped."""
    pending = b""
    hurried = False
    while chunk := requests.read1(READ_BYTES):
        *lines, pending = (pending + chunk).split(b"\n")
        yield lines
        hurried = not hurried and _pause()


def _pause() -> bool:
    """Wait ``READ_PAUSE_SECONDS`` or until ``HURRY`` comes; whether it came. Where there is no
    ``sigtimedwait`` (macOS), a flush and the end of the run wait for the pause."""
    if hasattr(signal, "sigtimedwait"):
        return signal.sigtimedwait({HURRY}, READ_PAUSE_SECONDS) is not None
    time.sleep(READ_PAUSE_SECONDS)
    return False


def _start(message: list[Any], warn: Warn) -> Recorder:
    _name, settings, home, owner_host, owner_pid = message
    recorder_settings = RecorderSettings(
        **{
            **settings,
            "store": StoreSettings(**settings["store"]),
            "recorded_modules": tuple(settings["recorded_modules"]),
        }
    )
    recorder = Recorder(recorder_settings, Path(home), warn, Owner(host=owner_host, pid=owner_pid))
    recorder.start()
    return recorder


def _apply(recorder: Recorder, message: list[Any], answer: Callable[[str, Any], None]) -> None:
    name, *args = message
    try:
        if name == "flush":
            recorder.flush()
        elif name == "host_failed":
            host, task_name, error, derived = args
            recorder.host_failed(host, task_name, error, derive=lambda: derived)
        elif name == "execution_finished":
            host, task_key, status, result, no_log, item = args
            recorder.execution_finished(host, task_key, status, result, no_log=no_log, item=item)
        elif name in CALLS:
            getattr(recorder, name)(*args)
    except Exception as error:  # the playbook never breaks on the recorder
        answer("warn", f"state_recorder: {name} was not recorded: {error!r}")
    if name == "flush":
        answer("flushed", args[0])
