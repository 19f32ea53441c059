"""The static checks, for runs where no cluster is reachable (sandbox, render-only, check mode):
the rendered manifests through the monitoring agent's validator, and the plan against what
provisioning reported."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError
from ..common.requirements import requirement
from ..monitoring.validate import DEFAULT_KUBERNETES_VERSION, validate_manifests
from .models import Finding, Severity
from .nodes import minor_version

with requirement("PyYAML"):
    import yaml

MANIFESTS_CHECK = "manifests"
PLAN_CHECK = "plan"
VERSION_OUTPUTS = ("kubernetes_version", "cluster_version", "version")
REGION_OUTPUTS = ("region", "location")
NODE_COUNT_OUTPUTS = ("node_count", "desired_nodes", "desired_size")
MANIFEST_SUFFIXES = (".yml", ".yaml", ".json")


def planned_node_count(plan: dict[str, Any]) -> int | None:
    """The sum of the node groups' ``desired_size`` (None without a plan or node groups)."""
    groups = plan.get("node_groups") or []
    if not groups:
        return None
    return sum(int(group.get("desired_size") or 0) for group in groups)


def check_manifests(
    manifests: Iterable[dict[str, Any]], kubernetes_version: str | None = None
) -> list[Finding]:
    """The monitoring agent's validator on the rendered manifests: errors are critical."""
    version = minor_version(kubernetes_version or "") or DEFAULT_KUBERNETES_VERSION
    return [
        Finding(
            check=MANIFESTS_CHECK,
            severity=Severity.CRITICAL if result.severity == "error" else Severity.WARNING,
            message=f"{result.ref}: {result.message}",
            evidence={"object": result.ref, "field": result.path},
            fix="Fix the monitoring agent's inputs or templates that render this object, then re-render.",
        )
        for result in validate_manifests(manifests, version)
    ]


def load_manifests(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every YAML document of the given files, or of the ``*.yml``/``*.yaml``/``*.json`` in folders."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise AgenticError(f"manifests: {path} does not exist", path=str(path))
    documents = []
    for file in files:
        try:
            documents += [doc for doc in yaml.safe_load_all(file.read_text(encoding="utf-8")) if doc]
        except yaml.YAMLError as error:
            raise AgenticError(f"manifests: {file} is not valid YAML: {error}", path=str(file)) from error
    return [item for document in documents for item in _list_items(document)]


def _list_items(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and document.get("kind", "").endswith("List") and "items" in document:
        return [item for item in document["items"] if isinstance(item, dict)]
    return [document] if isinstance(document, dict) else []


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
