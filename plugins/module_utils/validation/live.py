"""The live checks: reads through the one Kubernetes client layer (raw JSON lists), then the pure
checks of this package. Each function here is one check: ``(client, settings) -> findings``."""

from __future__ import annotations

import secrets
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

from ..common.redact import redact_text
from ..kube.client import KubeClient, KubeError, KubeUnreachableError
from .endpoints import Fetch, HttpAnswer, check_endpoints, url_fetch
from .models import Finding
from .networking import (
    DNS_LABEL,
    check_coredns,
    check_probe_result,
    check_service_endpoints,
    job_finished,
    probe_job_manifest,
)
from .nodes import check_nodes
from .pods import PodDiagnostics, check_pods, crashing_container, events_by_pod, failing_pods, pod_key
from .security import check_cluster_admin_bindings, check_wildcard_rules
from .settings import ValidationSettings

RBAC = "rbac.authorization.k8s.io/v1"
MAX_PODS_WITH_EVIDENCE = 20
LOG_TAIL_LINES = 20
PROBE_POLL_S = 1.0
IN_CLUSTER_SUFFIXES = (".svc", ".svc.cluster.local")

LiveCheck = Callable[[KubeClient, ValidationSettings], list[Finding]]


def nodes_check(client: KubeClient, settings: ValidationSettings) -> list[Finding]:
    return check_nodes(client.list("v1", "Node"), settings.expected_nodes, settings.kubernetes_version)


def pods_check(client: KubeClient, settings: ValidationSettings) -> list[Finding]:
    """Failing pods of the system namespaces, with the events and log tails of the first ones."""
    pods = [pod for namespace in settings.namespaces for pod in client.list("v1", "Pod", namespace)]
    failing = failing_pods(pods, settings.namespaces, settings.restart_threshold)
    return check_pods(failing, _diagnostics(client, failing[:MAX_PODS_WITH_EVIDENCE]))


def _diagnostics(client: KubeClient, failing: list[tuple[dict[str, Any], list[Any]]]) -> PodDiagnostics:
    events: list[dict[str, Any]] = []
    logs: dict[tuple[str, str], str] = {}
    for pod, problems in failing:
        namespace, name = pod_key(pod)
        events += client.list("v1", "Event", namespace, field_selector=f"involvedObject.name={name}")
        container = crashing_container(problems)
        if container and pod.get("status", {}).get("containerStatuses"):
            logs[(namespace, name)] = _log_tail(client, name, namespace, container, problems)
    return PodDiagnostics(
        events=events_by_pod(events, [pod_key(failing_pod) for failing_pod, _problems in failing]), logs=logs
    )


def _log_tail(client: KubeClient, name: str, namespace: str, container: str, problems: list[Any]) -> str:
    previous = any(problem.kind in ("crashloop", "restarts") for problem in problems)
    try:
        text = client.pod_log(
            name, namespace, container=container, tail_lines=LOG_TAIL_LINES, previous=previous
        )
    except KubeError as error:
        return f"(log unavailable: {error.message})"
    return redact_text(text)


def networking_check(client: KubeClient, settings: ValidationSettings) -> list[Finding]:
    """CoreDNS, Services with endpoints, then (unless disabled) the in-cluster probe Job."""
    label, value = DNS_LABEL
    dns_pods = client.list("v1", "Pod", "kube-system", label_selector=f"{label}={value}")
    findings = check_coredns(dns_pods)
    services = [s for ns in settings.namespaces for s in client.list("v1", "Service", ns)]
    endpoints = [e for ns in settings.namespaces for e in client.list("v1", "Endpoints", ns)]
    findings += check_service_endpoints(services, endpoints, settings.namespaces)
    if settings.probe.enabled:
        findings += run_probe_job(client, settings)
    return findings


def run_probe_job(client: KubeClient, settings: ValidationSettings) -> list[Finding]:
    """Create the probe Job, wait for it (bounded), read its pod's log, delete it whatever happens."""
    probe = settings.probe
    name = f"agentic-probe-{secrets.token_hex(3)}"
    manifest = probe_job_manifest(
        name,
        probe.namespace,
        probe.image,
        service_host=probe.service_host,
        service_port=probe.service_port,
        timeout_s=int(probe.timeout_s),
    )
    target = f"{probe.service_host}:{probe.service_port}"
    try:
        client.apply(manifest)
        job = _wait_for_job(client, name, probe.namespace, probe.timeout_s)
        return check_probe_result(job, _job_log(client, name, probe.namespace), target)
    finally:
        _delete_probe(client, name, probe.namespace)


def _wait_for_job(client: KubeClient, name: str, namespace: str, timeout_s: float) -> dict[str, Any] | None:
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get("batch/v1", "Job", name, namespace)
        if job is not None and job_finished(job):
            return job
        if time.monotonic() >= deadline:
            return job
        time.sleep(PROBE_POLL_S)


def _job_log(client: KubeClient, name: str, namespace: str) -> str:
    pods = client.list("v1", "Pod", namespace, label_selector=f"job-name={name}")
    texts = []
    for pod in pods:
        try:
            texts.append(client.pod_log(pod["metadata"]["name"], namespace, tail_lines=LOG_TAIL_LINES))
        except KubeError as error:
            texts.append(f"(log unavailable: {error.message})")
    return "\n".join(texts)


def _delete_probe(client: KubeClient, name: str, namespace: str) -> None:
    client.delete("batch/v1", "Job", name, namespace)
    for pod in client.list("v1", "Pod", namespace, label_selector=f"job-name={name}"):
        client.delete("v1", "Pod", pod["metadata"]["name"], namespace)


def security_check(client: KubeClient, settings: ValidationSettings) -> list[Finding]:
    findings = check_cluster_admin_bindings(
        client.list(RBAC, "ClusterRoleBinding"), settings.creator_subjects
    )
    roles = client.list(RBAC, "ClusterRole") + client.list(RBAC, "Role")
    return findings + check_wildcard_rules(roles)


def endpoints_check(client: KubeClient | None, settings: ValidationSettings) -> list[Finding]:
    """Each endpoint through the API server's service proxy when its Service is known and its URL
    is missing or in-cluster (``*.svc``: not resolvable from the controller), else by its URL."""
    fetchers: dict[str, Fetch] = {}
    for name, endpoint in settings.endpoints.items():
        if client is not None and endpoint.service and (not endpoint.url or in_cluster_url(endpoint.url)):
            fetchers[name] = service_proxy_fetch(client, endpoint.namespace, endpoint.service, endpoint.port)
        elif endpoint.url:
            fetchers[name] = url_fetch(endpoint.url, settings.timeout_s)
    return check_endpoints(fetchers)


def in_cluster_url(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return host.endswith(IN_CLUSTER_SUFFIXES)


def service_proxy_fetch(client: KubeClient, namespace: str, service: str, port: int) -> Fetch:
    """A ``Fetch`` through ``/api/v1/namespaces/<ns>/services/<service>:<port>/proxy``."""
    prefix = f"/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy"

    def fetch(path: str) -> HttpAnswer:
        route, _separator, query = path.partition("?")
        try:
            body = client.request("GET", prefix + route, query=urllib.parse.parse_qsl(query), as_text=True)
        except KubeUnreachableError as error:
            return HttpAnswer(None, error=error.message)
        except KubeError as error:
            return HttpAnswer(error.status or None, body=error.message, error=error.message)
        return HttpAnswer(200, body)

    return fetch


LIVE_CHECKS: dict[str, LiveCheck] = {
    "nodes": nodes_check,
    "pods": pods_check,
    "endpoints": endpoints_check,
    "networking": networking_check,
    "security": security_check,
}
