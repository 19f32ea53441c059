"""The planner agent's one entry point for the ``llm_plan`` module: load the catalog, validate the
inputs, reuse the cluster's stored plan or build one (optionally optimised by an LLM), store it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.errors import InputError
from ..common.home import ensure_private_dir
from ..llm.settings import LLMSettings
from .catalog import Catalog, load_catalog
from .models import Finding, Optimisation, Plan, PlanInputs, parse_inputs
from .optimise import optimise_plan
from .sizing import build_plan, platform_of
from .store import (
    PLAN_FILE,
    StoredPlan,
    cluster_plan_path,
    inputs_digest,
    load_stored_plan,
    plan_document,
    write_if_changed,
)

CLUSTER_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,126}$")


@dataclass(frozen=True)
class PlanRequest:
    inputs: dict[str, Any]
    catalog_file: str
    home: Path
    cluster_key: str
    artifacts_dir: Path | None = None
    replan: bool = False
    optimise: bool = True


@dataclass
class PlanOutcome:
    plan: dict[str, Any]
    changed: bool
    plan_file: str
    before: dict[str, Any] | None
    llm_usage: list[dict[str, Any]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)


def plan_cluster(request: PlanRequest, settings: LLMSettings | None, check_mode: bool = False) -> PlanOutcome:
    """Plan (or re-use the plan of) one cluster; in check mode nothing is written."""
    if not CLUSTER_KEY.match(request.cluster_key):
        raise InputError(
            "cluster_key", request.cluster_key, "<platform>-<cluster_env>-<cluster_name> in lowercase"
        )
    catalog = load_catalog(request.catalog_file)
    inputs = parse_inputs(request.inputs)
    platform_of(inputs, catalog)
    plan_path = cluster_plan_path(request.home, request.cluster_key)
    stored = None if request.replan else load_stored_plan(plan_path)
    logs = [f"catalog {request.catalog_file} (prices as of {catalog.prices_as_of})"]
    if stored is not None:
        plan, usage = reuse_stored_plan(stored, inputs, plan_path), []
        logs.append(f"reusing the stored plan {plan_path}; replan=true plans again")
    else:
        plan, usage = fresh_plan(inputs, catalog, settings if request.optimise else None, request.optimise)
    logs.append(summary_line(plan))
    logs.extend(f"{finding.severity}: {finding.code}: {finding.message}" for finding in plan.findings)
    accepted = plan if stored is None else stored.plan
    changed = write_files(plan_files(request, plan_path, inputs, accepted, stored is not None), check_mode)
    return PlanOutcome(
        plan=plan.model_dump(mode="json"),
        changed=changed,
        plan_file=str(plan_path),
        before=stored.plan.model_dump(mode="json") if stored is not None else None,
        llm_usage=usage,
        logs=logs,
    )


def fresh_plan(
    inputs: PlanInputs, catalog: Catalog, settings: LLMSettings | None, optimise: bool
) -> tuple[Plan, list[dict[str, Any]]]:
    base = build_plan(inputs, catalog)
    if settings is None:
        message = (
            "no LLM provider configured: deterministic plan"
            if optimise
            else "optimise=false: deterministic plan"
        )
        status = "not-configured" if optimise else "disabled"
        return base.model_copy(update={"optimisation": Optimisation(status=status, message=message)}), []
    return optimise_plan(inputs, catalog, base, settings)


def reuse_stored_plan(stored: StoredPlan, inputs: PlanInputs, plan_path: Path) -> Plan:
    findings = list(stored.plan.findings)
    if stored.inputs_digest != inputs_digest(inputs):
        findings.append(
            Finding(
                severity="warning",
                code="STORED_PLAN_INPUTS_DIFFER",
                message=f"the inputs differ from those of the stored plan {plan_path}; "
                "it is kept (a running cluster is never resized silently): pass replan=true to apply them",
            )
        )
    return stored.plan.model_copy(
        update={
            "source": "stored",
            "findings": findings,
            "optimisation": Optimisation(status="stored-plan", message=f"plan reused from {plan_path}"),
        }
    )


def plan_files(
    request: PlanRequest, plan_path: Path, inputs: PlanInputs, plan: Plan, reused: bool
) -> list[tuple[Path, str]]:
    """The files a run writes: the cluster's plan (a new one only) and the workflow's copy of the
    accepted plan (the same bytes on every run, so a re-run changes nothing)."""
    files = [] if reused else [(plan_path, plan_document(inputs, plan))]
    if request.artifacts_dir is not None:
        files.append((request.artifacts_dir / PLAN_FILE, plan.model_dump_json(indent=2) + "\n"))
    return files


def write_files(files: list[tuple[Path, str]], check_mode: bool) -> bool:
    """Write each file unless it already holds its text (nothing in check mode); True when one changed."""
    if check_mode:
        return any(not path.exists() or path.read_text(encoding="utf-8") != text for path, text in files)
    changed = False
    for path, text in files:
        ensure_private_dir(path.parent)
        changed = write_if_changed(path, text) or changed
    return changed


def summary_line(plan: Plan) -> str:
    group = plan.node_groups[0]
    return (
        f"plan ({plan.source}): {group.desired_size} x {group.instance_type} "
        f"({group.min_size}..{group.max_size}) in {len(plan.zones)} zone(s) of {plan.region}, "
        f"about {plan.estimates.monthly_cost_usd:.2f} USD/month, "
        f"{plan.estimates.time_to_cluster_minutes:g} min to cluster"
    )
