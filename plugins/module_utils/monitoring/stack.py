"""The desired state of the monitoring stack, built from the spec alone (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .dashboards import dashboard_configmaps, dashboard_titles
from .gitops import argocd_applications, flux_objects
from .rbac import rbac_manifests
from .rules import alert_summaries, prometheus_rule
from .spec import (
    ALERTMANAGER_PORT,
    CHART_NAME,
    GRAFANA_PORT,
    PROMETHEUS_PORT,
    MonitoringSpec,
)
from .values import chart_values

MANAGED_BY = "agentic-k8s"


@dataclass(frozen=True)
class DesiredState:
    """Everything the monitoring agent renders or applies for one cluster."""

    spec: MonitoringSpec
    values: dict[str, Any]
    manifests: list[dict[str, Any]]
    """Our own objects, in apply order (Namespace first, custom resources last)."""
    gitops: list[dict[str, Any]]
    alerts: list[dict[str, str]]
    dashboards: list[str]
    endpoints: dict[str, dict[str, Any]]

    @property
    def chart(self) -> dict[str, str]:
        return {"name": CHART_NAME, "repo": self.spec.chart_repo, "version": self.spec.chart_version}


def common_labels(spec: MonitoringSpec) -> dict[str, str]:
    return {
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/part-of": "agentic-k8s-monitoring",
        "release": spec.release_name,
    }


def desired_state(spec: MonitoringSpec) -> DesiredState:
    labels = common_labels(spec)
    values = chart_values(spec)
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": spec.namespace, "labels": labels},
    }
    manifests = [
        namespace,
        *rbac_manifests(spec, labels),
        *dashboard_configmaps(spec, labels),
        prometheus_rule(spec, labels),
    ]
    return DesiredState(
        spec=spec,
        values=values,
        manifests=manifests,
        gitops=[*argocd_applications(spec, values), *flux_objects(spec, values)],
        alerts=alert_summaries(spec),
        dashboards=dashboard_titles(),
        endpoints=monitoring_endpoints(spec),
    )


def monitoring_endpoints(spec: MonitoringSpec) -> dict[str, dict[str, Any]]:
    """The in-cluster Services of Prometheus, Alertmanager and Grafana (the validation agent's targets)."""
    services = {
        "prometheus": (spec.prometheus_service, PROMETHEUS_PORT),
        "alertmanager": (spec.alertmanager_service, ALERTMANAGER_PORT),
        "grafana": (spec.grafana_service, GRAFANA_PORT),
    }
    return {
        name: {
            "service": service,
            "namespace": spec.namespace,
            "port": port,
            "url": f"http://{service}.{spec.namespace}.svc:{port}",
        }
        for name, (service, port) in services.items()
    }
