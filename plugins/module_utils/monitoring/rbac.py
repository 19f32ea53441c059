"""Dedicated ServiceAccounts with least-privilege roles (no wildcard verb, resource or group).

- ``agentic-validator``: the read-only identity of ``cluster_validate`` (cluster-wide get/list/
  watch on what the checks read, and ``services/proxy`` get in the monitoring namespace to reach
  the Prometheus, Alertmanager and Grafana endpoints through the API server);
- ``agentic-monitoring-config``: maintains dashboards and rules in the monitoring namespace only.
"""

from __future__ import annotations

from typing import Any

from .spec import MonitoringSpec

VALIDATOR = "agentic-validator"
CONFIG_EDITOR = "agentic-monitoring-config"
READ = ["get", "list", "watch"]
EDIT = ["get", "list", "watch", "create", "update", "patch"]
RBAC_API = "rbac.authorization.k8s.io/v1"
SERVICE_PORT_NAME = "http-web"
"""The port name of the chart's Prometheus, Alertmanager and Grafana Services."""

VALIDATOR_CLUSTER_RULES: tuple[dict[str, Any], ...] = (
    {
        "apiGroups": [""],
        "resources": [
            "nodes",
            "namespaces",
            "pods",
            "pods/log",
            "events",
            "services",
            "endpoints",
            "persistentvolumeclaims",
            "serviceaccounts",
        ],
        "verbs": READ,
    },
    {
        "apiGroups": ["apps"],
        "resources": ["deployments", "daemonsets", "statefulsets", "replicasets"],
        "verbs": READ,
    },
    {"apiGroups": ["batch"], "resources": ["jobs"], "verbs": READ},
    {
        "apiGroups": ["rbac.authorization.k8s.io"],
        "resources": ["clusterroles", "clusterrolebindings", "roles", "rolebindings"],
        "verbs": READ,
    },
    {
        "apiGroups": ["monitoring.coreos.com"],
        "resources": ["prometheusrules", "servicemonitors", "podmonitors", "prometheuses", "alertmanagers"],
        "verbs": READ,
    },
    {"apiGroups": ["apiextensions.k8s.io"], "resources": ["customresourcedefinitions"], "verbs": READ},
)


def rbac_manifests(spec: MonitoringSpec, labels: dict[str, str]) -> list[dict[str, Any]]:
    namespace = spec.namespace
    return [
        _service_account(VALIDATOR, namespace, labels),
        {
            "apiVersion": RBAC_API,
            "kind": "ClusterRole",
            "metadata": {"name": f"{VALIDATOR}-read", "labels": labels},
            "rules": [dict(rule) for rule in VALIDATOR_CLUSTER_RULES],
        },
        _binding(
            "ClusterRoleBinding",
            f"{VALIDATOR}-read",
            "ClusterRole",
            account=VALIDATOR,
            namespace=namespace,
            labels=labels,
        ),
        {
            "apiVersion": RBAC_API,
            "kind": "Role",
            "metadata": {"name": f"{VALIDATOR}-endpoints", "namespace": namespace, "labels": labels},
            "rules": [
                {
                    "apiGroups": [""],
                    "resources": ["services/proxy"],
                    "resourceNames": _proxied_services(spec),
                    "verbs": ["get"],
                }
            ],
        },
        _binding(
            "RoleBinding",
            f"{VALIDATOR}-endpoints",
            "Role",
            account=VALIDATOR,
            namespace=namespace,
            labels=labels,
        ),
        _service_account(CONFIG_EDITOR, namespace, labels),
        {
            "apiVersion": RBAC_API,
            "kind": "Role",
            "metadata": {"name": CONFIG_EDITOR, "namespace": namespace, "labels": labels},
            "rules": [
                {"apiGroups": [""], "resources": ["configmaps"], "verbs": EDIT},
                {
                    "apiGroups": ["monitoring.coreos.com"],
                    "resources": ["prometheusrules", "servicemonitors", "podmonitors"],
                    "verbs": EDIT,
                },
            ],
        },
        _binding(
            "RoleBinding", CONFIG_EDITOR, "Role", account=CONFIG_EDITOR, namespace=namespace, labels=labels
        ),
    ]


def _proxied_services(spec: MonitoringSpec) -> list[str]:
    """Service names as the proxy URL names them: plain and ``<service>:<port name>``."""
    services = (spec.prometheus_service, spec.alertmanager_service, spec.grafana_service)
    return [*services, *(f"{service}:{SERVICE_PORT_NAME}" for service in services)]


def _service_account(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "automountServiceAccountToken": False,
    }


def _binding(
    kind: str, name: str, role_kind: str, *, account: str, namespace: str, labels: dict[str, str]
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "labels": labels}
    if kind == "RoleBinding":
        metadata["namespace"] = namespace
    return {
        "apiVersion": RBAC_API,
        "kind": kind,
        "metadata": metadata,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": name},
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": namespace}],
    }
