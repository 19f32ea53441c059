"""The seed's metrics, computed from stored workflows under the names of metrics.py."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.state import metrics


def execution(agent: str, status: str, seconds: int, calls: list[dict] | None = None) -> dict:
    return {
        "agent_name": agent,
        "status": status,
        "started_at": "2026-01-01T00:00:00+00:00",
        "completed_at": f"2026-01-01T00:00:{seconds:02d}+00:00",
        "llm_calls": calls or [],
    }


CALL = {
    "provider": "openai",
    "model": "gpt",
    "latency_ms": 1500,
    "prompt_tokens": 100,
    "completion_tokens": 20,
}
WORKFLOWS = [
    {
        "platform": "eks",
        "environment": "dev",
        "status": "COMPLETED",
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:01:00+00:00",
        "executions": [
            execution("llm_plan", "SUCCEEDED", 4, [{**CALL, "cached": False}, {**CALL, "cached": True}]),
            execution("tf_provision", "SUCCEEDED", 30),
        ],
    },
    {
        "platform": "eks",
        "environment": "dev",
        "status": "FAILED",
        "created_at": "2026-01-01T00:00:00+00:00",
        "updated_at": "2026-01-01T00:00:10+00:00",
        "executions": [execution("tf_provision", "FAILED", 10)],
    },
]


def test_every_named_metric_is_computed():
    assert set(metrics.compute_metrics(WORKFLOWS)) == set(metrics.ALL_METRICS)


def test_executions_count_by_agent_and_status_and_durations_summarise():
    computed = metrics.compute_metrics(WORKFLOWS)
    assert {
        (s["labels"]["agent"], s["labels"]["status"]): s["value"]
        for s in computed[metrics.AGENT_EXECUTIONS_TOTAL]
    } == {("llm_plan", "SUCCEEDED"): 1, ("tf_provision", "SUCCEEDED"): 1, ("tf_provision", "FAILED"): 1}
    durations = {
        (s["labels"]["agent"], s["labels"]["status"]): (s["count"], s["sum"], s["max"])
        for s in computed[metrics.AGENT_DURATION_SECONDS]
    }
    assert durations[("tf_provision", "SUCCEEDED")] == (1, 30.0, 30.0)
    assert durations[("tf_provision", "FAILED")] == (1, 10.0, 10.0)


def test_llm_calls_latency_and_tokens():
    computed = metrics.compute_metrics(WORKFLOWS)
    assert [(s["labels"]["cached"], s["value"]) for s in computed[metrics.LLM_CALLS_TOTAL]] == [
        ("false", 1),
        ("true", 1),
    ]
    [latency] = computed[metrics.LLM_LATENCY_SECONDS]
    assert (latency["count"], latency["sum"], latency["max"]) == (2, 3.0, 1.5)
    assert {s["labels"]["kind"]: s["value"] for s in computed[metrics.LLM_TOKENS_TOTAL]} == {
        "prompt": 200,
        "completion": 40,
    }


def test_workflows_by_status_with_their_duration():
    computed = metrics.compute_metrics(WORKFLOWS)
    assert {s["labels"]["status"]: s["value"] for s in computed[metrics.WORKFLOWS_TOTAL]} == {
        "COMPLETED": 1,
        "FAILED": 1,
    }
    assert {s["labels"]["status"]: s["sum"] for s in computed[metrics.WORKFLOW_DURATION_SECONDS]} == {
        "COMPLETED": 60.0,
        "FAILED": 10.0,
    }
