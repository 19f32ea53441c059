"""The names of the agent system's own metrics, defined once (Prometheus style).

``workflow_info`` computes them from the store, the orchestration exports them (textfile or
Pushgateway), the monitoring agent's dashboard and alert rules query them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

AGENT_DURATION_SECONDS = "agentic_k8s_agent_duration_seconds"
"""Execution time per agent; labels: agent, platform, status."""
AGENT_EXECUTIONS_TOTAL = "agentic_k8s_agent_executions_total"
"""Agent executions; labels: agent, platform, status (success/failure rate = by status)."""
WORKFLOWS_TOTAL = "agentic_k8s_workflows_total"
"""Workflows by final status; labels: platform, environment, status."""
WORKFLOW_DURATION_SECONDS = "agentic_k8s_workflow_duration_seconds"
"""Wall time of a workflow attempt; labels: platform, environment, status."""
LLM_CALLS_TOTAL = "agentic_k8s_llm_calls_total"
"""LLM calls; labels: provider, model, cached."""
LLM_LATENCY_SECONDS = "agentic_k8s_llm_latency_seconds"
"""LLM call latency; labels: provider, model."""
LLM_TOKENS_TOTAL = "agentic_k8s_llm_tokens_total"
"""LLM tokens; labels: provider, model, kind (prompt or completion)."""
LAST_RUN_TIMESTAMP_SECONDS = "agentic_k8s_last_run_timestamp_seconds"
"""Unix time of the last recorded workflow; labels: platform, environment, status."""

ALL_METRICS = (
    AGENT_DURATION_SECONDS,
    AGENT_EXECUTIONS_TOTAL,
    WORKFLOWS_TOTAL,
    WORKFLOW_DURATION_SECONDS,
    LLM_CALLS_TOTAL,
    LLM_LATENCY_SECONDS,
    LLM_TOKENS_TOTAL,
    LAST_RUN_TIMESTAMP_SECONDS,
)

Labels = tuple[tuple[str, str], ...]


def compute_metrics(workflows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The metrics above over ``workflows`` (the read shape of ``workflow_info``).

    Counters and gauges are ``{labels, value}`` samples; durations and latencies are summaries,
    ``{labels, count, sum, max}`` in seconds.
    """
    counters: dict[str, dict[Labels, float]] = {name: {} for name in ALL_METRICS}
    summaries: dict[str, dict[Labels, list[float]]] = {
        AGENT_DURATION_SECONDS: {},
        WORKFLOW_DURATION_SECONDS: {},
        LLM_LATENCY_SECONDS: {},
    }
    for workflow in workflows:
        _add_workflow(workflow, counters, summaries)
    metrics: dict[str, list[dict[str, Any]]] = {}
    for name in ALL_METRICS:
        if name in summaries:
            metrics[name] = [
                {
                    "labels": dict(labels),
                    "count": len(values),
                    "sum": round(sum(values), 6),
                    "max": max(values),
                }
                for labels, values in sorted(summaries[name].items())
            ]
        else:
            metrics[name] = [
                {"labels": dict(labels), "value": value} for labels, value in sorted(counters[name].items())
            ]
    return metrics


def _add_workflow(
    workflow: dict[str, Any],
    counters: dict[str, dict[Labels, float]],
    summaries: dict[str, dict[Labels, list[float]]],
) -> None:
    platform = workflow.get("platform") or ""
    scope = (("environment", workflow.get("environment") or ""), ("platform", platform))
    labels = (*scope, ("status", workflow.get("status") or ""))
    _count(counters[WORKFLOWS_TOTAL], labels)
    if workflow.get("status") != "RUNNING":
        _observe(
            summaries[WORKFLOW_DURATION_SECONDS],
            labels,
            seconds_between(workflow["created_at"], workflow["updated_at"]),
        )
    updated = _epoch(workflow["updated_at"])
    last = counters[LAST_RUN_TIMESTAMP_SECONDS]
    last[labels] = max(last.get(labels, 0.0), updated)
    for execution in workflow.get("executions", []):
        agent = (("agent", execution["agent_name"]), ("platform", platform), ("status", execution["status"]))
        _count(counters[AGENT_EXECUTIONS_TOTAL], agent)
        if execution.get("completed_at"):
            _observe(
                summaries[AGENT_DURATION_SECONDS],
                agent,
                seconds_between(execution["started_at"], execution["completed_at"]),
            )
        for call in execution.get("llm_calls", []):
            model = (("model", call["model"]), ("provider", call["provider"]))
            _count(counters[LLM_CALLS_TOTAL], (("cached", str(bool(call["cached"])).lower()), *model))
            _observe(summaries[LLM_LATENCY_SECONDS], model, (call["latency_ms"] or 0) / 1000)
            _count(
                counters[LLM_TOKENS_TOTAL], (("kind", "completion"), *model), call["completion_tokens"] or 0
            )
            _count(counters[LLM_TOKENS_TOTAL], (("kind", "prompt"), *model), call["prompt_tokens"] or 0)


def _count(counter: dict[Labels, float], labels: Labels, amount: float = 1) -> None:
    counter[labels] = counter.get(labels, 0) + amount


def _observe(summary: dict[Labels, list[float]], labels: Labels, value: float) -> None:
    summary.setdefault(labels, []).append(value)


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def seconds_between(start: str, end: str) -> float:
    """Seconds from ISO timestamp ``start`` to ``end`` (never negative)."""
    return round(max(0.0, _epoch(end) - _epoch(start)), 6)
