"""The diagnosis with the REAL local LLM (xllamacpp + gemma3): its answer is advisory text beside
the deterministic findings, which it does not change; the call is recorded in llm_usage."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.validation.agent import (
    ReportTarget,
    validate_cluster,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.diagnosis import llm_diagnose
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import ValidationSettings
from tests.support.cluster_objects import pod
from tests.support.llm_server import LOCAL_MODEL_NAME


def test_the_llm_diagnosis_is_advisory_and_recorded(cluster_to_validate, local_llm, tmp_path):
    cluster_to_validate.seed(pod("monitoring", "grafana-1", waiting="CrashLoopBackOff", restarts=6))
    cluster_to_validate.api.seed_pod_log("monitoring", "grafana-1", "panic: database is locked\n")
    settings = ValidationSettings(
        kubeconfig_path=str(cluster_to_validate.kubeconfig), checks=["nodes", "pods"]
    )
    llm = LLMSettings(
        provider="openai",
        model=LOCAL_MODEL_NAME,
        base_url=f"{local_llm}/v1",
        api_key="local",
        max_tokens=512,
        timeout_s=900,
        max_retries=0,
        cache_dir=tmp_path / "llm-cache",
    )
    no_report = ReportTarget(report_dir=None, templates_dir=None)

    plain = validate_cluster(settings, no_report)
    advised = validate_cluster(settings, no_report, diagnose=llm_diagnose(llm))

    assert advised.report.findings == plain.report.findings
    assert (advised.report.score, advised.failed) == (plain.report.score, plain.failed)
    assert [(u["provider"], u["model"], u["cached"]) for u in advised.llm_usage] == [
        ("openai", LOCAL_MODEL_NAME, False)
    ]
    assert advised.report.diagnosis.startswith("1. Pod monitoring/grafana-1: CrashLoopBackOff")
    assert "   correction: " in advised.report.diagnosis
    again = validate_cluster(settings, no_report, diagnose=llm_diagnose(llm))
    assert again.llm_usage[0]["cached"] is True and again.report.diagnosis == advised.report.diagnosis
