"""The pods check, over the raw JSON of pods, events and log tails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import Finding, Severity
from .nodes import conditions_by_type

CHECK = "pods"
CRASH_REASONS = frozenset({"CrashLoopBackOff", "RunContainerError", "OOMKilled", "Error"})
IMAGE_REASONS = frozenset({"ImagePullBackOff", "ErrImagePull", "InvalidImageName"})
CONFIG_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError"})
EVENTS_PER_POD = 5

PodKey = tuple[str, str]


@dataclass(frozen=True)
class PodProblem:
    """Why a pod is unhealthy: ``kind`` picks the severity and the fix."""

    kind: str
    detail: str
    container: str = ""


@dataclass
class PodDiagnostics:
    """The evidence fetched for the failing pods only: last events and log tails."""

    events: Mapping[PodKey, list[dict[str, Any]]] = field(default_factory=dict)
    logs: Mapping[PodKey, str] = field(default_factory=dict)


FIXES = {
    "crashloop": "Read the log lines below (kubectl logs --previous); fix the configuration or the "
    "resources (an OOMKilled container needs a higher memory limit).",
    "image": "Check the image name and tag, the registry's reachability from the nodes and the pull secret.",
    "config": "A referenced ConfigMap or Secret is missing or malformed: create it or fix the reference.",
    "pending": "Read the scheduler's events: add capacity, relax the node selector/affinity/tolerations "
    "or bind the PersistentVolumeClaim.",
    "failed": "Read the events and logs; delete the pod so its controller recreates it once fixed.",
    "unready": "The readiness probe fails: read the log lines and the probe's target.",
    "restarts": "The container restarts often: read its previous logs and its resource limits.",
}
SEVERITIES = {
    "crashloop": Severity.CRITICAL,
    "image": Severity.CRITICAL,
    "config": Severity.CRITICAL,
    "pending": Severity.CRITICAL,
    "failed": Severity.CRITICAL,
    "unready": Severity.WARNING,
    "restarts": Severity.WARNING,
}


def pod_key(pod: dict[str, Any]) -> PodKey:
    metadata = pod.get("metadata", {})
    return metadata.get("namespace", ""), metadata.get("name", "")


def pod_problems(pod: dict[str, Any], restart_threshold: int = 5) -> list[PodProblem]:
    """What is wrong with one pod; empty for a healthy Running or a Succeeded pod."""
    status = pod.get("status", {})
    phase = status.get("phase", "Unknown")
    if phase == "Succeeded":
        return []
    if phase == "Pending" and not status.get("containerStatuses"):
        scheduled = conditions_by_type(pod).get("PodScheduled", {})
        return [PodProblem("pending", scheduled.get("message") or scheduled.get("reason") or "not scheduled")]
    if phase == "Failed":
        return [PodProblem("failed", status.get("reason") or status.get("message") or "Failed")]
    problems = [p for c in _containers(status) for p in _container_problems(c, restart_threshold)]
    if phase == "Pending" and not problems:
        problems.append(PodProblem("pending", "containers not started"))
    ready = conditions_by_type(pod).get("Ready", {})
    if phase == "Running" and not problems and ready.get("status") != "True":
        problems.append(PodProblem("unready", ready.get("message") or "Ready condition is not True"))
    return problems


def _containers(status: dict[str, Any]) -> list[dict[str, Any]]:
    return list(status.get("initContainerStatuses") or []) + list(status.get("containerStatuses") or [])


def _container_problems(container: dict[str, Any], restart_threshold: int) -> list[PodProblem]:
    name = container.get("name", "")
    waiting = container.get("state", {}).get("waiting") or {}
    reason = waiting.get("reason", "")
    detail = f"{reason}: {waiting.get('message', '')}".rstrip(": ")
    if reason in CRASH_REASONS:
        return [PodProblem("crashloop", detail, name)]
    if reason in IMAGE_REASONS:
        return [PodProblem("image", detail, name)]
    if reason in CONFIG_REASONS:
        return [PodProblem("config", detail, name)]
    restarts = int(container.get("restartCount") or 0)
    if restarts >= restart_threshold:
        return [PodProblem("restarts", f"{restarts} restarts", name)]
    return []


def failing_pods(
    pods: Iterable[dict[str, Any]], namespaces: Iterable[str], restart_threshold: int = 5
) -> list[tuple[dict[str, Any], list[PodProblem]]]:
    """The pods of ``namespaces`` with at least one problem, with their problems."""
    wanted = set(namespaces)
    result = []
    for pod in pods:
        if pod_key(pod)[0] not in wanted:
            continue
        problems = pod_problems(pod, restart_threshold)
        if problems:
            result.append((pod, problems))
    return result


def events_by_pod(
    events: Iterable[dict[str, Any]], keys: Iterable[PodKey]
) -> dict[PodKey, list[dict[str, Any]]]:
    """The last ``EVENTS_PER_POD`` events of each pod in ``keys``, oldest first."""
    wanted = set(keys)
    grouped: dict[PodKey, list[dict[str, Any]]] = {}
    for event in events:
        involved = event.get("involvedObject") or event.get("regarding") or {}
        key = (involved.get("namespace", ""), involved.get("name", ""))
        if involved.get("kind") == "Pod" and key in wanted:
            grouped.setdefault(key, []).append(event)
    return {key: sorted(found, key=_event_time)[-EVENTS_PER_POD:] for key, found in grouped.items()}


def _event_time(event: dict[str, Any]) -> str:
    return event.get("lastTimestamp") or event.get("eventTime") or event.get("firstTimestamp") or ""


def check_pods(
    failing: list[tuple[dict[str, Any], list[PodProblem]]],
    diagnostics: PodDiagnostics | None = None,
) -> list[Finding]:
    """One finding per failing pod, its most severe problem first, with events and log lines."""
    diagnostics = diagnostics or PodDiagnostics()
    findings = []
    for pod, problems in failing:
        key = pod_key(pod)
        worst = min(problems, key=lambda p: list(SEVERITIES).index(p.kind))
        findings.append(
            Finding(
                check=CHECK,
                severity=SEVERITIES[worst.kind],
                message=f"Pod {key[0]}/{key[1]}: {worst.detail}",
                evidence={
                    "namespace": key[0],
                    "pod": key[1],
                    "phase": pod.get("status", {}).get("phase", "Unknown"),
                    "node": pod.get("spec", {}).get("nodeName", ""),
                    "problems": [
                        {"kind": p.kind, "container": p.container, "detail": p.detail} for p in problems
                    ],
                    "restarts": sum(
                        int(c.get("restartCount") or 0) for c in _containers(pod.get("status", {}))
                    ),
                    "events": [_event_summary(e) for e in diagnostics.events.get(key, [])],
                    "log_tail": diagnostics.logs.get(key, "").splitlines(),
                },
                fix=FIXES[worst.kind],
            )
        )
    return findings


def crashing_container(problems: list[PodProblem]) -> str | None:
    """The container whose logs explain the problems (the first one named), if any."""
    return next((p.container for p in problems if p.container), None)


def _event_summary(event: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": event.get("type", ""),
        "reason": event.get("reason", ""),
        "message": event.get("message") or event.get("note", ""),
        "count": event.get("count") or 1,
        "time": _event_time(event),
    }
