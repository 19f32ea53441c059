"""The planner role through real ansible-playbook: it sets agentic_plan, stores the plan with the
cluster, reuses it on the next run, refuses a negative node count in its argument spec, and
(with the local model) records the LLM call."""

from __future__ import annotations

import json
import re

PLAYBOOK = "tests/integration/playbooks/planning_phase.yml"
VARS = {"platform": "eks", "cluster_env": "prod", "cluster_name": "shop", "region": "eu-west-3"}


def plan_line(stdout: str) -> dict:
    match = re.search(r'"msg": "PLAN (\{.*\})"', stdout)
    assert match, stdout[-3000:]
    return json.loads(match.group(1).encode().decode("unicode_escape"))


def test_plan_is_stored_with_the_cluster_and_reused(playbook_runner, agentic_home):
    first = playbook_runner(PLAYBOOK, {**VARS, "planner_llm_provider": "none"})
    assert first.returncode == 0, first.stdout[-3000:]
    stored = agentic_home / "clusters" / "eks-prod-shop" / "plan.json"
    assert stored.is_file()
    assert plan_line(first.stdout)["source"] == "deterministic"

    second = playbook_runner(
        PLAYBOOK, {**VARS, "planner_llm_provider": "none", "planner_cpu_request_cores": 90.0}
    )
    assert second.returncode == 0, second.stdout[-3000:]
    reused = plan_line(second.stdout)
    assert reused["source"] == "stored"
    assert reused["node_groups"] == plan_line(first.stdout)["node_groups"]

    replanned = playbook_runner(
        PLAYBOOK, {**VARS, "planner_llm_provider": "none", "planner_cpu_request_cores": 90.0, "replan": True}
    )
    assert (
        plan_line(replanned.stdout)["node_groups"][0]["desired_size"]
        > reused["node_groups"][0]["desired_size"]
    )


def test_negative_node_count_is_refused_by_the_argument_spec(playbook_runner, agentic_home):
    result = playbook_runner(PLAYBOOK, {**VARS, "planner_min_nodes": -1})
    assert result.returncode != 0
    assert "planner_min_nodes" in result.stdout
    assert not (agentic_home / "clusters" / "eks-prod-shop" / "plan.json").exists()


def test_planning_with_the_local_model_records_llm_usage(playbook_runner, local_llm):
    result = playbook_runner(
        PLAYBOOK,
        {
            **VARS,
            "planner_llm_provider": "openai",
            "planner_llm_base_url": f"{local_llm}/v1",
            "planner_llm_model": "gemma3-270m",
            "planner_llm_timeout": 900,
        },
    )
    assert result.returncode == 0, result.stdout[-3000:]
    plan = plan_line(result.stdout)
    (usage,) = plan["llm_usage"]
    assert (usage["provider"], usage["model"], usage["cached"]) == ("openai", "gemma3-270m", False)
    assert plan["status"] in {"applied", "unchanged", "fallback"}
