"""Canary secrets placed in the inputs appear in no generated file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR
from tests.support.recorded_workflow import load_recorded_workflow

ENV_CANARY = "canary-env-openai-5f2c9e71d4"
CANARIES = {
    "kubeconfig": "canary-kubeconfig-client-key-data-9a8b7c",
    "token": "canary-k3s-join-token-1d2e3f",
    "grafana_admin_password": "canary-grafana-password-4c5d6e",
    "url_password": "canary-url-password-7f8a9b",
    "llm_api_key": "canary-llm-api-key-0a1b2c",
    "aws_secret_access_key": "canary-aws-secret-3d4e5f",
}


def plant_canaries(facts: dict) -> dict:
    """Secrets where real runs could leak them: sensitive keys at every depth, a URL with a
    password, free text holding an environment secret."""
    facts["workflow"]["inputs"]["llm_api_key"] = CANARIES["llm_api_key"]
    facts["workflow"]["inputs"]["aws"] = {"aws_secret_access_key": CANARIES["aws_secret_access_key"]}
    facts["plan"]["decisions"].append(
        {"field": "llm", "value": f"called with {ENV_CANARY}", "rationale": "an echo of the key"}
    )
    facts["infra"]["outputs"]["kubeconfig"] = f"apiVersion: v1\nusers:\n- user: {CANARIES['kubeconfig']}"
    facts["infra"]["outputs"]["k3s_token"] = CANARIES["token"]
    facts["monitoring"]["grafana_admin_password"] = CANARIES["grafana_admin_password"]
    facts["monitoring"]["endpoints"]["grafana"]["url"] = (
        f"http://admin:{CANARIES['url_password']}@kube-prometheus-stack-grafana.monitoring.svc:80"
    )
    facts["health"]["findings"][0]["evidence"] = {"token": CANARIES["token"], "log": f"key={ENV_CANARY}"}
    facts["executions"][1]["error_message"] = f"terraform failed; OPENAI_API_KEY={ENV_CANARY}"
    return facts


def test_canary_secrets_appear_in_no_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_CANARY)
    facts = plant_canaries(load_recorded_workflow("completed", tmp_path / "artifacts"))

    result = generate_docs(facts, TEMPLATES_DIR)

    texts = {Path(path).name: Path(path).read_text() for path in result.files}
    for name, text in texts.items():
        for canary in [ENV_CANARY, *CANARIES.values()]:
            assert canary not in text, f"{canary} leaked into {name}"
    assert "**REDACTED**" in texts["configuration.yaml"]
    assert facts["infra"]["kubeconfig_path"] in texts["README.md"]
    assert "kube-prometheus-stack-grafana.monitoring.svc:80" in texts["README.md"]
