"""The sandbox's local AWS API emulator (moto server): started once on a free 127.0.0.1 port,
its pid and port kept under ``<home>/sandbox/`` so later runs reuse it, stopped when the last
sandbox cluster is destroyed."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..common.errors import AgenticError
from ..common.home import atomic_write_text, ensure_private_dir
from ..common.processes import pid_alive
from ..common.runner import require_binary

STATE_FILE = "emulator.json"
CLUSTERS_FILE = "clusters.json"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Emulator:
    pid: int
    port: int

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def sandbox_dir(home: Path) -> Path:
    return ensure_private_dir(home / "sandbox")


def running_emulator(home: Path) -> Emulator | None:
    """The emulator recorded under ``home`` when its process is alive and answers, else None.

    One whose installation is gone (its checkout or virtualenv was removed) is stopped: it still
    answers, but fails every AWS service it had not loaded yet, and Terraform retries for minutes."""
    state_path = sandbox_dir(home) / STATE_FILE
    if not state_path.exists():
        return None
    recorded = json.loads(state_path.read_text(encoding="utf-8"))
    emulator = Emulator(pid=int(recorded["pid"]), port=int(recorded["port"]))
    if pid_alive(emulator.pid) and _answers(emulator):
        if _installed(emulator.pid):
            return emulator
        _terminate(emulator.pid)
    state_path.unlink(missing_ok=True)
    return None


def ensure_emulator(home: Path) -> Emulator:
    """The running emulator of ``home``, started (detached, on a free port) when there is none."""
    existing = running_emulator(home)
    if existing is not None:
        return existing
    binary = require_binary("moto_server", "run the sandbox's AWS API emulator (pip install 'moto[server]')")
    port = _free_port()
    log_path = sandbox_dir(home) / "emulator.log"
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [binary, "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    emulator = Emulator(pid=process.pid, port=port)
    _wait_ready(emulator, process, log_path)
    atomic_write_text(sandbox_dir(home) / STATE_FILE, json.dumps({"pid": emulator.pid, "port": port}))
    return emulator


def register_cluster(home: Path, cluster_key: str) -> None:
    """Remember that ``cluster_key`` has resources in the emulator."""
    _write_clusters(home, _read_clusters(home) | {cluster_key})


def release_cluster(home: Path, cluster_key: str) -> bool:
    """Forget ``cluster_key``; stop the emulator when no sandbox cluster remains. True if stopped."""
    remaining = _read_clusters(home) - {cluster_key}
    _write_clusters(home, remaining)
    if remaining:
        return False
    return stop_emulator(home)


def stop_emulator(home: Path) -> bool:
    """Stop the recorded emulator (SIGTERM, then SIGKILL); True when one was running."""
    emulator = running_emulator(home)
    (sandbox_dir(home) / STATE_FILE).unlink(missing_ok=True)
    if emulator is None:
        return False
    _terminate(emulator.pid)
    return True


def _read_clusters(home: Path) -> set[str]:
    path = sandbox_dir(home) / CLUSTERS_FILE
    if not path.exists():
        return set()
    return set(json.loads(path.read_text(encoding="utf-8")))


def _write_clusters(home: Path, clusters: set[str]) -> None:
    atomic_write_text(sandbox_dir(home) / CLUSTERS_FILE, json.dumps(sorted(clusters)))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(emulator: Emulator) -> bool:
    """The recorded pid is a moto server and its port accepts connections (no data is dumped)."""
    try:
        cmdline = Path(f"/proc/{emulator.pid}/cmdline").read_bytes()
    except OSError:
        cmdline = b"moto_server"
    if b"moto_server" not in cmdline:
        return False
    try:
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=2):
            return True
    except OSError:
        return False


def _installed(pid: int) -> bool:
    """Whether the interpreter and the script that process ``pid`` runs are still on disk (where
    ``/proc`` cannot tell, they are taken to be)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True
    return all(Path(os.fsdecode(path)).exists() for path in arguments[:2] if path.startswith(b"/"))


def _wait_ready(emulator: Emulator, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AgenticError(
                f"The sandbox emulator exited with code {process.returncode}; see {log_path}",
                log_path=str(log_path),
            )
        if _answers(emulator):
            return
        time.sleep(0.2)
    _terminate(process.pid)
    raise AgenticError(
        f"The sandbox emulator did not answer on {emulator.endpoint} within {READY_TIMEOUT_S:g} s; "
        f"see {log_path}",
        log_path=str(log_path),
    )


def _terminate(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return
            _reap(pid)
            time.sleep(0.1)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
