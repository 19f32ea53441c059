"""The networking check: CoreDNS ready, Services with ready endpoints, and an in-cluster probe
(a short-lived Job that resolves ``kubernetes.default`` and opens a TCP connection to a Service)."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from typing import Any

from ..kube.client import DEFAULT_FIELD_MANAGER
from .models import Finding, Severity
from .nodes import conditions_by_type

CHECK = "networking"
DNS_LABEL = ("k8s-app", "kube-dns")
PROBE_OK_MARKER = "agentic-probe-ok"
PROBE_LABEL = "agentic.k8s/probe"
CRITICAL_SERVICE_NAMESPACES = frozenset({"kube-system"})


def check_coredns(pods: Iterable[dict[str, Any]], namespace: str = "kube-system") -> list[Finding]:
    """At least one CoreDNS pod (label ``k8s-app=kube-dns``) Ready; all of them, ideally."""
    label, value = DNS_LABEL
    dns_pods = [
        p
        for p in pods
        if p.get("metadata", {}).get("namespace") == namespace
        and (p.get("metadata", {}).get("labels") or {}).get(label) == value
    ]
    ready = [p["metadata"].get("name", "") for p in dns_pods if _pod_ready(p)]
    evidence = {"namespace": namespace, "pods": len(dns_pods), "ready": len(ready)}
    if not dns_pods:
        return [
            Finding(
                check=CHECK,
                severity=Severity.CRITICAL,
                message=f"No CoreDNS pod (label {label}={value}) in {namespace}",
                evidence=evidence,
                fix="Install or restore the CoreDNS add-on (EKS: the coredns add-on; k3s: --disable coredns "
                "must not be set); in-cluster name resolution fails without it.",
            )
        ]
    if not ready:
        return [
            Finding(
                check=CHECK,
                severity=Severity.CRITICAL,
                message=f"None of the {len(dns_pods)} CoreDNS pods is Ready",
                evidence=evidence,
                fix="Read the CoreDNS pods' events and logs: kubectl -n kube-system logs -l k8s-app=kube-dns",
            )
        ]
    if len(ready) < len(dns_pods):
        return [
            Finding(
                check=CHECK,
                severity=Severity.WARNING,
                message=f"{len(ready)} of {len(dns_pods)} CoreDNS pods are Ready",
                evidence=evidence,
                fix="Read the events of the CoreDNS pods that are not Ready.",
            )
        ]
    return []


def _pod_ready(pod: dict[str, Any]) -> bool:
    return conditions_by_type(pod).get("Ready", {}).get("status") == "True"


def check_service_endpoints(
    services: Iterable[dict[str, Any]],
    endpoints: Iterable[dict[str, Any]],
    namespaces: Iterable[str],
) -> list[Finding]:
    """Every Service with a selector in ``namespaces`` has at least one ready endpoint address."""
    wanted = set(namespaces)
    ready_addresses = {
        (e.get("metadata", {}).get("namespace", ""), e.get("metadata", {}).get("name", "")): sum(
            len(subset.get("addresses") or []) for subset in e.get("subsets") or []
        )
        for e in endpoints
    }
    findings = []
    for service in services:
        metadata = service.get("metadata", {})
        key = (metadata.get("namespace", ""), metadata.get("name", ""))
        spec = service.get("spec", {})
        if key[0] not in wanted or not spec.get("selector") or spec.get("type") == "ExternalName":
            continue
        if ready_addresses.get(key, 0) == 0:
            findings.append(
                Finding(
                    check=CHECK,
                    severity=Severity.CRITICAL if key[0] in CRITICAL_SERVICE_NAMESPACES else Severity.WARNING,
                    message=f"Service {key[0]}/{key[1]} has no ready endpoints",
                    evidence={"namespace": key[0], "service": key[1], "selector": spec.get("selector")},
                    fix="No Ready pod matches the Service's selector: check the selector labels and the "
                    "pods' readiness.",
                )
            )
    return findings


def probe_job_manifest(
    name: str, namespace: str, image: str, *, service_host: str, service_port: int, timeout_s: int
) -> dict[str, Any]:
    """A Job that resolves ``kubernetes.default`` and connects to ``service_host:service_port``."""
    script = (
        "set -e; nslookup kubernetes.default; "
        f"nc -z -w {max(1, timeout_s // 2)} {shlex.quote(service_host)} {int(service_port)}; "
        f"echo {PROBE_OK_MARKER}"
    )
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {PROBE_LABEL: "dns", "app.kubernetes.io/managed-by": DEFAULT_FIELD_MANAGER},
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": timeout_s,
            "ttlSecondsAfterFinished": 60,
            "template": {
                "metadata": {"labels": {PROBE_LABEL: "dns"}},
                "spec": {
                    "restartPolicy": "Never",
                    "automountServiceAccountToken": False,
                    "containers": [
                        {
                            "name": "probe",
                            "image": image,
                            "command": ["sh", "-c", script],
                            "resources": {"limits": {"cpu": "100m", "memory": "32Mi"}},
                            "securityContext": {
                                "runAsNonRoot": True,
                                "runAsUser": 65534,
                                "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True,
                            },
                        }
                    ],
                },
            },
        },
    }


def job_finished(job: dict[str, Any]) -> bool:
    status = job.get("status", {})
    return bool(status.get("succeeded") or status.get("failed")) or any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
        for c in status.get("conditions") or []
    )


def check_probe_result(job: dict[str, Any] | None, log_text: str, service: str) -> list[Finding]:
    """The probe Job's outcome as findings: none when it printed its OK marker."""
    if job is not None and job.get("status", {}).get("succeeded") and PROBE_OK_MARKER in log_text:
        return []
    if job is None or not job_finished(job):
        message, fix = (
            "The DNS/Service probe Job did not finish before its deadline",
            "The probe pod could not start or hung: read its events (image pull, scheduling, "
            "admission policies).",
        )
    else:
        message, fix = (
            f"The in-cluster probe could not resolve kubernetes.default or reach {service}",
            "Check CoreDNS, kube-proxy (or the CNI's service implementation) and the NetworkPolicies.",
        )
    return [
        Finding(
            check=CHECK,
            severity=Severity.CRITICAL,
            message=message,
            evidence={
                "service": service,
                "job_status": (job or {}).get("status", {}),
                "log_tail": log_text.splitlines()[-20:],
            },
            fix=fix,
        )
    ]
