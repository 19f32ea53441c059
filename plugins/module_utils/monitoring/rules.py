"""The curated alert rules, on top of the chart's defaults, as one PrometheusRule.

Every alert has a severity, a summary, a description and a ``runbook_url`` built by the one
anchor function that the documentation agent also uses for its RUNBOOK sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..common.anchors import runbook_url
from ..state import metrics
from .spec import MonitoringSpec

Severity = Literal["critical", "warning", "info"]
RULE_NAME = "agentic-k8s-curated"
FAILED = '"(?i)failed"'
WORKFLOW_FAILED = '"(?i)failed|rollback_failed"'


@dataclass(frozen=True)
class CuratedAlert:
    group: str
    name: str
    severity: Severity
    expr: str
    for_: str
    """How long the condition must hold before the alert fires; empty: at once."""
    summary: str
    description: str


NODE_EXPORTER = 'job="node-exporter"'
KUBE_STATE = 'job="kube-state-metrics"'
REAL_FILESYSTEMS = f'{NODE_EXPORTER},fstype!~"tmpfs|overlay|squashfs|ramfs"'

CURATED_ALERTS: tuple[CuratedAlert, ...] = (
    CuratedAlert(
        "agentic-k8s.nodes",
        "AgenticNodeDown",
        "critical",
        f"up{{{NODE_EXPORTER}}} == 0",
        "5m",
        "Node {{ $labels.instance }} is down",
        "The node exporter on {{ $labels.instance }} has not answered a scrape for 5 minutes: "
        "the node is down, unreachable or its exporter crashed.",
    ),
    CuratedAlert(
        "agentic-k8s.nodes",
        "AgenticNodeNotReady",
        "critical",
        f'kube_node_status_condition{{{KUBE_STATE},condition="Ready",status="true"}} == 0',
        "10m",
        "Node {{ $labels.node }} is not Ready",
        "Node {{ $labels.node }} has not reported Ready for 10 minutes; its pods are being evicted "
        "or cannot be scheduled.",
    ),
    CuratedAlert(
        "agentic-k8s.nodes",
        "AgenticNodeCPUPressure",
        "warning",
        f'1 - avg by (instance) (rate(node_cpu_seconds_total{{{NODE_EXPORTER},mode="idle"}}[5m])) > 0.9',
        "15m",
        "CPU of node {{ $labels.instance }} is over 90% busy",
        "Node {{ $labels.instance }} has used more than 90% of its CPU for 15 minutes "
        "(now {{ $value | humanizePercentage }}); workloads are throttled.",
    ),
    CuratedAlert(
        "agentic-k8s.nodes",
        "AgenticNodeMemoryPressure",
        "warning",
        f"node_memory_MemAvailable_bytes{{{NODE_EXPORTER}}} "
        f"/ node_memory_MemTotal_bytes{{{NODE_EXPORTER}}} < 0.1",
        "10m",
        "Node {{ $labels.instance }} has less than 10% memory available",
        "Only {{ $value | humanizePercentage }} of the memory of node {{ $labels.instance }} is "
        "available; the kubelet will start evicting pods.",
    ),
    CuratedAlert(
        "agentic-k8s.nodes",
        "AgenticNodeDiskPressure",
        "warning",
        f"node_filesystem_avail_bytes{{{REAL_FILESYSTEMS}}} "
        f"/ node_filesystem_size_bytes{{{REAL_FILESYSTEMS}}} < 0.1",
        "10m",
        "Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is over 90% full",
        "Only {{ $value | humanizePercentage }} of {{ $labels.mountpoint }} on {{ $labels.instance }} "
        "is free; image pulls and pod writes will fail when it is full.",
    ),
    CuratedAlert(
        "agentic-k8s.workloads",
        "AgenticPodCrashLooping",
        "warning",
        "max_over_time(kube_pod_container_status_waiting_reason"
        f'{{{KUBE_STATE},reason="CrashLoopBackOff"}}[5m]) >= 1',
        "15m",
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
        "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been "
        "in CrashLoopBackOff for 15 minutes.",
    ),
    CuratedAlert(
        "agentic-k8s.workloads",
        "AgenticPodPending",
        "warning",
        f'sum by (namespace, pod) (kube_pod_status_phase{{{KUBE_STATE},phase="Pending"}}) > 0',
        "15m",
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} has been Pending for 15 minutes",
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} cannot be scheduled or started: missing "
        "capacity, an unbound volume or an image that cannot be pulled.",
    ),
    CuratedAlert(
        "agentic-k8s.apiserver",
        "AgenticAPIServerErrorRate",
        "critical",
        'sum(rate(apiserver_request_total{job="apiserver",code=~"5.."}[5m])) '
        '/ sum(rate(apiserver_request_total{job="apiserver"}[5m])) > 0.05',
        "10m",
        "The API server answers more than 5% of requests with errors",
        "{{ $value | humanizePercentage }} of the API server's requests failed with a 5xx status "
        "over the last 5 minutes.",
    ),
    CuratedAlert(
        "agentic-k8s.apiserver",
        "AgenticAPIServerLatencyHigh",
        "warning",
        "histogram_quantile(0.99, sum by (le, verb) (rate(apiserver_request_duration_seconds_bucket"
        '{job="apiserver",verb!~"WATCH|CONNECT"}[5m]))) > 1',
        "10m",
        "API server {{ $labels.verb }} latency p99 is over 1 s",
        "The 99th percentile latency of {{ $labels.verb }} requests to the API server is "
        "{{ $value | humanizeDuration }}.",
    ),
    CuratedAlert(
        "agentic-k8s.certificates",
        "AgenticCertificateExpiringSoon",
        "warning",
        "min by (instance) (kubelet_certificate_manager_client_ttl_seconds) < 7 * 86400",
        "5m",
        "The kubelet client certificate on {{ $labels.instance }} expires within 7 days",
        "The kubelet client certificate on {{ $labels.instance }} expires in "
        "{{ $value | humanizeDuration }} and has not been rotated.",
    ),
    CuratedAlert(
        "agentic-k8s.self",
        "AgenticWorkflowFailed",
        "warning",
        f"time() - {metrics.LAST_RUN_TIMESTAMP_SECONDS}{{status=~{WORKFLOW_FAILED}}} < 3600",
        "",
        "An agentic.k8s workflow for {{ $labels.platform }}/{{ $labels.environment }} failed",
        "A workflow of the agentic.k8s collection ended {{ $labels.status }} within the last hour; "
        "its TROUBLESHOOTING document and events.jsonl say which phase failed.",
    ),
    CuratedAlert(
        "agentic-k8s.self",
        "AgenticAgentFailureRateHigh",
        "warning",
        f"sum by (agent) (increase({metrics.AGENT_EXECUTIONS_TOTAL}{{status=~{FAILED}}}[6h])) "
        f"/ sum by (agent) (increase({metrics.AGENT_EXECUTIONS_TOTAL}[6h])) > 0.25",
        "",
        "Agent {{ $labels.agent }} failed more than 25% of its runs in 6 hours",
        "{{ $value | humanizePercentage }} of the executions of agent {{ $labels.agent }} failed over "
        "the last 6 hours.",
    ),
)


def alert_summaries(spec: MonitoringSpec) -> list[dict[str, str]]:
    """``[{name, severity, summary, description, runbook_url}]`` for the fact and the RUNBOOK."""
    return [
        {
            "name": alert.name,
            "severity": alert.severity,
            "summary": alert.summary,
            "description": alert.description,
            "runbook_url": runbook_url(spec.runbook_base_url, alert.name),
        }
        for alert in CURATED_ALERTS
    ]


def rule_groups(spec: MonitoringSpec) -> list[dict[str, Any]]:
    """The Prometheus rule groups (the ``spec.groups`` of the PrometheusRule, promtool's format)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for alert in CURATED_ALERTS:
        groups.setdefault(alert.group, []).append(
            {
                "alert": alert.name,
                "expr": alert.expr,
                **({"for": alert.for_} if alert.for_ else {}),
                "labels": {"severity": alert.severity},
                "annotations": {
                    "summary": alert.summary,
                    "description": alert.description,
                    "runbook_url": runbook_url(spec.runbook_base_url, alert.name),
                },
            }
        )
    return [{"name": name, "rules": rules} for name, rules in groups.items()]


def prometheus_rule(spec: MonitoringSpec, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": RULE_NAME, "namespace": spec.namespace, "labels": labels},
        "spec": {"groups": rule_groups(spec)},
    }
