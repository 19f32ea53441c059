"""What a resumed workflow takes over from its previous attempts (DESIGN.md, "Resume").

A phase is complete when the latest execution of its module succeeded; a resumed run reuses the
results of the leading complete phases and starts at the first phase that did not complete. A
workflow that awaits approval has planned its gated phase without applying it: that phase is not
complete, and its saved plan file is what an approved resume applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..common.errors import AgenticError
from ..common.status import ExecutionStatus, WorkflowStatus

RESULT_HOUSEKEEPING_KEYS = frozenset({"changed", "logs", "llm_usage", "invocation", "failed", "msg", "diff"})
APPROVAL_GATE = "approval"
IDENTITY_INPUTS = ("platform", "cluster_env", "cluster_name", "region", "sandbox")
"""The inputs that name the cluster: a resume must repeat them."""


def resume_state(
    workflow: Mapping[str, Any], phases: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``{completed: {phase: {fact, value}}, next_phase, attempt, previous_status, plan_file,
    changed_inputs}``; ``changed_inputs`` names the identity inputs that
    differ between ``inputs`` (this run's) and the recorded ``config``."""
    if workflow.get("status") == WorkflowStatus.RUNNING:
        raise AgenticError(
            f"workflow_id: {workflow.get('workflow_id')!r} is still RUNNING (another run owns it); "
            "resume it once that run has ended or been marked INTERRUPTED",
            workflow_id=workflow.get("workflow_id"),
        )
    executions = list(workflow.get("executions") or [])
    awaiting = workflow.get("status") == WorkflowStatus.AWAITING_APPROVAL
    completed: dict[str, dict[str, Any]] = {}
    next_phase = ""
    for phase in phases:
        if phase.get("section") != "block" or not phase.get("module"):
            continue
        latest = latest_execution(executions, phase)
        gated_plan = awaiting and phase.get("gate") == APPROVAL_GATE
        if latest is None or latest.get("status") != ExecutionStatus.SUCCEEDED or gated_plan:
            next_phase = str(phase["name"])
            break
        completed[str(phase["name"])] = {"fact": phase.get("fact", ""), "value": phase_value(latest, phase)}
    return {
        "completed": completed,
        "next_phase": next_phase,
        "attempt": int(workflow.get("attempts") or 1) + 1,
        "previous_status": workflow.get("status"),
        "plan_file": approved_plan_file(executions, phases) if awaiting else "",
        "changed_inputs": changed_inputs(workflow.get("config") or {}, inputs),
    }


def changed_inputs(recorded: Mapping[str, Any], inputs: Mapping[str, Any] | None) -> list[str]:
    """The identity inputs recorded for the workflow that this run gives differently."""
    if inputs is None:
        return []
    return [key for key in IDENTITY_INPUTS if key in recorded and recorded[key] != inputs.get(key)]


def latest_execution(
    executions: Sequence[Mapping[str, Any]], phase: Mapping[str, Any]
) -> Mapping[str, Any] | None:
    """The most recent execution of the phase's module (by attempt, then start time)."""
    names = module_names(str(phase["module"]))
    matching = [execution for execution in executions if execution.get("agent_name") in names]
    if not matching:
        return None
    return max(matching, key=lambda item: (int(item.get("attempt") or 0), str(item.get("started_at") or "")))


def module_names(module: str) -> set[str]:
    """A module as the store may name it: ``tf_provision`` or ``agentic.k8s.tf_provision``."""
    short = module.rsplit(".", 1)[-1]
    return {short, f"agentic.k8s.{short}"}


def phase_value(execution: Mapping[str, Any], phase: Mapping[str, Any]) -> Any:
    """The phase's fact rebuilt from its module's recorded result."""
    output = dict(execution.get("output_data") or {})
    result_key = phase.get("result_key")
    if result_key:
        return output.get(str(result_key))
    return {key: value for key, value in output.items() if key not in RESULT_HOUSEKEEPING_KEYS}


def approved_plan_file(executions: Sequence[Mapping[str, Any]], phases: Sequence[Mapping[str, Any]]) -> str:
    """The plan file the gated phase saved when it stopped for approval."""
    for phase in phases:
        if phase.get("gate") != APPROVAL_GATE or not phase.get("module"):
            continue
        latest = latest_execution(executions, phase)
        output = (latest or {}).get("output_data") or {}
        if output.get("plan_file"):
            return str(output["plan_file"])
    raise AgenticError(
        "the workflow awaits approval but no saved plan file was recorded; run it again without resume",
    )
