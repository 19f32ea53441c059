"""A recorded Terraform failure diagnosed by the real local model (gemma3-270m on xllamacpp):
its answer is nonsense, so only the shape (advisory text, one llm_usage entry) is asserted."""

from __future__ import annotations

from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.terraform import parse
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.diagnosis import diagnose
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import TerraformError
from tests.support.llm_server import LOCAL_MODEL_NAME

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "recorded"


def test_the_local_model_diagnoses_a_recorded_apply_failure(local_llm, tmp_path):
    messages = parse.parse_json_lines((RECORDED / "apply_subnet_outside_vpc.jsonl").read_text())
    diagnostics = [d.model_dump() for d in parse.errors_only(parse.diagnostics_from_messages(messages))]
    error = TerraformError("terraform apply failed", step="apply", diagnostics=diagnostics)
    settings = LLMSettings(
        provider="openai",
        model=LOCAL_MODEL_NAME,
        base_url=f"{local_llm}/v1",
        cache_dir=tmp_path / "llm-cache",
        max_tokens=96,
        timeout_s=900.0,
        max_retries=0,
    )

    outcome = diagnose(settings, error)

    assert isinstance(outcome["diagnosis"], str) and outcome["diagnosis"]
    [usage] = outcome["llm_usage"]
    assert usage["provider"] == "openai" and usage["prompt_tokens"] > 0
