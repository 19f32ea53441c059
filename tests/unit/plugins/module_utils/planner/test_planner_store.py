"""The accepted plan is stored with the cluster and reused by later runs unless replan=true."""

from __future__ import annotations

import json

import httpx2
import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError, InputError
from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings
from ansible_collections.agentic.k8s.plugins.module_utils.planner.service import PlanRequest, plan_cluster
from tests.support.llm_replay import OpenAIReplay, RefusingTransport
from tests.support.planner import SHIPPED_CATALOG

INPUTS = {"platform": "eks", "cluster_env": "prod", "region": "eu-west-3", "expected_pods": 60}
KEY = "eks-prod-shop"
GOOD_ANSWER = json.dumps(
    {"suggestions": [{"field": "disk_gib", "value": 80, "reason": "smaller root disks suffice"}]}
)


def request(home, **extra) -> PlanRequest:
    fields = {
        "inputs": INPUTS,
        "catalog_file": str(SHIPPED_CATALOG),
        "home": home,
        "cluster_key": KEY,
        "artifacts_dir": home / "workflows" / "wf-1",
        **extra,
    }
    return PlanRequest(**fields)


def refusing_settings() -> LLMSettings:
    return LLMSettings(
        provider="openai",
        model="m",
        base_url="http://llm.invalid/v1",
        http_transport=httpx2.MockTransport(RefusingTransport()),
    )


def test_first_run_stores_the_plan_with_the_cluster_and_the_workflow(tmp_path):
    outcome = plan_cluster(request(tmp_path), None)

    stored = tmp_path / "clusters" / KEY / "plan.json"
    copy = tmp_path / "workflows" / "wf-1" / "plan.json"
    assert outcome.changed is True
    assert outcome.plan_file == str(stored)
    assert stored.stat().st_mode & 0o777 == 0o600
    assert json.loads(stored.read_text())["plan"] == outcome.plan
    assert json.loads(copy.read_text()) == outcome.plan
    assert outcome.plan["optimisation"]["status"] == "not-configured"
    assert outcome.llm_usage == []
    assert any(line.startswith("plan (deterministic): ") for line in outcome.logs)


def test_later_runs_reuse_the_stored_plan_and_call_no_llm(tmp_path):
    first = plan_cluster(request(tmp_path), OpenAIReplay(GOOD_ANSWER).settings())
    assert first.plan["source"] == "llm"

    again = plan_cluster(request(tmp_path), refusing_settings())

    assert again.changed is False
    assert again.llm_usage == []
    assert again.plan["source"] == "stored"
    assert again.plan["node_groups"] == first.plan["node_groups"]
    assert again.before["node_groups"] == first.plan["node_groups"]


def test_changed_inputs_keep_the_stored_plan_with_a_warning(tmp_path):
    first = plan_cluster(request(tmp_path), None)

    bigger = plan_cluster(request(tmp_path, inputs={**INPUTS, "cpu_request_cores": 200.0}), None)

    assert bigger.plan["node_groups"] == first.plan["node_groups"]
    assert any(f["code"] == "STORED_PLAN_INPUTS_DIFFER" for f in bigger.plan["findings"])


def test_replan_plans_again_and_stores_the_new_plan(tmp_path):
    plan_cluster(request(tmp_path), None)

    replanned = plan_cluster(
        request(tmp_path, inputs={**INPUTS, "cpu_request_cores": 200.0}, replan=True), None
    )

    stored = json.loads((tmp_path / "clusters" / KEY / "plan.json").read_text())
    assert replanned.changed is True
    assert replanned.plan["source"] == "deterministic"
    assert stored["plan"]["node_groups"] == replanned.plan["node_groups"]
    assert stored["inputs"]["cpu_request_cores"] == 200.0


def test_check_mode_writes_nothing_but_reports_the_change(tmp_path):
    outcome = plan_cluster(request(tmp_path), None, check_mode=True)

    assert outcome.changed is True
    assert not (tmp_path / "clusters" / KEY / "plan.json").exists()
    assert not (tmp_path / "workflows").exists()


def test_optimise_false_never_calls_the_llm(tmp_path):
    outcome = plan_cluster(request(tmp_path, optimise=False), None)
    assert outcome.plan["optimisation"]["status"] == "disabled"


def test_unknown_region_is_refused_even_with_a_stored_plan(tmp_path):
    plan_cluster(request(tmp_path), None)
    with pytest.raises(InputError) as raised:
        plan_cluster(request(tmp_path, inputs={**INPUTS, "region": "mars-north-1"}), None)
    assert raised.value.field == "region"


def test_a_corrupt_stored_plan_is_an_error_not_a_silent_replan(tmp_path):
    stored = tmp_path / "clusters" / KEY / "plan.json"
    stored.parent.mkdir(parents=True)
    stored.write_text("{not json")
    with pytest.raises(AgenticError, match="replan=true"):
        plan_cluster(request(tmp_path), None)


def test_cluster_key_must_be_a_safe_folder_name(tmp_path):
    with pytest.raises(InputError) as raised:
        plan_cluster(request(tmp_path, cluster_key="../../etc"), None)
    assert raised.value.field == "cluster_key"
