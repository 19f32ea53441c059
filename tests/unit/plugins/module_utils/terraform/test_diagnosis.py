"""The optional LLM diagnosis of a Terraform failure, replayed through the openai SDK."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2

from ansible_collections.agentic.k8s.plugins.module_utils.terraform import parse
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.diagnosis import diagnose
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import TerraformError
from tests.support.llm_replay import OpenAIReplay, RefusingTransport

RECORDED = Path(__file__).resolve().parents[5] / "tests" / "fixtures" / "terraform" / "recorded"


def recorded_failure(secret: str) -> TerraformError:
    messages = parse.parse_json_lines((RECORDED / "apply_subnet_outside_vpc.jsonl").read_text())
    diagnostics = [d.model_dump() for d in parse.errors_only(parse.diagnostics_from_messages(messages))]
    diagnostics[0]["detail"] = f"request signed with {secret}"
    return TerraformError("terraform apply failed", step="apply", diagnostics=diagnostics)


def test_a_failure_gets_an_advisory_diagnosis_from_a_redacted_prompt(monkeypatch):
    secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    replay = OpenAIReplay(
        "The subnet CIDR 10.99.0.0/24 lies outside the VPC 10.50.0.0/16; pick 10.50.2.0/24."
    )

    outcome = diagnose(replay.settings(), recorded_failure(secret))

    assert outcome["diagnosis"].startswith("The subnet CIDR")
    [usage] = outcome["llm_usage"]
    assert (usage["provider"], usage["model"], usage["cached"]) == ("openai", "recorded-model", False)
    [sent] = replay.requests
    prompt = json.dumps(sent["messages"])
    assert "aws_subnet.outside" in prompt and "InvalidSubnet.Range" in prompt
    assert secret not in prompt


def test_an_unreachable_llm_leaves_the_error_without_a_diagnosis():
    settings = OpenAIReplay("unused").settings()
    settings = settings.model_copy(update={"http_transport": httpx2.MockTransport(RefusingTransport())})

    outcome = diagnose(settings, recorded_failure("not-a-secret"))

    assert outcome["diagnosis"] is None
    assert "did not answer" in outcome["diagnosis_error"]
