"""The optional LLM pass over a deterministic plan: ask for suggestions on the tunable fields,
judge them with the guardrails, and fall back to the deterministic plan (with a warning) on any
failure of the provider or of the answer. It never fails the phase."""

from __future__ import annotations

import json
from typing import Any

from ..llm.client import ask_structured
from ..llm.errors import LLMError
from ..llm.settings import LLMSettings
from .catalog import Catalog
from .guardrails import TUNABLE_FIELDS, PlanSuggestions, judge_suggestions
from .models import Finding, Optimisation, Plan, PlanInputs
from .sizing import ENV_RULES, MAX_RETENTION_DAYS

SYSTEM_PROMPT = (
    "You review Kubernetes cluster plans for cost and reliability. You may only suggest new values for "
    f"these fields: {', '.join(TUNABLE_FIELDS)}. Instance types must come from the allowed list. "
    'Answer with JSON: {"suggestions": [{"field": ..., "value": ..., "reason": ...}]}, at most '
    "3 suggestions, short reasons; an empty list when the plan is fine."
)


def optimisation_prompt(inputs: PlanInputs, catalog: Catalog, base: Plan) -> str:
    """The facts the LLM sees: workload, current tunable values, their bounds, allowed instance types."""
    platform = catalog.platform(inputs.platform)
    group = base.node_groups[0]
    facts: dict[str, Any] = {
        "platform": inputs.platform,
        "environment": inputs.cluster_env,
        "workload": {
            "pods": inputs.expected_pods,
            "cpu_cores": inputs.cpu_request_cores,
            "memory_gib": inputs.memory_request_gib,
            "monthly_budget_usd": inputs.monthly_budget_usd,
        },
        "current": {
            "instance_type": group.instance_type,
            "min_size": group.min_size,
            "desired_size": group.desired_size,
            "max_size": group.max_size,
            "disk_gib": group.disk_gib,
            "retention_days": base.monitoring.retention_days,
            "monthly_cost_usd": base.estimates.monthly_cost_usd,
        },
        "rules": {
            "min_size_at_least": max(ENV_RULES[inputs.cluster_env].min_nodes, len(base.zones)),
            "max_size_at_most": platform.limits.max_nodes_per_group,
            "disk_gib": [platform.limits.min_disk_gib, platform.limits.max_disk_gib],
            "retention_days": [1, MAX_RETENTION_DAYS],
        },
        "allowed_instance_types": {
            name: f"{spec.vcpu} vCPU, {spec.memory_gib:g} GiB, {spec.hourly_usd} USD/h"
            for name, spec in platform.region_instance_types(inputs.region).items()
        },
    }
    return json.dumps(facts, separators=(",", ":"))


def optimise_plan(
    inputs: PlanInputs, catalog: Catalog, base: Plan, settings: LLMSettings
) -> tuple[Plan, list[dict[str, Any]]]:
    """(plan, llm_usage): the judged optimisation, or ``base`` with a fallback finding."""
    try:
        answer = ask_structured(
            settings,
            system=SYSTEM_PROMPT,
            prompt=optimisation_prompt(inputs, catalog, base),
            schema=PlanSuggestions,
        )
    except LLMError as error:
        usage = [error.usage] if error.usage else []
        return fallback(base, f"LLM optimisation failed, deterministic plan kept: {error.message}"), usage
    if not isinstance(answer.parsed, PlanSuggestions):
        return fallback(base, "LLM optimisation answered no suggestions object; deterministic plan kept"), [
            answer.usage
        ]
    plan, verdicts = judge_suggestions(inputs, catalog, base, answer.parsed)
    applied = bool(verdicts.accepted)
    cached = " (cached answer)" if answer.usage.get("cached") else ""
    optimisation = Optimisation(
        status="applied" if applied else "unchanged",
        message=f"{settings.provider} ({settings.model}): {len(verdicts.accepted)} suggestion(s) accepted, "
        f"{len(verdicts.rejected)} rejected{cached}",
    )
    return plan.model_copy(
        update={
            "suggestions": verdicts,
            "source": "llm" if applied else "deterministic",
            "optimisation": optimisation,
        }
    ), [answer.usage]


def fallback(base: Plan, message: str) -> Plan:
    finding = Finding(severity="warning", code="LLM_FALLBACK", message=message)
    return base.model_copy(
        update={
            "findings": [*base.findings, finding],
            "optimisation": Optimisation(status="fallback", message=message),
        }
    )
