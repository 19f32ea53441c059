from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError, InputError
from ansible_collections.agentic.k8s.plugins.module_utils.metrics_export.export import (
    export,
    exposition,
    parse_request,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state import metrics as names

METRICS = {
    names.AGENT_EXECUTIONS_TOTAL: [
        {"labels": {"agent": "tf_provision", "platform": "eks", "status": "SUCCEEDED"}, "value": 3},
        {"labels": {"agent": "tf_provision", "platform": "eks", "status": "FAILED"}, "value": 1},
    ],
    names.AGENT_DURATION_SECONDS: [
        {
            "labels": {"agent": "llm_plan", "platform": "eks", "status": "SUCCEEDED"},
            "count": 2,
            "sum": 3.5,
            "max": 2,
        }
    ],
    names.LAST_RUN_TIMESTAMP_SECONDS: [{"labels": {"platform": "eks"}, "value": 1700000000}],
    names.LLM_TOKENS_TOTAL: [
        {"labels": {"provider": "openai", "model": "m", "kind": "prompt"}, "value": 120}
    ],
}


def test_counters_and_gauges_keep_the_shared_names():
    text = exposition(parse_request({"metrics": METRICS, "textfile": "/x/a.prom"}).metrics)
    assert "# TYPE agentic_k8s_agent_executions_total counter" in text
    assert (
        'agentic_k8s_agent_executions_total{agent="tf_provision",platform="eks",status="FAILED"} 1.0' in text
    )
    assert "# TYPE agentic_k8s_agent_duration_seconds summary" in text
    duration = 'agent="llm_plan",platform="eks",status="SUCCEEDED"'
    assert f"agentic_k8s_agent_duration_seconds_count{{{duration}}} 2.0" in text
    assert f"agentic_k8s_agent_duration_seconds_sum{{{duration}}} 3.5" in text
    assert "# TYPE agentic_k8s_last_run_timestamp_seconds gauge" in text
    assert 'agentic_k8s_llm_tokens_total{kind="prompt",model="m",provider="openai"} 120.0' in text


def test_textfile_is_written_once_then_unchanged(tmp_path):
    request = parse_request({"metrics": METRICS, "textfile": str(tmp_path / "agentic.prom")})
    first = export(request)
    second = export(request)
    assert first["changed"] is True
    assert second["changed"] is False
    assert (tmp_path / "agentic.prom").read_text() == exposition(request.metrics)


def test_check_mode_writes_nothing(tmp_path):
    result = export(
        parse_request({"metrics": METRICS, "textfile": str(tmp_path / "a.prom")}), check_mode=True
    )
    assert result["changed"] is True
    assert not (tmp_path / "a.prom").exists()


def test_unknown_metric_name_is_refused_naming_the_allowed_ones():
    with pytest.raises(InputError, match=r"metrics.*agentic_k8s_agent_duration_seconds"):
        parse_request({"metrics": {"my_metric": []}, "textfile": "/x/a.prom"})


def test_workflow_info_metrics_are_exported_as_they_are(tmp_path):
    from ansible_collections.agentic.k8s.plugins.module_utils.state.metrics import compute_metrics

    workflows = [
        {
            "platform": "eks",
            "environment": "dev",
            "status": "COMPLETED",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:01:00Z",
            "executions": [
                {
                    "agent_name": "llm_plan",
                    "status": "SUCCEEDED",
                    "started_at": "2026-01-01T00:00:00Z",
                    "completed_at": "2026-01-01T00:00:02Z",
                    "llm_calls": [
                        {"model": "m", "provider": "openai", "cached": False, "latency_ms": 900,
                         "prompt_tokens": 10, "completion_tokens": 5}
                    ],
                }
            ],
        }
    ]  # fmt: skip
    request = parse_request({"metrics": compute_metrics(workflows), "textfile": str(tmp_path / "a.prom")})
    text = exposition(request.metrics)
    assert (
        'agentic_k8s_workflow_duration_seconds_sum{environment="dev",platform="eks",status="COMPLETED"} 60.0'
        in text
    )
    assert 'agentic_k8s_llm_calls_total{cached="false",model="m",provider="openai"} 1.0' in text


def test_a_sample_needs_a_value_or_a_count_and_sum():
    with pytest.raises(InputError, match="either a value"):
        parse_request({"metrics": {names.AGENT_DURATION_SECONDS: [{"count": 1}]}, "textfile": "/x/a.prom"})


def test_textfile_must_be_a_prom_file():
    with pytest.raises(InputError, match=r"textfile.*\.prom"):
        parse_request({"metrics": METRICS, "textfile": "/x/a.txt"})


def test_unreachable_pushgateway_is_an_error_naming_the_url():
    request = parse_request({"metrics": METRICS, "pushgateway_url": "http://127.0.0.1:9", "timeout_s": 2})
    with pytest.raises(AgenticError, match=r"http://127.0.0.1:9"):
        export(request)
