"""The names of the agent system's own metrics, defined once (Prometheus style).

``workflow_info`` computes them from the store, the orchestration exports them (textfile or
Pushgateway), the monitoring agent's dashboard and alert rules query them.
"""

from __future__ import annotations

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
