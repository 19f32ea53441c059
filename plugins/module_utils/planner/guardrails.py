"""What an LLM may change in a plan, and how its suggestions are judged: only tunable fields,
only values the deterministic rules accept (clamped to their bounds), never text that reads like
an instruction. Accepted suggestions become pins of a re-run of the deterministic planner, so
every invariant of the rules still holds in the optimised plan."""

from __future__ import annotations

import re
from typing import Annotated, Any

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field
from .catalog import Catalog
from .models import Decision, Plan, PlanInputs, SuggestionOutcome, Suggestions
from .sizing import ENV_RULES, MAX_RETENTION_DAYS, build_plan, nodes_needed

MAX_SUGGESTIONS = 3
TUNABLE_FIELDS: dict[str, str] = {
    "instance_type": "instance_type",
    "min_size": "min_nodes",
    "desired_size": "desired_nodes",
    "max_size": "max_nodes",
    "disk_gib": "disk_gib",
    "retention_days": "retention_days",
}
"""Suggestion field -> the ``PlanInputs`` pin it becomes (instance type first: counts depend on it)."""
DECISION_FIELDS: dict[str, str] = {"retention_days": "monitoring.retention_days"}
"""Suggestion fields whose decision in the plan has another name."""
_INSTRUCTION = re.compile(
    r"[;&|`$<>{}\\]|\b(ignore|disregard|instruction|prompt|system|assistant|sudo|rm|curl|wget|bash|exec|eval|"
    r"terraform|kubectl|delete|destroy|override|api[_ ]?key|password)\b|https?://",
    re.IGNORECASE,
)


class PlanSuggestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(max_length=40)
    value: Annotated[str, Field(max_length=40)] | int
    reason: str = Field(max_length=120)


class PlanSuggestions(BaseModel):
    """The schema an LLM answers in (lengths capped so a small model cannot loop)."""

    model_config = ConfigDict(extra="forbid")

    suggestions: list[PlanSuggestion] = Field(max_length=MAX_SUGGESTIONS)


def judge_suggestions(
    inputs: PlanInputs, catalog: Catalog, base: Plan, answer: PlanSuggestions
) -> tuple[Plan, Suggestions]:
    """The plan with the acceptable suggestions applied (re-planned by the rules) and the verdicts."""
    pins: dict[str, Any] = {}
    accepted: list[SuggestionOutcome] = []
    rejected: list[SuggestionOutcome] = []
    order = list(TUNABLE_FIELDS)
    for suggestion in sorted(
        answer.suggestions, key=lambda s: order.index(s.field) if s.field in order else len(order)
    ):
        verdict, value = judge_one(inputs, catalog, base, pins, suggestion)
        outcome = SuggestionOutcome(
            field=suggestion.field, value=suggestion.value, reason=suggestion.reason, outcome=verdict
        )
        if value is None:
            rejected.append(outcome)
            continue
        pins[TUNABLE_FIELDS[suggestion.field]] = value
        accepted.append(outcome)
    if not pins:
        return base, Suggestions(accepted=[], rejected=rejected)
    try:
        tuned = build_plan(inputs.model_copy(update=pins), catalog)
    except InputError as error:
        return base, Suggestions(
            accepted=[], rejected=rejected + _all_rejected(accepted, f"together they break a rule: {error}")
        )
    if _over_budget(inputs, tuned, base):
        return base, Suggestions(
            accepted=[], rejected=rejected + _all_rejected(accepted, "the result exceeds the budget")
        )
    return _credit_suggestions(tuned, accepted), Suggestions(accepted=accepted, rejected=rejected)


def _credit_suggestions(plan: Plan, accepted: list[SuggestionOutcome]) -> Plan:
    """The decisions the LLM drove say so, with its reason and the verdict."""
    by_field = {DECISION_FIELDS.get(outcome.field, outcome.field): outcome for outcome in accepted}
    decisions = [_credited(decision, by_field.get(decision.field)) for decision in plan.decisions]
    return plan.model_copy(update={"decisions": decisions})


def _credited(decision: Decision, outcome: SuggestionOutcome | None) -> Decision:
    if outcome is None:
        return decision
    return decision.model_copy(update={"rationale": f"LLM suggestion ({outcome.outcome}): {outcome.reason}"})


def judge_one(
    inputs: PlanInputs, catalog: Catalog, base: Plan, pins: dict[str, Any], suggestion: PlanSuggestion
) -> tuple[str, Any]:
    """(verdict, value to pin) for one suggestion; value None means rejected."""
    refusal = _refusal(inputs, pins, suggestion)
    if refusal is not None:
        return f"rejected: {refusal}", None
    if suggestion.field == "instance_type":
        return _judge_instance_type(inputs, catalog, suggestion.value)
    if not isinstance(suggestion.value, int) or isinstance(suggestion.value, bool):
        return f"rejected: {suggestion.field} takes a whole number", None
    low, high = _bounds(inputs, catalog, base, pins, suggestion.field)
    value = min(max(suggestion.value, low), high)
    if value == suggestion.value:
        return "accepted", value
    return f"accepted, clamped from {suggestion.value} to {value} (allowed {low}..{high})", value


def _refusal(inputs: PlanInputs, pins: dict[str, Any], suggestion: PlanSuggestion) -> str | None:
    """Why a suggestion is refused whatever its value, or None."""
    if suggestion.field not in TUNABLE_FIELDS:
        return f"{suggestion.field!r} is not tunable (tunable: {', '.join(TUNABLE_FIELDS)})"
    texts = [suggestion.reason, suggestion.value if isinstance(suggestion.value, str) else ""]
    if any(_INSTRUCTION.search(text) for text in texts):
        return "the suggestion contains instructions or command syntax"
    pin = TUNABLE_FIELDS[suggestion.field]
    if getattr(inputs, pin) is not None:
        return "the user's input pins this field"
    if pin in pins:
        return "an earlier suggestion already set this field"
    return None


def _judge_instance_type(inputs: PlanInputs, catalog: Catalog, value: str | int) -> tuple[str, Any]:
    offered = catalog.platform(inputs.platform).region_instance_types(inputs.region)
    if not isinstance(value, str) or value not in offered:
        return f"rejected: {value!r} is not an instance type of {inputs.platform} in {inputs.region}", None
    minimum = ENV_RULES[inputs.cluster_env].min_node_memory_gib
    if offered[value].memory_gib < minimum:
        return f"rejected: {inputs.cluster_env} nodes need at least {minimum:g} GiB of memory", None
    return "accepted", value


def _bounds(
    inputs: PlanInputs, catalog: Catalog, base: Plan, pins: dict[str, Any], field: str
) -> tuple[int, int]:
    platform = catalog.platform(inputs.platform)
    limit = platform.limits.max_nodes_per_group
    group = base.node_groups[0]
    spec = platform.instance_types[pins.get("instance_type", group.instance_type)]
    floor = max(ENV_RULES[inputs.cluster_env].min_nodes, len(base.zones))
    min_size = pins.get("min_nodes", group.min_size)
    desired = pins.get("desired_nodes", max(group.desired_size, min_size))
    bounds = {
        "min_size": (floor, min(desired, limit)),
        "desired_size": (max(min_size, nodes_needed(spec, inputs)), limit),
        "max_size": (desired, limit),
        "disk_gib": (platform.limits.min_disk_gib, platform.limits.max_disk_gib),
        "retention_days": (1, MAX_RETENTION_DAYS),
    }
    return bounds[field]


def _over_budget(inputs: PlanInputs, tuned: Plan, base: Plan) -> bool:
    budget = inputs.monthly_budget_usd
    return (
        budget is not None
        and tuned.estimates.monthly_cost_usd > budget
        and tuned.estimates.monthly_cost_usd > base.estimates.monthly_cost_usd
    )


def _all_rejected(outcomes: list[SuggestionOutcome], reason: str) -> list[SuggestionOutcome]:
    return [outcome.model_copy(update={"outcome": f"rejected: {reason}"}) for outcome in outcomes]
