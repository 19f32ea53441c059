"""The nodes check, over the raw JSON of ``GET /api/v1/nodes`` items."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from .models import Finding, Severity

CHECK = "nodes"
PRESSURE_CONDITIONS = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
_MINOR_VERSION = re.compile(r"^v?(\d+)\.(\d+)")


def node_name(node: dict[str, Any]) -> str:
    return node.get("metadata", {}).get("name", "<unnamed>")


def conditions_by_type(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c.get("type", ""): c for c in obj.get("status", {}).get("conditions") or []}


def kubelet_version(node: dict[str, Any]) -> str:
    return node.get("status", {}).get("nodeInfo", {}).get("kubeletVersion", "")


def minor_version(version: str) -> str | None:
    """``v1.30.4-eks-a737599`` -> ``1.30``."""
    match = _MINOR_VERSION.match(version or "")
    return f"{match[1]}.{match[2]}" if match else None


def check_nodes(
    nodes: list[dict[str, Any]],
    expected_count: int | None = None,
    expected_version: str | None = None,
) -> list[Finding]:
    """Every node Ready, none under pressure, the count the plan asked for, one kubelet version."""
    findings = [finding for node in nodes for finding in _node_findings(node)]
    findings += _count_findings(len(nodes), expected_count)
    findings += _version_findings(nodes, expected_version)
    return findings


def _node_findings(node: dict[str, Any]) -> list[Finding]:
    name = node_name(node)
    conditions = conditions_by_type(node)
    ready = conditions.get("Ready", {})
    findings = []
    if ready.get("status") != "True":
        findings.append(
            Finding(
                check=CHECK,
                severity=Severity.CRITICAL,
                message=f"Node {name} is NotReady",
                evidence={
                    "node": name,
                    "ready": ready.get("status", "Unknown"),
                    "reason": ready.get("reason", ""),
                    "detail": ready.get("message", ""),
                    "since": ready.get("lastTransitionTime", ""),
                },
                fix=f"Inspect the kubelet on {name} (journalctl -u kubelet) and its network; "
                "replace the node if it does not recover.",
            )
        )
    for condition_type in PRESSURE_CONDITIONS:
        condition = conditions.get(condition_type, {})
        if condition.get("status") == "True":
            findings.append(
                Finding(
                    check=CHECK,
                    severity=Severity.WARNING,
                    message=f"Node {name} reports {condition_type}",
                    evidence={
                        "node": name,
                        "condition": condition_type,
                        "detail": condition.get("message", ""),
                    },
                    fix="Free or add capacity (evict heavy pods, grow the disk or the node group).",
                )
            )
    if node.get("spec", {}).get("unschedulable"):
        findings.append(
            Finding(
                check=CHECK,
                severity=Severity.INFO,
                message=f"Node {name} is cordoned",
                evidence={"node": name},
                fix=f"kubectl uncordon {name} once its maintenance is over.",
            )
        )
    return findings


def _count_findings(actual: int, expected: int | None) -> list[Finding]:
    if actual == 0:
        return [
            Finding(
                check=CHECK,
                severity=Severity.CRITICAL,
                message="The cluster has no nodes",
                evidence={"nodes": 0, "expected": expected},
                fix="Check the node groups' scaling and the nodes' bootstrap (cloud-init, IAM role, token).",
            )
        ]
    if expected is None or actual == expected:
        return []
    return [
        Finding(
            check=CHECK,
            severity=Severity.WARNING,
            message=f"{actual} nodes registered, the plan expects {expected}",
            evidence={"nodes": actual, "expected": expected},
            fix="Compare the node groups' desired sizes with the plan; nodes that failed to join "
            "show in the cloud console's instance list.",
        )
    ]


def _version_findings(nodes: list[dict[str, Any]], expected_version: str | None) -> list[Finding]:
    by_version: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        by_version[kubelet_version(node)].append(node_name(node))
    findings = []
    if len(by_version) > 1:
        findings.append(
            Finding(
                check=CHECK,
                severity=Severity.WARNING,
                message=f"Nodes run {len(by_version)} different kubelet versions",
                evidence={"versions": {version: sorted(names)[:10] for version, names in by_version.items()}},
                fix="Finish the node group upgrade so every kubelet runs the same version.",
            )
        )
    expected_minor = minor_version(expected_version or "")
    stray = sorted(v for v in by_version if expected_minor and minor_version(v) != expected_minor)
    if stray:
        findings.append(
            Finding(
                check=CHECK,
                severity=Severity.WARNING,
                message=f"Kubelet versions {', '.join(stray)} differ from the planned {expected_version}",
                evidence={"expected": expected_version, "found": stray},
                fix="Upgrade the node groups to the control plane's version.",
            )
        )
    return findings
