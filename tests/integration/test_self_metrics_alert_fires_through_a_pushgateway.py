"""The self-metrics path with the real engines: a Pushgateway holding the collection's metrics
(pushed with prometheus_client, as the orchestration exports them), a real Prometheus scraping it
with the scrape config our chart values generate and evaluating our rendered rules: the
AgenticWorkflowFailed alert fires for a failed workflow and every rule evaluates healthy."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.rules import rule_groups
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.values import chart_values
from ansible_collections.agentic.k8s.plugins.module_utils.state import metrics

pytestmark = pytest.mark.skipif(
    not (shutil.which("prometheus") and shutil.which("prometheus-pushgateway")),
    reason="prometheus and prometheus-pushgateway: run scripts/setup.sh --test as root",
)
DEADLINE_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def wait_until(check, what: str):
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} within {DEADLINE_S} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator:
    processes: list[subprocess.Popen] = []

    def start(*argv: str) -> None:
        log = (tmp_path / f"{Path(argv[0]).name}.log").open("w")
        processes.append(subprocess.Popen(list(argv), stdout=log, stderr=subprocess.STDOUT))

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_workflow_failed_alert_fires_from_pushed_metrics(server, tmp_path):
    gateway = f"127.0.0.1:{free_port()}"
    prometheus_port = free_port()
    spec = build_spec({"platform": "eks", "pushgateway_target": gateway})
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": rule_groups(spec)}))
    scrape_configs = chart_values(spec)["prometheus"]["prometheusSpec"]["additionalScrapeConfigs"]
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(tmp_path / "rules.yaml")],
        "scrape_configs": scrape_configs,
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    server("prometheus-pushgateway", f"--web.listen-address={gateway}")
    server(
        "prometheus",
        f"--config.file={tmp_path / 'prometheus.yml'}",
        f"--storage.tsdb.path={tmp_path / 'data'}",
        f"--web.listen-address=127.0.0.1:{prometheus_port}",
    )
    wait_until(
        lambda: urllib.request.urlopen(f"http://{gateway}/-/ready", timeout=2).status == 200, "gateway ready"
    )
    registry = CollectorRegistry()
    last_run = Gauge(
        metrics.LAST_RUN_TIMESTAMP_SECONDS,
        "last run",
        ["platform", "environment", "status"],
        registry=registry,
    )
    last_run.labels("eks", "prod", "FAILED").set(time.time())
    last_run.labels("eks", "dev", "COMPLETED").set(time.time())
    push_to_gateway(gateway, job="agentic-k8s", registry=registry, timeout=5)

    api = f"http://127.0.0.1:{prometheus_port}/api/v1"

    def firing() -> list[dict]:
        alerts = get_json(f"{api}/alerts")["data"]["alerts"]
        return [
            a
            for a in alerts
            if a["labels"]["alertname"] == "AgenticWorkflowFailed" and a["state"] == "firing"
        ]

    alerts = wait_until(firing, "AgenticWorkflowFailed firing")
    assert [a["labels"]["environment"] for a in alerts] == ["prod"]
    assert alerts[0]["annotations"]["runbook_url"].endswith("#agenticworkflowfailed")
    assert "eks/prod failed" in alerts[0]["annotations"]["summary"]
    rules = [rule for group in get_json(f"{api}/rules")["data"]["groups"] for rule in group["rules"]]
    assert len(rules) == sum(len(group["rules"]) for group in rule_groups(spec))
    assert {rule["health"] for rule in rules} == {"ok"}
