"""The kube-prometheus-stack values, generated from the spec (no secret ever goes in here)."""

from __future__ import annotations

from typing import Any

from .spec import (
    DASHBOARD_LABEL,
    GRAFANA_ADMIN_PASSWORD_KEY,
    GRAFANA_ADMIN_USER_KEY,
    MonitoringSpec,
)

RETENTION_SIZE_RATIO = 0.9
"""Prometheus deletes old blocks at 90% of its volume, before the disk fills."""
PUSHGATEWAY_JOB = "agentic-k8s-pushgateway"


def chart_values(spec: MonitoringSpec) -> dict[str, Any]:
    """The values file of the chart for this spec."""
    values: dict[str, Any] = {
        "fullnameOverride": spec.release_name,
        "prometheus": {"prometheusSpec": _prometheus_spec(spec)},
        "alertmanager": {"alertmanagerSpec": {"retention": "120h"}},
        "grafana": _grafana(spec),
        "defaultRules": {"create": True, "rules": _default_rule_switches(spec)},
    }
    if not spec.control_plane_scraped:
        values.update({component: {"enabled": False} for component in _CONTROL_PLANE_COMPONENTS})
    return values


_CONTROL_PLANE_COMPONENTS = ("kubeEtcd", "kubeControllerManager", "kubeScheduler")
_CONTROL_PLANE_RULE_GROUPS = (
    "etcd",
    "kubeControllerManager",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
)


def _default_rule_switches(spec: MonitoringSpec) -> dict[str, bool]:
    """Unscraped etcd, controller-manager and scheduler would make their alerts fire forever."""
    return {group: spec.control_plane_scraped for group in _CONTROL_PLANE_RULE_GROUPS}


def _prometheus_spec(spec: MonitoringSpec) -> dict[str, Any]:
    volume_spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": f"{spec.storage_gib}Gi"}},
    }
    if spec.storage_class:
        volume_spec["storageClassName"] = spec.storage_class
    prometheus: dict[str, Any] = {
        "retention": f"{spec.retention_days}d",
        "retentionSize": f"{int(spec.storage_gib * RETENTION_SIZE_RATIO * 1024)}MiB",
        "resources": {
            "requests": {"cpu": spec.prometheus_cpu_request, "memory": spec.prometheus_memory_request}
        },
        "storageSpec": {"volumeClaimTemplate": {"spec": volume_spec}},
        "serviceMonitorSelectorNilUsesHelmValues": False,
        "podMonitorSelectorNilUsesHelmValues": False,
        "ruleSelectorNilUsesHelmValues": False,
        "probeSelectorNilUsesHelmValues": False,
    }
    if spec.cluster_key:
        prometheus["externalLabels"] = {"cluster": spec.cluster_key}
    if spec.pushgateway_target:
        prometheus["additionalScrapeConfigs"] = [
            {
                "job_name": PUSHGATEWAY_JOB,
                "honor_labels": True,
                "static_configs": [{"targets": [spec.pushgateway_target]}],
            }
        ]
    return prometheus


def _grafana(spec: MonitoringSpec) -> dict[str, Any]:
    return {
        "fullnameOverride": spec.grafana_service,
        "admin": {
            "existingSecret": spec.grafana_admin_secret,
            "userKey": GRAFANA_ADMIN_USER_KEY,
            "passwordKey": GRAFANA_ADMIN_PASSWORD_KEY,
        },
        "sidecar": {
            "dashboards": {
                "enabled": True,
                "label": DASHBOARD_LABEL,
                "labelValue": "1",
                "searchNamespace": spec.namespace,
            }
        },
    }
