"""The inputs of the monitoring agent (a pydantic model at the package's edge) and the constants
of the stack it builds (chart, names, ports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, field_validator

CHART_NAME = "kube-prometheus-stack"
CHART_REPO = "https://prometheus-community.github.io/helm-charts"
CHART_VERSION = "83.7.0"
MANAGED_PLATFORMS = frozenset({"eks", "aks", "gke"})
PLATFORMS = ("eks", "k3s", "aks", "gke")
DASHBOARD_LABEL = "grafana_dashboard"
GRAFANA_ADMIN_USER_KEY = "admin-user"
GRAFANA_ADMIN_PASSWORD_KEY = "admin-password"
PROMETHEUS_PORT = 9090
ALERTMANAGER_PORT = 9093
GRAFANA_PORT = 80
OPERATOR_CRDS = ("prometheusrules.monitoring.coreos.com", "servicemonitors.monitoring.coreos.com")

DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
CPU_QUANTITY = r"^[0-9]+(\.[0-9]+)?m?$"
MEMORY_QUANTITY = r"^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$"

_ALLOWED = {
    "platform": ", ".join(PLATFORMS),
    "namespace": "a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
    "release_name": "a DNS-1123 label of at most 53 characters",
    "grafana_admin_secret": "a DNS-1123 label",
    "retention_days": "an integer from 1 to 3650",
    "storage_gib": "an integer from 1 to 65536",
    "prometheus_cpu_request": "a CPU quantity such as 500m or 2",
    "prometheus_memory_request": "a memory quantity such as 2Gi or 512Mi",
    "runbook_base_url": "an http(s) or file URL",
    "chart_repo": "the http(s) URL of a Helm chart repository (OCI registries are not supported)",
    "pushgateway_target": "empty or host:port",
    "gitops_repo_url": "empty or a Git URL",
    "kubernetes_version": "a Kubernetes version such as 1.31",
}


class MonitoringSpec(BaseModel):
    """What the monitoring stack is built from: the platform, the plan's sizing, the names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: Literal["eks", "k3s", "aks", "gke"]
    cluster_key: str = ""
    namespace: str = Field("monitoring", pattern=DNS_LABEL)
    release_name: str = Field(CHART_NAME, pattern=DNS_LABEL, max_length=53)
    chart_version: str = Field(CHART_VERSION, min_length=1)
    chart_repo: str = Field(CHART_REPO, pattern=r"^https?://")
    retention_days: int = Field(15, ge=1, le=3650)
    storage_gib: int = Field(50, ge=1, le=65536)
    prometheus_cpu_request: str = Field("500m", pattern=CPU_QUANTITY)
    prometheus_memory_request: str = Field("2Gi", pattern=MEMORY_QUANTITY)
    storage_class: str = ""
    runbook_base_url: str = Field("https://example.invalid/RUNBOOK.md", pattern=r"^(https?|file)://")
    grafana_admin_secret: str = Field("agentic-grafana-admin", pattern=DNS_LABEL)
    pushgateway_target: str = Field("", pattern=r"^$|^[A-Za-z0-9.\-]+:[0-9]{1,5}$")
    gitops_repo_url: str = Field("", pattern=r"^$|^(https://|ssh://|git@)")
    gitops_path: str = "monitoring"
    gitops_revision: str = "main"
    scrape_control_plane: bool = False
    """k3s only: scrape etcd, controller-manager and scheduler (k3s binds their metrics to 127.0.0.1
    unless its server runs with ``bind-address=0.0.0.0`` arguments, so they are off by default)."""
    kubernetes_version: str = Field("1.31", pattern=r"^v?1\.[0-9]+(\.[0-9]+)?$")

    @field_validator("prometheus_cpu_request", "prometheus_memory_request", mode="before")
    @classmethod
    def _quantity_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @property
    def managed_control_plane(self) -> bool:
        return self.platform in MANAGED_PLATFORMS

    @property
    def control_plane_scraped(self) -> bool:
        """Managed control planes (eks, aks, gke) can never be scraped; k3s when asked to."""
        return self.scrape_control_plane and not self.managed_control_plane

    @property
    def prometheus_service(self) -> str:
        return f"{self.release_name}-prometheus"

    @property
    def alertmanager_service(self) -> str:
        return f"{self.release_name}-alertmanager"

    @property
    def grafana_service(self) -> str:
        return f"{self.release_name}-grafana"


PLAN_SIZING_FIELDS = (
    "retention_days",
    "storage_gib",
    "prometheus_cpu_request",
    "prometheus_memory_request",
)


def build_spec(params: Mapping[str, Any], plan: Mapping[str, Any] | None = None) -> MonitoringSpec:
    """The spec from options, the plan's ``monitoring`` sizing filling what options leave empty.

    Bad input raises InputError naming the field and the allowed values.
    """
    sizing = dict((plan or {}).get("monitoring") or {})
    values: dict[str, Any] = {key: sizing[key] for key in PLAN_SIZING_FIELDS if sizing.get(key) is not None}
    if plan and plan.get("kubernetes_version"):
        values["kubernetes_version"] = str(plan["kubernetes_version"])
    values.update({key: value for key, value in params.items() if value is not None and value != ""})
    try:
        return MonitoringSpec(**values)
    except ValidationError as error:
        raise input_error(error, values, _ALLOWED) from error


def input_error(error: ValidationError, values: Mapping[str, Any], allowed: Mapping[str, str]) -> InputError:
    """The first problem of a pydantic error as an InputError naming the field and what is allowed."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    return InputError(field, values.get(field), allowed.get(field, first["msg"]))
