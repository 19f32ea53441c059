"""Real Prometheus, node-exporter and Alertmanager servers (Debian's packages) on loopback.

``loopback_monitoring`` (session): a Prometheus scraping a node-exporter (up) and a port nobody
listens on (a target that is down), and an Alertmanager. ``stalled_prometheus`` (session): a
Prometheus that never becomes ready, because its write-ahead log is a FIFO nobody writes to, so
its TSDB open blocks while its web server answers ``/-/ready`` with 503.
``fake_grafana``: the named Grafana fake.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.grafana_health import FakeGrafana
from tests.support.llm_server import free_loopback_port as free_port

STARTUP_DEADLINE_S = 30.0
DOWN_JOB = "unreachable-exporter"


@dataclass(frozen=True)
class LoopbackMonitoring:
    prometheus_url: str
    alertmanager_url: str
    node_exporter_url: str
    down_instance: str


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `source scripts/setup.sh --test` as root (Debian package)")
    return path


@contextmanager
def _server(argv: list[str], log_path: Path) -> Iterator[subprocess.Popen]:
    with log_path.open("w") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _get(url: str) -> tuple[int | None, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None, ""


def _wait_until(condition, what: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {STARTUP_DEADLINE_S} s; log:\n{log_path.read_text()[-2000:]}")


def _up_series_count(prometheus_url: str) -> int:
    status, body = _get(f"{prometheus_url}/api/v1/query?query=up")
    if status != 200:
        return 0
    return len(json.loads(body)["data"]["result"])


@pytest.fixture(scope="session")
def loopback_monitoring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackMonitoring]:
    root = tmp_path_factory.mktemp("loopback-monitoring")
    exporter_port, prometheus_port, alertmanager_port, dead_port = (free_port() for _port in range(4))
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "500ms"},
        "scrape_configs": [
            {"job_name": "node", "static_configs": [{"targets": [f"127.0.0.1:{exporter_port}"]}]},
            {"job_name": DOWN_JOB, "static_configs": [{"targets": [f"127.0.0.1:{dead_port}"]}]},
        ],
    }
    (root / "prometheus.yml").write_text(json.dumps(config))
    (root / "alertmanager.yml").write_text(
        json.dumps({"route": {"receiver": "null"}, "receivers": [{"name": "null"}]})
    )
    exporter = [
        _binary("prometheus-node-exporter"),
        f"--web.listen-address=127.0.0.1:{exporter_port}",
        "--collector.disable-defaults",
        "--collector.loadavg",
        "--collector.meminfo",
    ]
    prometheus = [
        _binary("prometheus"),
        f"--config.file={root / 'prometheus.yml'}",
        f"--storage.tsdb.path={root / 'prometheus-data'}",
        f"--web.listen-address=127.0.0.1:{prometheus_port}",
    ]
    alertmanager = [
        _binary("prometheus-alertmanager"),
        f"--config.file={root / 'alertmanager.yml'}",
        f"--storage.path={root / 'alertmanager-data'}",
        f"--web.listen-address=127.0.0.1:{alertmanager_port}",
        "--cluster.listen-address=",
    ]
    servers = LoopbackMonitoring(
        prometheus_url=f"http://127.0.0.1:{prometheus_port}",
        alertmanager_url=f"http://127.0.0.1:{alertmanager_port}",
        node_exporter_url=f"http://127.0.0.1:{exporter_port}",
        down_instance=f"127.0.0.1:{dead_port}",
    )
    with (
        _server(exporter, root / "node-exporter.log"),
        _server(prometheus, root / "prometheus.log"),
        _server(alertmanager, root / "alertmanager.log"),
    ):
        _wait_until(
            lambda: _get(f"{servers.alertmanager_url}/-/ready")[0] == 200,
            "Alertmanager was not ready",
            root / "alertmanager.log",
        )
        _wait_until(
            lambda: _up_series_count(servers.prometheus_url) == 2,
            "Prometheus did not scrape both targets",
            root / "prometheus.log",
        )
        yield servers


@pytest.fixture(scope="session")
def stalled_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Prometheus whose ``/-/ready`` answers 503 for as long as the test runs."""
    root = tmp_path_factory.mktemp("stalled-prometheus")
    (root / "data" / "wal").mkdir(parents=True)
    os.mkfifo(root / "data" / "wal" / "00000000")
    (root / "prometheus.yml").write_text(json.dumps({"scrape_configs": []}))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        _binary("prometheus"),
        f"--config.file={root / 'prometheus.yml'}",
        f"--storage.tsdb.path={root / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with _server(argv, root / "prometheus.log"):
        _wait_until(
            lambda: _get(f"{url}/-/ready")[0] == 503, "Prometheus did not answer 503", root / "prometheus.log"
        )
        yield url


@pytest.fixture
def fake_grafana() -> Iterator[FakeGrafana]:
    """The named Grafana fake (tests/fakes/grafana_health.py), healthy until a test says otherwise."""
    with FakeGrafana() as grafana:
        yield grafana
