"""The diagnosis prompt (redacted, trimmed, numbered) and the clamping of the LLM's answer."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.validation.diagnosis import (
    MAX_EVIDENCE_CHARS,
    answer_schema,
    diagnosis_prompt,
    llm_diagnose,
    render_diagnosis,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import Finding, Severity
from tests.support.llm_server import free_loopback_port


def findings() -> list[Finding]:
    return [
        Finding(check="plan", severity=Severity.WARNING, message="node count drift", fix="compare"),
        Finding(
            check="pods",
            severity=Severity.CRITICAL,
            message="Pod monitoring/grafana-1: CrashLoopBackOff",
            evidence={"log_tail": ["x" * 5000], "admin_password": "hunter2hunter2", "token_file": "/s/t"},
            fix="read the logs",
        ),
    ]


def test_the_prompt_numbers_findings_by_priority_and_redacts_and_trims_evidence(monkeypatch):
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "s3cr3t-from-env")
    evidence_findings = findings()
    evidence_findings[1].evidence["log_tail"].append("login with s3cr3t-from-env")

    prompt = diagnosis_prompt(evidence_findings)

    first, second = prompt.split("\n1. ")[1].split("\n2. ")
    assert first.startswith("[critical] pods: Pod monitoring/grafana-1")
    assert second.startswith("[warning] plan: node count drift")
    assert "hunter2hunter2" not in prompt and "s3cr3t-from-env" not in prompt
    assert '"token_file": "/s/t"' in prompt and "x" * 241 not in prompt
    evidence_line = next(line for line in first.splitlines() if "evidence:" in line)
    assert len(evidence_line) <= MAX_EVIDENCE_CHARS + len("   evidence: ")


def test_the_answer_schema_only_admits_the_numbered_findings_three_items_and_short_texts():
    schema = answer_schema(2)
    item = {"finding": 1, "cause": "c", "correction": "x"}

    assert schema.model_json_schema()["$defs"]["DiagnosisItem"]["properties"]["finding"]["maximum"] == 2
    with pytest.raises(ValidationError):
        schema.model_validate({"items": [{**item, "finding": 3}]})
    with pytest.raises(ValidationError):
        schema.model_validate({"items": [item] * 3})
    with pytest.raises(ValidationError):
        answer_schema(12).model_validate({"items": [item] * 4})
    with pytest.raises(ValidationError):
        schema.model_validate({"items": [{**item, "cause": "c" * 161}]})


def test_the_answer_is_rendered_with_the_cited_findings():
    answer = answer_schema(2).model_validate(
        {
            "items": [
                {"finding": 1, "cause": "the database\n   is locked", "correction": "restart\n  grafana"},
                {"finding": 2, "cause": "drift", "correction": "replan"},
            ]
        }
    )

    lines = render_diagnosis(answer, findings()).splitlines()

    assert lines[0] == "1. Pod monitoring/grafana-1: CrashLoopBackOff"
    assert lines[1] == "   cause: the database is locked"
    assert lines[2] == "   correction: restart grafana"
    assert lines[3:] == ["2. node count drift", "   cause: drift", "   correction: replan"]


def test_an_llm_that_does_not_answer_leaves_no_diagnosis_but_records_its_usage(tmp_path):
    settings = LLMSettings(
        provider="openai",
        model="absent",
        base_url=f"http://127.0.0.1:{free_loopback_port()}/v1",
        api_key="k",
        timeout_s=2,
        max_retries=0,
        cache_dir=tmp_path,
    )

    text, usage, problem = llm_diagnose(settings)(findings())

    assert text is None and "did not answer" in problem
    assert [(u["provider"], u["model"], u["cached"]) for u in usage] == [("openai", "absent", False)]
