"""One runner for external commands (terraform, helm, promtool, ...), in the manner of
community.general's CmdRunner: argv lists only (never a shell), a hard deadline on every call,
SIGINT first so the tool can release its locks, then SIGTERM, then SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .errors import CommandTimeoutError, MissingBinaryError

LineHandler = Callable[[str], None]


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]
    rc: int
    stdout: str
    stderr: str
    duration_s: float
    timed_out: bool = False


def require_binary(name: str, purpose: str) -> str:
    """The absolute path of ``name`` on PATH, or an error saying what needs it."""
    path = shutil.which(name)
    if path is None:
        raise MissingBinaryError(
            f"'{name}' was not found on PATH; it is needed to {purpose}. Install it or put it on PATH.",
            binary=name,
        )
    return path


def run_command(
    argv: Sequence[str],
    *,
    timeout_s: float,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
    on_stdout_line: LineHandler | None = None,
    interrupt_grace_s: float = 15.0,
) -> CommandResult:
    """Run ``argv`` to completion or to its deadline; raise CommandTimeoutError past it.

    ``on_stdout_line`` receives each stdout line as it is printed (e.g. ``apply -json`` events).
    """
    started = time.monotonic()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    stdout_lines: list[str] = []
    stderr_lines: list[str] = []
    readers = [
        threading.Thread(target=_pump, args=(process.stdout, stdout_lines, on_stdout_line), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, stderr_lines, None), daemon=True),
    ]
    for reader in readers:
        reader.start()
    if stdin_text is not None and process.stdin is not None:
        process.stdin.write(stdin_text)
        process.stdin.close()
    timed_out = _wait_or_interrupt(process, timeout_s, interrupt_grace_s)
    for reader in readers:
        reader.join()
    result = CommandResult(
        argv=tuple(argv),
        rc=process.returncode,
        stdout="".join(stdout_lines),
        stderr="".join(stderr_lines),
        duration_s=time.monotonic() - started,
        timed_out=timed_out,
    )
    if timed_out:
        raise CommandTimeoutError(
            f"'{argv[0]} {' '.join(argv[1:2])}' did not finish within {timeout_s:g} s and was interrupted",
            argv=list(argv),
            stdout=result.stdout[-4000:],
            stderr=result.stderr[-4000:],
        )
    return result


def _pump(stream, sink: list[str], handler: LineHandler | None) -> None:
    for line in iter(stream.readline, ""):
        sink.append(line)
        if handler is not None:
            handler(line.rstrip("\n"))
    stream.close()


def _wait_or_interrupt(process: subprocess.Popen, timeout_s: float, grace_s: float) -> bool:
    try:
        process.wait(timeout=timeout_s)
        return False
    except subprocess.TimeoutExpired:
        pass
    for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGTERM, 5.0), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait_s)
            break
        except subprocess.TimeoutExpired:
            continue
    return True
