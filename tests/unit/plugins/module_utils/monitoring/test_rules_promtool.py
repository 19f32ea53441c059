"""The curated rules with the real promtool: `check rules` on the rendered rules, and `test rules`
firing each alert on synthetic series and keeping it silent on healthy ones.

`promtool test rules` compares annotations exactly (after template expansion), so the unit tests
run on the same rule groups with the annotations left out; the annotation templates are parsed by
`check rules` on the full rules, and their presence is asserted in test_stack.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.rules import CURATED_ALERTS, rule_groups
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import MonitoringSpec

pytestmark = pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool: run scripts/setup.sh --test"
)

NODE = 'job="node-exporter",instance="n1:9100"'
KSM = 'job="kube-state-metrics"'
DISK = f'{NODE},device="/dev/sda1",mountpoint="/"'

# alert name -> (eval time, firing series, expected labels, healthy series)
CASES: dict[str, tuple[str, list[tuple[str, str]], dict[str, str], list[tuple[str, str]]]] = {
    "AgenticNodeDown": (
        "10m",
        [(f"up{{{NODE}}}", "0x15")],
        {"job": "node-exporter", "instance": "n1:9100"},
        [(f"up{{{NODE}}}", "1x15")],
    ),
    "AgenticNodeNotReady": (
        "15m",
        [(f'kube_node_status_condition{{{KSM},node="n1",condition="Ready",status="true"}}', "0x20")],
        {"job": "kube-state-metrics", "node": "n1", "condition": "Ready", "status": "true"},
        [(f'kube_node_status_condition{{{KSM},node="n1",condition="Ready",status="true"}}', "1x20")],
    ),
    "AgenticNodeCPUPressure": (
        "25m",
        [(f'node_cpu_seconds_total{{{NODE},cpu="0",mode="idle"}}', "0+3x30")],
        {"instance": "n1:9100"},
        [(f'node_cpu_seconds_total{{{NODE},cpu="0",mode="idle"}}', "0+30x30")],
    ),
    "AgenticNodeMemoryPressure": (
        "15m",
        [
            (f"node_memory_MemAvailable_bytes{{{NODE}}}", "5x20"),
            (f"node_memory_MemTotal_bytes{{{NODE}}}", "100x20"),
        ],
        {"job": "node-exporter", "instance": "n1:9100"},
        [
            (f"node_memory_MemAvailable_bytes{{{NODE}}}", "50x20"),
            (f"node_memory_MemTotal_bytes{{{NODE}}}", "100x20"),
        ],
    ),
    "AgenticNodeDiskPressure": (
        "15m",
        [
            (f'node_filesystem_avail_bytes{{{DISK},fstype="ext4"}}', "5x20"),
            (f'node_filesystem_size_bytes{{{DISK},fstype="ext4"}}', "100x20"),
        ],
        {
            "job": "node-exporter",
            "instance": "n1:9100",
            "device": "/dev/sda1",
            "mountpoint": "/",
            "fstype": "ext4",
        },
        [
            (f'node_filesystem_avail_bytes{{{DISK},fstype="ext4"}}', "50x20"),
            (f'node_filesystem_size_bytes{{{DISK},fstype="ext4"}}', "100x20"),
            (
                f'node_filesystem_avail_bytes{{{NODE},device="tmpfs",mountpoint="/run",fstype="tmpfs"}}',
                "1x20",
            ),
            (
                f'node_filesystem_size_bytes{{{NODE},device="tmpfs",mountpoint="/run",fstype="tmpfs"}}',
                "100x20",
            ),
        ],
    ),
    "AgenticPodCrashLooping": (
        "25m",
        [
            (
                f'kube_pod_container_status_waiting_reason{{{KSM},namespace="shop",pod="web",container="app",'
                'reason="CrashLoopBackOff"}',
                "1x30",
            )
        ],
        {
            "job": "kube-state-metrics",
            "namespace": "shop",
            "pod": "web",
            "container": "app",
            "reason": "CrashLoopBackOff",
        },
        [
            (
                f'kube_pod_container_status_waiting_reason{{{KSM},namespace="shop",pod="web",container="app",'
                'reason="CrashLoopBackOff"}',
                "0x30",
            )
        ],
    ),
    "AgenticPodPending": (
        "20m",
        [(f'kube_pod_status_phase{{{KSM},namespace="shop",pod="web",phase="Pending"}}', "1x30")],
        {"namespace": "shop", "pod": "web"},
        [
            (f'kube_pod_status_phase{{{KSM},namespace="shop",pod="web",phase="Pending"}}', "0x30"),
            (f'kube_pod_status_phase{{{KSM},namespace="shop",pod="web",phase="Running"}}', "1x30"),
        ],
    ),
    "AgenticAPIServerErrorRate": (
        "20m",
        [
            ('apiserver_request_total{job="apiserver",verb="GET",code="500"}', "0+10x30"),
            ('apiserver_request_total{job="apiserver",verb="GET",code="200"}', "0+90x30"),
        ],
        {},
        [
            ('apiserver_request_total{job="apiserver",verb="GET",code="500"}', "0+1x30"),
            ('apiserver_request_total{job="apiserver",verb="GET",code="200"}', "0+99x30"),
        ],
    ),
    "AgenticAPIServerLatencyHigh": (
        "20m",
        [
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="0.5"}', "0+0x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="1"}', "0+0x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="5"}', "0+10x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="+Inf"}', "0+10x30"),
        ],
        {"verb": "GET"},
        [
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="0.5"}', "0+10x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="1"}', "0+10x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="5"}', "0+10x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="GET",le="+Inf"}', "0+10x30"),
            ('apiserver_request_duration_seconds_bucket{job="apiserver",verb="WATCH",le="+Inf"}', "0+10x30"),
        ],
    ),
    "AgenticCertificateExpiringSoon": (
        "10m",
        [('kubelet_certificate_manager_client_ttl_seconds{instance="n1:10250"}', "86400x15")],
        {"instance": "n1:10250"},
        [('kubelet_certificate_manager_client_ttl_seconds{instance="n1:10250"}', "2592000x15")],
    ),
    "AgenticWorkflowFailed": (
        "10m",
        [
            (
                'agentic_k8s_last_run_timestamp_seconds{platform="eks",environment="prod",status="ROLLBACK_FAILED"}',
                "300x15",
            )
        ],
        {"platform": "eks", "environment": "prod", "status": "ROLLBACK_FAILED"},
        [
            (
                'agentic_k8s_last_run_timestamp_seconds{platform="eks",environment="prod",status="COMPLETED"}',
                "300x15",
            ),
            (
                'agentic_k8s_last_run_timestamp_seconds{platform="eks",environment="dev",status="FAILED"}',
                "-7200x15",
            ),
        ],
    ),
    "AgenticAgentFailureRateHigh": (
        "6h10m",
        [
            (
                'agentic_k8s_agent_executions_total{agent="monitoring",platform="eks",status="FAILED"}',
                "0+1x400",
            ),
            (
                'agentic_k8s_agent_executions_total{agent="monitoring",platform="eks",status="SUCCEEDED"}',
                "0+1x400",
            ),
        ],
        {"agent": "monitoring"},
        [
            (
                'agentic_k8s_agent_executions_total{agent="monitoring",platform="eks",status="FAILED"}',
                "0+0x400",
            ),
            (
                'agentic_k8s_agent_executions_total{agent="monitoring",platform="eks",status="SUCCEEDED"}',
                "0+1x400",
            ),
        ],
    ),
}
SEVERITY = {alert.name: alert.severity for alert in CURATED_ALERTS}


@pytest.fixture(scope="module")
def spec() -> MonitoringSpec:
    return MonitoringSpec(platform="eks", runbook_base_url="https://runbooks.example.com/RUNBOOK.md")


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120, check=False)


def test_every_curated_alert_has_a_firing_and_a_healthy_case():
    assert set(CASES) == {alert.name for alert in CURATED_ALERTS}


def test_promtool_check_rules_accepts_the_rendered_rules(spec, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": rule_groups(spec)}))
    result = promtool("check", "rules", str(rules))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CURATED_ALERTS)} rules found" in result.stdout


def test_promtool_check_rules_rejects_a_broken_expression(spec, tmp_path):
    groups = rule_groups(spec)
    groups[0]["rules"][0]["expr"] = "sum(rate(up[5m])"
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": groups}))
    assert promtool("check", "rules", str(rules)).returncode != 0


def unit_test_file(tmp_path: Path, spec: MonitoringSpec) -> Path:
    groups = rule_groups(spec)
    for group in groups:
        for rule in group["rules"]:
            rule.pop("annotations")
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}))
    tests = []
    for name, (eval_time, firing, labels, healthy) in CASES.items():
        expected = [{"exp_labels": {"severity": SEVERITY[name], **labels}}]
        for series, exp_alerts in ((firing, expected), (healthy, [])):
            tests.append(
                {
                    "name": f"{name} {'fires' if exp_alerts else 'stays silent'}",
                    "interval": "1m",
                    "input_series": [{"series": s, "values": v} for s, v in series],
                    "alert_rule_test": [
                        {"eval_time": eval_time, "alertname": name, "exp_alerts": exp_alerts}
                    ],
                }
            )
    test_file = tmp_path / "rules_test.yaml"
    test_file.write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests})
    )
    return test_file


def test_promtool_fires_each_alert_on_synthetic_series_and_not_on_healthy_ones(spec, tmp_path):
    result = promtool("test", "rules", str(unit_test_file(tmp_path, spec)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_can_fail(spec, tmp_path):
    """The harness itself: a healthy series expected to fire makes promtool fail."""
    test_file = unit_test_file(tmp_path, spec)
    document = yaml.safe_load(test_file.read_text())
    silent = next(test for test in document["tests"] if test["name"] == "AgenticNodeDown stays silent")
    silent["alert_rule_test"][0]["exp_alerts"] = [{"exp_labels": {"severity": "critical"}}]
    test_file.write_text(yaml.safe_dump(document))
    assert promtool("test", "rules", str(test_file)).returncode != 0
