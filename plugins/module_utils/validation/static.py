"""The static checks, for runs where no cluster is reachable (sandbox, render-only, check mode):
the rendered manifests through the monitoring agent's validator, and the plan against what
provisioning reported."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Finding, Severity
from .nodes import minor_version

MANIFESTS_CHECK = "manifests"
PLAN_CHECK = "plan"
VERSION_OUTPUTS = ("kubernetes_version", "cluster_version", "version")
REGION_OUTPUTS = ("region", "location")
NODE_COUNT_OUTPUTS = ("node_count", "desired_nodes", "desired_size")


def planned_node_count(plan: dict[str, Any]) -> int | None:
    """The sum of the node groups' ``desired_size`` (None without a plan or node groups)."""
    groups = plan.get("node_groups") or []
    if not groups:
        return None
    return sum(int(group.get("desired_size") or 0) for group in groups)


def manifest_findings(results: Iterable[Any]) -> list[Finding]:
    """The monitoring validator's ``ManifestFinding``s (or dicts of them) as validation findings."""
    findings = []
    for result in results:
        data = result.model_dump() if hasattr(result, "model_dump") else dict(result)
        severity = str(data.get("severity", "critical")).lower()
        subject = "/".join(str(data[k]) for k in ("kind", "namespace", "name") if data.get(k))
        findings.append(
            Finding(
                check=MANIFESTS_CHECK,
                severity=Severity(severity) if severity in set(Severity) else Severity.CRITICAL,
                message=f"{subject or 'manifest'}: {data.get('message', '')}",
                evidence={key: value for key, value in data.items() if key != "message"},
                fix="Fix the monitoring agent's inputs or templates that render this object, then re-render.",
            )
        )
    return findings


def check_plan_against_infra(plan: dict[str, Any], infra: dict[str, Any]) -> list[Finding]:
    """What provisioning reported agrees with the plan: platform, region, version, node count."""
    if not infra:
        return [
            _plan_finding(
                Severity.WARNING,
                "No provisioning outputs (agentic_infra) to compare with the plan",
                {},
                "Run the provisioning phase first, or pass agentic_infra.",
            )
        ]
    outputs = infra.get("outputs") or {}
    findings = []
    if plan.get("platform") and infra.get("platform") and plan["platform"] != infra["platform"]:
        findings.append(
            _plan_finding(
                Severity.CRITICAL,
                f"Provisioned platform {infra['platform']} differs from the planned {plan['platform']}",
                {"planned": plan["platform"], "provisioned": infra["platform"]},
                "Re-run with the platform the plan was made for, or replan (replan=true).",
            )
        )
    findings += _compare_output(plan.get("region"), _first(outputs, REGION_OUTPUTS), "region", str)
    findings += _compare_output(
        plan.get("kubernetes_version"), _first(outputs, VERSION_OUTPUTS), "Kubernetes version", minor_version
    )
    count = _first(outputs, NODE_COUNT_OUTPUTS)
    findings += _compare_output(planned_node_count(plan), count, "node count", _as_int)
    if not infra.get("resources"):
        findings.append(
            _plan_finding(
                Severity.WARNING,
                "Provisioning reported no resources",
                {"terraform_dir": infra.get("terraform_dir", "")},
                "Check the Terraform state of the cluster (terraform state list in terraform_dir).",
            )
        )
    return findings


def _first(outputs: dict[str, Any], keys: Iterable[str]) -> Any:
    return next((outputs[key] for key in keys if outputs.get(key) not in (None, "")), None)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _compare_output(planned: Any, provisioned: Any, what: str, normalise) -> list[Finding]:
    if planned in (None, "") or provisioned in (None, ""):
        return []
    if normalise(planned) == normalise(provisioned):
        return []
    return [
        _plan_finding(
            Severity.WARNING,
            f"Provisioned {what} {provisioned} differs from the planned {planned}",
            {"what": what, "planned": planned, "provisioned": provisioned},
            "Compare the Terraform variables with the plan; a manual change or a stale state "
            "explains most drifts.",
        )
    ]


def _plan_finding(severity: Severity, message: str, evidence: dict[str, Any], fix: str) -> Finding:
    return Finding(check=PLAN_CHECK, severity=severity, message=message, evidence=evidence, fix=fix)
