"""Debian's prometheus-pushgateway and prometheus-node-exporter, run on loopback for a test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, deadline_s: float = 15.0) -> None:
    until = time.monotonic() + deadline_s
    while time.monotonic() < until:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {deadline_s} s")


def serve(argv: list[str], url: str) -> Iterator[str]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_http(f"{url}/metrics", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; scripts/setup.sh --test installs it (as root)")
    return path


@pytest.fixture
def pushgateway(tmp_path: Path) -> Iterator[str]:
    """The base URL of a fresh Pushgateway on 127.0.0.1."""
    port = free_port()
    argv = [
        binary("prometheus-pushgateway"),
        f"--web.listen-address=127.0.0.1:{port}",
        f"--persistence.file={tmp_path / 'pushgateway.data'}",
    ]
    yield from serve(argv, f"http://127.0.0.1:{port}")


@pytest.fixture
def node_exporter_textfile(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """(textfile directory, base URL) of a node-exporter that only runs its textfile collector."""
    directory = tmp_path / "textfile"
    directory.mkdir()
    port = free_port()
    argv = [
        binary("prometheus-node-exporter"),
        f"--web.listen-address=127.0.0.1:{port}",
        "--collector.disable-defaults",
        "--collector.textfile",
        f"--collector.textfile.directory={directory}",
    ]
    for url in serve(argv, f"http://127.0.0.1:{port}"):
        yield directory, url
