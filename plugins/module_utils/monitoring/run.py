"""The monitoring agent's one entry point: build, validate, render and (mode=apply) apply the
stack, returning the ``agentic_monitoring`` result (docs/contracts.md)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

from ..common.errors import AgenticError, InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError
from ..common.runner import run_command
from ..kube.client import KubeClient, KubeError
from .apply import ApplyOutcome, apply_stack
from .helm import HelmTarget
from .render import (
    FileChange,
    RenderedFiles,
    pending_changes,
    rendered_files,
    stale_files,
    to_yaml,
    write_changes,
)
from .rules import rule_groups
from .spec import MonitoringSpec, input_error
from .stack import DesiredState, desired_state
from .validate import validate_manifests

PROMTOOL_TIMEOUT_S = 60.0


class MonitoringRequest(BaseModel):
    """How to run: the mode, where files go, which cluster, check and diff mode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["render", "apply"] = "render"
    dest: str = Field(min_length=1)
    kubeconfig_path: str = ""
    kube_context: str = ""
    check_mode: bool = False
    diff: bool = False
    helm_timeout_s: int = Field(600, ge=30, le=7200)
    api_timeout_s: float = Field(30.0, gt=0, le=600)


_REQUEST_ALLOWED = {
    "mode": "render, apply",
    "dest": "a folder path",
    "helm_timeout_s": "an integer from 30 to 7200 (seconds)",
    "api_timeout_s": "a number of seconds above 0, at most 600",
}


def build_request(**options: Any) -> MonitoringRequest:
    """The request from module options; bad input raises InputError naming the field."""
    try:
        return MonitoringRequest(**options)
    except ValidationError as error:
        raise input_error(error, options, _REQUEST_ALLOWED) from error


def run_monitoring(spec: MonitoringSpec, request: MonitoringRequest) -> dict[str, Any]:
    desired = desired_state(spec)
    logs = [f"desired state: {len(desired.manifests)} manifests, {len(desired.alerts)} curated alerts"]
    logs += _validate(desired)
    rendered = rendered_files(desired, Path(request.dest))
    changes, stale = pending_changes(rendered), stale_files(rendered)
    if not request.check_mode:
        write_changes(changes)
        for path in stale:
            path.unlink()
    logs.append(_files_log(rendered, len(changes), len(stale), request.check_mode))
    outcome, reachable = _cluster_step(desired, rendered, request, logs)
    result: dict[str, Any] = {
        "changed": bool(changes or stale) or (outcome is not None and outcome.changed),
        "mode": request.mode,
        "namespace": spec.namespace,
        "chart": desired.chart,
        "values_file": str(rendered.values_file),
        "manifests_dir": str(rendered.manifests_dir),
        "manifests": rendered.manifest_paths,
        "gitops_dir": str(rendered.gitops_dir),
        "applied": outcome is not None and not request.check_mode,
        "cluster_reachable": reachable,
        "endpoints": desired.endpoints,
        "alerts": desired.alerts,
        "dashboards": desired.dashboards,
        "objects": [{"ref": c.ref, "action": c.action} for c in outcome.objects] if outcome else [],
        "helm": outcome.helm if outcome else {},
        "logs": logs + (outcome.logs if outcome else []),
    }
    if request.check_mode:
        result["rendered_manifests"] = desired.manifests
        result["rendered_values"] = desired.values
    if request.diff:
        result["diff"] = _diffs(changes, desired, outcome)
    return result


def _validate(desired: DesiredState) -> list[str]:
    findings = validate_manifests([*desired.manifests, *desired.gitops], desired.spec.kubernetes_version)
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        raise AgenticError(
            f"{len(errors)} rendered manifests are invalid: "
            + "; ".join(f"{e.ref} {e.path}: {e.message}" for e in errors[:5]),
            findings=[finding.model_dump() for finding in findings],
        )
    logs = [f"validated {len(desired.manifests) + len(desired.gitops)} manifests ({len(findings)} warnings)"]
    return [*logs, _check_rules(desired.spec)]


def _check_rules(spec: MonitoringSpec) -> str:
    """``promtool check rules`` on the curated rules when promtool is on PATH."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return "promtool not on PATH: rules checked against the operator model only"
    with tempfile.TemporaryDirectory(prefix="agentic-rules-") as folder:
        rules_file = Path(folder) / "rules.yaml"
        rules_file.write_text(to_yaml({"groups": rule_groups(spec)}))
        result = run_command([promtool, "check", "rules", str(rules_file)], timeout_s=PROMTOOL_TIMEOUT_S)
    if result.rc != 0:
        raise AgenticError(f"promtool check rules failed: {result.stderr.strip() or result.stdout.strip()}")
    return "promtool check rules: SUCCESS"


def _files_log(rendered: RenderedFiles, changed: int, stale: int, check: bool) -> str:
    verb = "would write" if check else "wrote"
    return f"{verb} {changed} of {len(rendered.files)} files under {rendered.values_file.parent}" + (
        f", {stale} stale removed" if stale and not check else ""
    )


def _cluster_step(
    desired: DesiredState, rendered: RenderedFiles, request: MonitoringRequest, logs: list[str]
) -> tuple[ApplyOutcome | None, bool]:
    if request.mode == "render":
        logs.append("mode=render: nothing applied to a cluster")
        return None, False
    if not request.kubeconfig_path:
        raise InputError("kubeconfig_path", "", "the path of a kubeconfig file (required with mode=apply)")
    kube = _connect(request)
    if kube is None:
        logs.append("no Kubernetes API reachable: rendered in memory only, no server dry-run")
        return None, False
    spec = desired.spec
    target = HelmTarget(
        release=spec.release_name,
        namespace=spec.namespace,
        chart_repo=spec.chart_repo,
        chart_version=spec.chart_version,
        kubeconfig_path=request.kubeconfig_path,
        context=request.kube_context,
        timeout_s=request.helm_timeout_s,
    )
    with kube:
        outcome = apply_stack(desired, kube, target, rendered.values_file, check=request.check_mode)
    if request.check_mode:
        logs.append("check mode: server dry-run against the reachable cluster")
    return outcome, True


def _connect(request: MonitoringRequest) -> KubeClient | None:
    """A client of a reachable API; in check mode None when there is none (the kubeconfig of a
    cluster that is only planned may not exist yet), otherwise an error saying what to do."""
    try:
        kube = KubeClient(request.kubeconfig_path, request.kube_context, timeout_s=request.api_timeout_s)
    except KubeError:
        if request.check_mode:
            return None
        raise
    if kube.reachable():
        return kube
    kube.close()
    if request.check_mode:
        return None
    raise AgenticError(
        f"the Kubernetes API of {request.kubeconfig_path} is not reachable; mode=apply needs a "
        "cluster (use mode=render to only render and validate)",
        kubeconfig_path=request.kubeconfig_path,
    )


def _diffs(
    changes: list[FileChange], desired: DesiredState, outcome: ApplyOutcome | None
) -> list[dict[str, str]]:
    diffs = [
        {"before_header": str(c.path), "after_header": str(c.path), "before": c.before, "after": c.after}
        for c in changes
    ]
    if outcome is None:
        return diffs
    if outcome.helm.get("action") != "unchanged":
        diffs.append(
            {
                "before_header": f"helm values {outcome.helm.get('release')} (deployed)",
                "after_header": f"helm values {outcome.helm.get('release')} (desired)",
                "before": to_yaml(outcome.helm_values_before) if outcome.helm_values_before else "",
                "after": to_yaml(desired.values),
            }
        )
    diffs += [
        {
            "before_header": f"{change.ref} (live)",
            "after_header": f"{change.ref} (desired)",
            "before": to_yaml(change.before) if change.before else "",
            "after": to_yaml(change.after) if change.after else "",
        }
        for change in outcome.objects
        if change.changed
    ]
    return diffs
