"""The planner with a real model (gemma3-270m on xllamacpp): through the openai SDK with an enforced
JSON schema, through the anthropic SDK on the parse-and-validate path, and a re-run served from the
cache. The model's answers are nonsense: only shape, validation, clamping and fallback are asserted."""

from __future__ import annotations

import httpx2

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import Plan
from ansible_collections.agentic.k8s.plugins.module_utils.planner.service import PlanRequest, plan_cluster
from tests.support.llm_replay import RefusingTransport
from tests.support.llm_server import LOCAL_MODEL_NAME
from tests.support.planner import SHIPPED_CATALOG, assert_plan_within_rules

INPUTS = {"platform": "k3s", "cluster_env": "prod", "region": "us-east-1", "monthly_budget_usd": 2000}
PATIENT = {"timeout_s": 900.0, "max_retries": 0}
"""Two shared cores under load generate a few tokens per second: a generous deadline, no retries."""


def request(home, replan: bool = False) -> PlanRequest:
    return PlanRequest(
        inputs=INPUTS, catalog_file=str(SHIPPED_CATALOG), home=home, cluster_key="k3s-prod-lab", replan=replan
    )


def assert_judged(plan_dict: dict, planner_catalog) -> Plan:
    plan = Plan.model_validate(plan_dict)
    assert_plan_within_rules(plan, planner_catalog)
    assert plan.optimisation.status in {"applied", "unchanged", "fallback"}
    if plan.optimisation.status == "fallback":
        assert any(finding.code == "LLM_FALLBACK" for finding in plan.findings)
    for outcome in plan.suggestions.accepted + plan.suggestions.rejected:
        assert outcome.outcome.startswith(("accepted", "rejected: "))
    return plan


def test_openai_sdk_structured_plan_then_a_cached_rerun(local_llm, tmp_path, planner_catalog):
    settings = LLMSettings(
        provider="openai",
        model=LOCAL_MODEL_NAME,
        base_url=f"{local_llm}/v1",
        cache_dir=tmp_path / "llm-cache",
        **PATIENT,
    )

    cold = plan_cluster(request(tmp_path), settings)

    (usage,) = cold.llm_usage
    assert (usage["provider"], usage["cached"]) == ("openai", False)
    assert usage["prompt_tokens"] > 0
    assert usage["completion_tokens"] > 0
    first = assert_judged(cold.plan, planner_catalog)

    offline = settings.model_copy(update={"http_transport": httpx2.MockTransport(RefusingTransport())})
    warm = plan_cluster(request(tmp_path, replan=True), offline)

    (cached,) = warm.llm_usage
    assert cached["cached"] is True
    assert (cached["prompt_tokens"], cached["completion_tokens"]) == (0, 0)
    assert assert_judged(warm.plan, planner_catalog).node_groups == first.node_groups


def test_anthropic_sdk_text_path_is_parsed_validated_or_falls_back(local_llm, tmp_path, planner_catalog):
    settings = LLMSettings(
        provider="anthropic", model=LOCAL_MODEL_NAME, base_url=local_llm, max_tokens=160, **PATIENT
    )

    outcome = plan_cluster(request(tmp_path), settings)

    (usage,) = outcome.llm_usage
    assert (usage["provider"], usage["cached"]) == ("anthropic", False)
    assert_judged(outcome.plan, planner_catalog)
