"""The diagnosis prompt (redacted, trimmed, numbered) and the clamping of the LLM's answer."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.validation.diagnosis import (
    MAX_EVIDENCE_CHARS,
    DiagnosisAnswer,
    DiagnosisItem,
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


def test_the_answer_is_clamped_to_known_findings_and_five_items():
    items = [DiagnosisItem(finding=1, cause="c" * 900, correction="restart\n  grafana")]
    items += [DiagnosisItem(finding=2, cause="drift", correction="replan")] * 6
    items.insert(1, DiagnosisItem(finding=9, cause="invented", correction="none"))

    text = render_diagnosis(DiagnosisAnswer(items=items), findings())

    lines = text.splitlines()
    assert len([line for line in lines if line[:2] in {f"{n}." for n in range(1, 10)}]) == 5
    assert lines[0] == "1. Pod monitoring/grafana-1: CrashLoopBackOff"
    assert lines[1].endswith("…") and len(lines[1]) == len("   cause: ") + 400
    assert lines[2] == "   correction: restart grafana"
    assert "invented" not in text


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

    text, usage = llm_diagnose(settings)(findings())

    assert text is None
    assert [(u["provider"], u["model"], u["cached"]) for u in usage] == [("openai", "absent", False)]
