"""``tf_provision``'s one entry point: render, init, plan, apply (or destroy), read outputs.

The state belongs to the cluster (``clusters/<key>/terraform``), so every workflow for one
cluster plans against the same state; a second run with unchanged inputs applies nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError
from ..common.events import write_event
from ..common.home import ClusterPaths, atomic_write_text, cluster_paths, write_secret_file
from ..common.runner import CommandResult
from ..llm.settings import LLMSettings
from ..sandbox import emulator
from . import parse, render, tfvars
from .cli import PLAN_HAS_CHANGES, PLAN_NO_CHANGES, TerraformCLI
from .credentials import eks_kubeconfig, k3s_credentials, k3s_kubeconfig
from .diagnosis import diagnose
from .models import Diagnostic, PlanSummary, ProvisionRequest

AGENT = "infrastructure"
KUBECONFIG_FILE = "kubeconfig"
SANDBOX_S3_BACKEND = {
    "use_path_style": True,
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_region_validation": True,
    "skip_metadata_api_check": True,
}


class TerraformError(AgenticError):
    """A Terraform command failed; ``details`` carry the structured diagnostics."""


class StateLockedError(TerraformError):
    """Another run (live or killed) holds the state lock."""


@dataclass
class Progress:
    """Lines for the result's ``logs`` and, when a workflow is given, its ``events.jsonl``."""

    events_path: Path | None
    workflow_id: str
    logs: list[str] = field(default_factory=list)

    def note(self, message: str, level: str = "INFO", **extra: Any) -> None:
        self.logs.append(message)
        if self.events_path is not None:
            write_event(self.events_path, self.workflow_id, AGENT, message, level=level, **extra)


def provision(
    request: ProvisionRequest,
    *,
    check_mode: bool = False,
    diff: bool = False,
    llm_settings: LLMSettings | None = None,
) -> dict[str, Any]:
    """Make the cluster's infrastructure match ``request`` (or plan it only); the ``agentic_infra`` fact.

    With ``llm_settings``, a Terraform failure (not a held lock) gets an advisory LLM diagnosis."""
    paths = cluster_paths(request.home, request.cluster_key)
    if request.sandbox:
        request = request.model_copy(
            update={"sandbox_endpoint": emulator.ensure_emulator(request.home).endpoint}
        )
    progress = Progress(request.events_path, request.workflow_id)
    variables = input_variables(request, paths)
    workdir = render.prepare(request, paths.terraform, variables)
    cli = TerraformCLI(
        workdir.path, workdir.cli_config, request.timeout_s, request.terraform_binary, sandbox_env(request)
    )
    run = TerraformRun(request, cli, progress)
    if request.sandbox and request.state == "present" and not check_mode:
        emulator.register_cluster(request.home, request.cluster_key)
    existed: bool | None = None
    try:
        run.init(workdir)
        state_before = run.pull_state()
        existed = first_state_answer(request, bool(parse.resources_from_state(state_before)), check_mode)
        outcome = run.converge(paths, check_mode=check_mode, diff=diff)
    except AgenticError as error:
        error.details.setdefault("logs", progress.logs)
        if existed is not None:
            error.details["state_existed_before"] = existed
        if (
            llm_settings is not None
            and isinstance(error, TerraformError)
            and not isinstance(error, StateLockedError)
        ):
            error.details.update(diagnose(llm_settings, error))
        raise
    state_after = state_before if not outcome["applied"] else run.pull_state()
    result = describe(request, paths, state_after, {**outcome, "existed": existed}, progress)
    if request.sandbox and request.state == "absent" and not check_mode and not result["resources"]:
        _release_sandbox(request, progress)
    return result


def first_state_answer(request: ProvisionRequest, held_resources: bool, check_mode: bool) -> bool:
    """Whether the state held resources before the workflow's first provisioning.

    The state is pulled through the backend (local or remote) before any change; with
    ``existed_marker`` the first answer is kept in that file, written before the first apply, so
    that a resumed attempt still knows what its workflow created (rollback destroys only that)."""
    marker = request.existed_marker
    if marker is None or request.state != "present":
        return held_resources
    if marker.exists():
        return bool(json.loads(marker.read_text())["state_existed_before"])
    if not check_mode:
        atomic_write_text(marker, json.dumps({"state_existed_before": held_resources}))
    return held_resources


def input_variables(request: ProvisionRequest, paths: ClusterPaths) -> dict[str, Any]:
    """The module's variables: the plan's choices per platform, then the explicit ``variables``."""
    if request.project_path is not None:
        variables = dict(request.variables)
    else:
        variables = {**_platform_variables(request, paths), **request.variables}
    tfvars.check_declared(variables, request.module_source)
    return variables


def _platform_variables(request: ProvisionRequest, paths: ClusterPaths) -> dict[str, Any]:
    choices = tfvars.plan_choices(request.plan)
    name, region = request.cluster_key, request.region
    if request.platform == "eks":
        return tfvars.eks_variables(choices, name, region, request.sandbox)
    if request.platform == "k3s":
        return tfvars.k3s_variables(choices, name, region, k3s_credentials(paths.secrets))
    if request.platform == "aks":
        return tfvars.aks_variables(choices, name, region)
    return tfvars.gke_variables(choices, name, region)


def sandbox_env(request: ProvisionRequest) -> dict[str, str]:
    if not request.sandbox or request.sandbox_endpoint is None:
        return {}
    return {
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
        "AWS_REGION": request.region,
        "AWS_ENDPOINT_URL_S3": request.sandbox_endpoint,
        "AWS_ENDPOINT_URL_DYNAMODB": request.sandbox_endpoint,
        "AWS_ENDPOINT_URL_STS": request.sandbox_endpoint,
        "AWS_ENDPOINT_URL_IAM": request.sandbox_endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
    }


@dataclass
class TerraformRun:
    request: ProvisionRequest
    cli: TerraformCLI
    progress: Progress

    def init(self, workdir: render.WorkingDir) -> None:
        if not workdir.initialised:
            result = self.cli.init(self.backend_config(), self.request.lock_timeout_s)
            self.check(result, "init")
            workdir.mark_initialised()
            self.progress.note(f"terraform init in {workdir.path} ({result.duration_s:.1f} s)")
        if self.request.force_unlock:
            self.check(self.cli.force_unlock(self.request.force_unlock), "force-unlock")
            self.progress.note(
                f"released state lock {self.request.force_unlock} (force_unlock)", level="WARNING"
            )
        if self.request.workspace != _current_workspace(workdir.path):
            self.check(self.cli.workspace(self.request.workspace), "workspace select")

    def backend_config(self) -> dict[str, Any]:
        backend = self.request.backend
        if self.request.sandbox and backend.type == "s3":
            return {**SANDBOX_S3_BACKEND, **backend.config}
        return dict(backend.config)

    def pull_state(self) -> dict[str, Any]:
        result = self.check(self.cli.state_pull(), "state pull")
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def converge(self, paths: ClusterPaths, *, check_mode: bool, diff: bool) -> dict[str, Any]:
        """Plan, then apply unless check mode, ``plan_only`` or no changes; or apply ``plan_file``."""
        if self.request.plan_file is not None and check_mode:
            return self.inspect_saved(self.request.plan_file)
        if self.request.plan_file is not None:
            return self.apply_saved(self.request.plan_file)
        plan_file = paths.terraform / "plans" / f"{self.request.workflow_id or 'tf_provision'}.tfplan"
        plan_file.parent.mkdir(mode=0o700, exist_ok=True)
        summary = self.plan(plan_file)
        outcome: dict[str, Any] = {
            "summary": summary,
            "applied": False,
            "plan_file": None,
            "changed": check_mode and summary.has_changes,
        }
        if diff and summary.has_changes:
            plan_json = json.loads(self.check(self.cli.show_json(plan_file), "show").stdout)
            outcome["diff"] = parse.plan_diff(plan_json)
        if not summary.has_changes or check_mode:
            plan_file.unlink(missing_ok=True)
            return outcome
        self.refuse_destroys(summary, plan_file)
        if self.request.plan_only:
            self.progress.note(f"plan saved to {plan_file} for approval")
            return {**outcome, "plan_file": str(plan_file)}
        return {**outcome, **self.apply_saved(plan_file)}

    def plan(self, plan_file: Path) -> PlanSummary:
        request = self.request
        result = self.cli.plan(
            plan_file,
            destroy=request.state == "absent",
            parallelism=request.parallelism,
            lock_timeout_s=request.lock_timeout_s,
            targets=request.targets,
        )
        if result.rc not in (PLAN_NO_CHANGES, PLAN_HAS_CHANGES):
            self.fail("plan", result)
        summary = parse.summary_from_messages(parse.parse_json_lines(result.stdout))
        self.progress.note(
            f"plan: {summary.add} to add, {summary.change} to change, {summary.destroy} to destroy "
            f"({result.duration_s:.1f} s)",
            plan_summary=summary.model_dump(exclude={"changes"}),
        )
        return summary

    def refuse_destroys(self, summary: PlanSummary, plan_file: Path) -> None:
        if not (self.request.check_destroy and self.request.state == "present" and summary.destroy):
            return
        doomed = [
            change["address"] for change in summary.changes if change["action"] in ("delete", "replace")
        ]
        plan_file.unlink(missing_ok=True)
        raise TerraformError(
            f"The plan destroys {summary.destroy} resource(s) and check_destroy is set: {', '.join(doomed)}. "
            "Review the change, then re-run without check_destroy to accept it.",
            destroys=doomed,
        )

    def inspect_saved(self, plan_file: Path) -> dict[str, Any]:
        """Check mode with ``plan_file``: what applying it would do, from ``show -json``."""
        _require_plan_file(plan_file)
        summary = parse.summarize_plan(json.loads(self.check(self.cli.show_json(plan_file), "show").stdout))
        return {
            "summary": summary,
            "applied": False,
            "plan_file": str(plan_file),
            "changed": summary.has_changes,
        }

    def apply_saved(self, plan_file: Path) -> dict[str, Any]:
        _require_plan_file(plan_file)
        messages: list[dict[str, Any]] = []

        def on_line(line: str) -> None:
            message = parse.parse_json_line(line)
            if message is None:
                return
            messages.append(message)
            record = parse.apply_progress(message)
            if record is not None:
                self.progress.note(_progress_line(record), **record)

        result = self.cli.apply(
            plan_file,
            parallelism=self.request.parallelism,
            lock_timeout_s=self.request.lock_timeout_s,
            on_line=on_line,
        )
        if result.rc != 0:
            self.fail("apply", result, plan_file=str(plan_file))
        plan_file.unlink(missing_ok=True)
        summary = parse.summary_from_messages(messages)
        self.progress.note(f"apply complete ({result.duration_s:.1f} s)", execution_time=result.duration_s)
        return {"summary": summary, "applied": True, "plan_file": None, "changed": summary.has_changes}

    def check(self, result: CommandResult, step: str) -> CommandResult:
        if result.rc != 0:
            self.fail(step, result)
        return result

    def fail(self, step: str, result: CommandResult, **details: Any) -> None:
        diagnostics = parse.errors_only(
            parse.diagnostics_from_messages(parse.parse_json_lines(result.stdout))
        )
        lock = parse.lock_info(diagnostics) or parse.lock_info(_text_diagnostics(result.stderr))
        if lock is not None:
            raise StateLockedError(
                f"terraform {step}: the state is locked by {lock.who or 'another run'} "
                f"(lock id {lock.id}, operation {lock.operation or 'unknown'}, "
                f"since {lock.created or 'unknown'}). "
                f"Wait for that run, or if it was killed re-run with force_unlock: {lock.id}",
                lock=lock.model_dump(),
                **details,
            )
        raise TerraformError(
            _failure_message(step, diagnostics, result),
            step=step,
            diagnostics=[diagnostic.model_dump() for diagnostic in diagnostics],
            stderr=result.stderr[-4000:],
            **details,
        )


def describe(
    request: ProvisionRequest,
    paths: ClusterPaths,
    state: dict[str, Any],
    outcome: dict[str, Any],
    progress: Progress,
) -> dict[str, Any]:
    """The ``agentic_infra`` fact: outputs, secret file paths, resources, plan summary."""
    plain, sensitive = parse.outputs_from_state(state)
    secret_files = {
        name: str(write_secret_file(paths.secrets / name, _text(value))) for name, value in sensitive.items()
    }
    kubeconfig = _kubeconfig(request, paths, plain) if plain.get("endpoint") else None
    if kubeconfig is not None:
        secret_files[KUBECONFIG_FILE] = str(write_secret_file(paths.secrets / KUBECONFIG_FILE, kubeconfig))
    elif request.state == "absent":
        (paths.secrets / KUBECONFIG_FILE).unlink(missing_ok=True)
    summary: PlanSummary = outcome["summary"]
    result = {
        "platform": request.platform,
        "sandbox": request.sandbox,
        "terraform_dir": str(paths.terraform),
        "state_existed_before": outcome["existed"],
        "outputs": plain,
        "secret_files": secret_files,
        "kubeconfig_path": secret_files.get(KUBECONFIG_FILE),
        "endpoint": plain.get("endpoint"),
        "resources": [resource.model_dump() for resource in parse.resources_from_state(state)],
        "plan_summary": summary.model_dump(exclude={"changes"}),
        "plan_file": outcome["plan_file"],
        "changed": outcome["changed"],
        "logs": progress.logs,
    }
    if "diff" in outcome:
        result["diff"] = outcome["diff"]
    return result


def _kubeconfig(request: ProvisionRequest, paths: ClusterPaths, outputs: dict[str, Any]) -> str | None:
    if request.platform == "eks" and outputs.get("certificate_authority_data"):
        return eks_kubeconfig(
            request.cluster_key,
            cluster_name=str(outputs.get("cluster_name", request.cluster_key)),
            endpoint=str(outputs["endpoint"]),
            ca_data=str(outputs["certificate_authority_data"]),
            region=request.region,
            profile=request.profile,
        )
    if request.platform == "k3s" and request.project_path is None:
        return k3s_kubeconfig(k3s_credentials(paths.secrets), request.cluster_key, str(outputs["endpoint"]))
    return None


def _release_sandbox(request: ProvisionRequest, progress: Progress) -> None:
    if emulator.release_cluster(request.home, request.cluster_key):
        progress.note("no sandbox cluster remains: the sandbox emulator was stopped")


def _require_plan_file(plan_file: Path) -> None:
    if not plan_file.is_file():
        raise TerraformError(f"plan_file: {plan_file} does not exist; run with plan_only to save a plan")


def _current_workspace(working_dir: Path) -> str:
    marker = working_dir / ".terraform" / "environment"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else "default"


def _progress_line(record: dict[str, Any]) -> str:
    event = record["event"].removeprefix("apply_")
    duration = f" after {record['duration_s']} s" if "duration_s" in record else ""
    return f"{record['address']}: {record['action']} {event}{duration}"


def _text_diagnostics(stderr: str) -> list[Diagnostic]:
    return (
        [Diagnostic(severity="error", summary=parse.LOCK_SUMMARY, detail=stderr)]
        if parse.LOCK_SUMMARY in stderr
        else []
    )


def _failure_message(step: str, diagnostics: list[Diagnostic], result: CommandResult) -> str:
    if not diagnostics:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        return f"terraform {step} failed (exit {result.rc}): " + " | ".join(tail)
    described = []
    for diagnostic in diagnostics:
        where = " ".join(
            part
            for part in (
                diagnostic.address or "",
                f"({diagnostic.file}:{diagnostic.line})" if diagnostic.file else "",
            )
            if part
        )
        described.append(
            f"{where + ': ' if where else ''}{diagnostic.summary}: {diagnostic.detail}".strip(": ")
        )
    return f"terraform {step} failed: " + "; ".join(described)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)
