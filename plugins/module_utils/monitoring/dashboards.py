"""Grafana dashboards built with grafana-foundation-sdk, shipped as ConfigMaps that the chart's
Grafana sidecar loads (label ``grafana_dashboard: "1"``): a cluster overview and the agentic.k8s
self-metrics dashboard (the metric names of ``state/metrics.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..common.requirements import ensure_available, requirement
from ..state import metrics
from .spec import DASHBOARD_LABEL, MonitoringSpec

with requirement("grafana-foundation-sdk"):
    from grafana_foundation_sdk.builders import dashboard as gdashboard
    from grafana_foundation_sdk.builders import prometheus as gprometheus
    from grafana_foundation_sdk.builders import stat as gstat
    from grafana_foundation_sdk.builders import timeseries as gtimeseries
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import DashboardCursorSync, DataSourceRef

DATASOURCE = "${datasource}"
FAILED = '"(?i)failed"'
REAL_FS = '{fstype!~"tmpfs|overlay"}'
API_LATENCY = 'apiserver_request_duration_seconds_bucket{job="apiserver",verb!~"WATCH|CONNECT"}'


@dataclass(frozen=True)
class Panel:
    """One panel: a time series (``kind="timeseries"``) or a single stat (``kind="stat"``)."""

    title: str
    queries: tuple[tuple[str, str], ...]
    """``(PromQL, legend)`` pairs."""
    unit: str = "short"
    kind: str = "timeseries"
    width: int = 12


CLUSTER_OVERVIEW: tuple[Panel, ...] = (
    Panel(
        "Nodes Ready",
        (('sum(kube_node_status_condition{condition="Ready",status="true"})', "ready"),),
        kind="stat",
        width=6,
    ),
    Panel(
        "Pods not Running",
        (('sum(kube_pod_status_phase{phase!~"Running|Succeeded"})', "pods"),),
        kind="stat",
        width=6,
    ),
    Panel(
        "Crash-looping containers",
        (('sum(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"})', "containers"),),
        kind="stat",
        width=6,
    ),
    Panel("Firing alerts", (('count(ALERTS{alertstate="firing"})', "alerts"),), kind="stat", width=6),
    Panel(
        "CPU usage per node",
        (('1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', "{{instance}}"),),
        unit="percentunit",
    ),
    Panel(
        "Memory available per node",
        (("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{instance}}"),),
        unit="percentunit",
    ),
    Panel(
        "Filesystem free per node",
        (
            (
                f"min by (instance) (node_filesystem_avail_bytes{REAL_FS} "
                f"/ node_filesystem_size_bytes{REAL_FS})",
                "{{instance}}",
            ),
        ),
        unit="percentunit",
    ),
    Panel("Pods by phase", (("sum by (phase) (kube_pod_status_phase)", "{{phase}}"),)),
    Panel(
        "API server requests by code",
        (('sum by (code) (rate(apiserver_request_total{job="apiserver"}[5m]))', "{{code}}"),),
        unit="reqps",
    ),
    Panel(
        "API server p99 latency",
        (
            (
                f"histogram_quantile(0.99, sum by (le, verb) (rate({API_LATENCY}[5m])))",
                "{{verb}}",
            ),
        ),
        unit="s",
    ),
)

SELF_METRICS: tuple[Panel, ...] = (
    Panel(
        "Workflows by status",
        ((f"sum by (status) ({metrics.WORKFLOWS_TOTAL})", "{{status}}"),),
        kind="stat",
        width=8,
    ),
    Panel(
        "Last run",
        ((f"max({metrics.LAST_RUN_TIMESTAMP_SECONDS}) * 1000", "last run"),),
        unit="dateTimeFromNow",
        kind="stat",
        width=8,
    ),
    Panel(
        "LLM calls",
        ((f"sum by (provider, cached) ({metrics.LLM_CALLS_TOTAL})", "{{provider}} cached={{cached}}"),),
        kind="stat",
        width=8,
    ),
    Panel(
        "Agent execution time",
        ((f"max by (agent) ({metrics.AGENT_DURATION_SECONDS})", "{{agent}}"),),
        unit="s",
    ),
    Panel(
        "Agent success rate",
        (
            (
                f"1 - sum by (agent) ({metrics.AGENT_EXECUTIONS_TOTAL}{{status=~{FAILED}}}) "
                f"/ sum by (agent) ({metrics.AGENT_EXECUTIONS_TOTAL})",
                "{{agent}}",
            ),
        ),
        unit="percentunit",
    ),
    Panel(
        "Workflow duration",
        (
            (
                f"max by (platform, environment) ({metrics.WORKFLOW_DURATION_SECONDS})",
                "{{platform}}/{{environment}}",
            ),
        ),
        unit="s",
    ),
    Panel(
        "LLM latency",
        ((f"max by (provider, model) ({metrics.LLM_LATENCY_SECONDS})", "{{provider}} {{model}}"),),
        unit="s",
    ),
    Panel("LLM tokens", ((f"sum by (model, kind) ({metrics.LLM_TOKENS_TOTAL})", "{{model}} {{kind}}"),)),
)


@dataclass(frozen=True)
class DashboardDefinition:
    uid: str
    title: str
    tags: tuple[str, ...]
    panels: tuple[Panel, ...]


DASHBOARDS = (
    DashboardDefinition(
        "agentic-cluster-overview",
        "Cluster overview (agentic.k8s)",
        ("agentic-k8s", "kubernetes"),
        CLUSTER_OVERVIEW,
    ),
    DashboardDefinition("agentic-self-metrics", "agentic.k8s agents", ("agentic-k8s",), SELF_METRICS),
)


def dashboard_json(definition: DashboardDefinition) -> dict[str, Any]:
    """The Grafana dashboard model of one definition (built by the foundation SDK)."""
    ensure_available("grafana-foundation-sdk")
    builder = (
        gdashboard.Dashboard(definition.title)
        .uid(definition.uid)
        .tags(list(definition.tags))
        .editable()
        .tooltip(DashboardCursorSync.CROSSHAIR)
        .refresh("1m")
        .time("now-6h", "now")
        .with_variable(gdashboard.DatasourceVariable("datasource").label("Data source").type("prometheus"))
    )
    for panel in definition.panels:
        builder = builder.with_panel(_panel(panel))
    return json.loads(json.dumps(builder.build(), cls=JSONEncoder))


def _panel(panel: Panel) -> Any:
    kind = gstat if panel.kind == "stat" else gtimeseries
    built = (
        kind.Panel()
        .title(panel.title)
        .unit(panel.unit)
        .span(panel.width)
        .height(4 if panel.kind == "stat" else 8)
        .datasource(DataSourceRef(type_val="prometheus", uid=DATASOURCE))
    )
    for ref, (expr, legend) in zip("ABCDEFGH", panel.queries, strict=False):
        built = built.with_target(gprometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref))
    return built


def dashboard_configmaps(spec: MonitoringSpec, labels: dict[str, str]) -> list[dict[str, Any]]:
    """One ConfigMap per dashboard, labelled for the chart's Grafana sidecar."""
    return [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {
                "name": f"{definition.uid}-dashboard",
                "namespace": spec.namespace,
                "labels": {**labels, DASHBOARD_LABEL: "1"},
            },
            "data": {f"{definition.uid}.json": json.dumps(dashboard_json(definition), sort_keys=True)},
        }
        for definition in DASHBOARDS
    ]


def dashboard_titles() -> list[str]:
    return [definition.title for definition in DASHBOARDS]
