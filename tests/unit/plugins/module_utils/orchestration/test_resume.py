from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.orchestration.resume import resume_state

PHASES = [
    {"name": "planning", "section": "block", "policy": "fail", "module": "llm_plan", "fact": "agentic_plan",
     "result_key": "plan"},
    {"name": "provisioning", "section": "block", "policy": "rollback", "module": "tf_provision",
     "fact": "agentic_infra", "gate": "approval"},
    {"name": "configuration", "section": "block", "policy": "fail", "module": "monitoring_stack",
     "fact": "agentic_monitoring"},
    {"name": "documentation", "section": "always", "policy": "warn"},
]  # fmt: skip


def execution(agent: str, status: str, attempt: int = 1, **output) -> dict:
    return {
        "agent_name": agent,
        "status": status,
        "attempt": attempt,
        "started_at": f"2026-01-01T00:00:0{attempt}Z",
        "output_data": {"changed": True, "logs": ["x"], **output},
    }


def workflow(status: str, *executions: dict, attempts: int = 1) -> dict:
    return {
        "workflow_id": "eks-dev-1",
        "status": status,
        "attempts": attempts,
        "executions": list(executions),
    }


def test_interrupted_workflow_resumes_at_the_first_incomplete_phase():
    state = resume_state(
        workflow(
            "INTERRUPTED",
            execution("llm_plan", "SUCCEEDED", plan={"platform": "eks"}),
            execution("tf_provision", "INTERRUPTED"),
        ),
        PHASES,
    )
    assert state["completed"] == {"planning": {"fact": "agentic_plan", "value": {"platform": "eks"}}}
    assert state["next_phase"] == "provisioning"
    assert state["attempt"] == 2
    assert state["plan_file"] == ""


def test_whole_result_without_housekeeping_becomes_the_fact():
    state = resume_state(
        workflow(
            "FAILED",
            execution("llm_plan", "SUCCEEDED", plan={}),
            execution(
                "agentic.k8s.tf_provision", "SUCCEEDED", kubeconfig_path="/k", state_existed_before=False
            ),
            execution("monitoring_stack", "FAILED"),
        ),
        PHASES,
    )
    assert state["completed"]["provisioning"]["value"] == {
        "kubeconfig_path": "/k",
        "state_existed_before": False,
    }
    assert state["next_phase"] == "configuration"


def test_a_later_failed_attempt_of_a_phase_makes_it_incomplete_again():
    state = resume_state(
        workflow(
            "FAILED",
            execution("llm_plan", "SUCCEEDED", attempt=1, plan={}),
            execution("llm_plan", "FAILED", attempt=2),
            execution("tf_provision", "SUCCEEDED", attempt=1),
            attempts=2,
        ),
        PHASES,
    )
    assert state["completed"] == {}
    assert state["next_phase"] == "planning"
    assert state["attempt"] == 3


def test_phases_after_an_incomplete_one_are_not_taken_over():
    state = resume_state(
        workflow("FAILED", execution("llm_plan", "FAILED"), execution("tf_provision", "SUCCEEDED")), PHASES
    )
    assert state["completed"] == {}


def test_awaiting_approval_resumes_at_the_gated_phase_with_its_saved_plan():
    state = resume_state(
        workflow(
            "AWAITING_APPROVAL",
            execution("llm_plan", "SUCCEEDED", plan={}),
            execution("tf_provision", "SUCCEEDED", plan_file="/h/plan.tfplan", state_existed_before=False),
        ),
        PHASES,
    )
    assert list(state["completed"]) == ["planning"]
    assert state["next_phase"] == "provisioning"
    assert state["plan_file"] == "/h/plan.tfplan"


def test_awaiting_approval_without_a_plan_file_is_an_error():
    with pytest.raises(AgenticError, match="no saved plan file"):
        resume_state(workflow("AWAITING_APPROVAL", execution("tf_provision", "SUCCEEDED")), PHASES)


def test_a_running_workflow_is_not_resumed():
    with pytest.raises(AgenticError, match="still RUNNING"):
        resume_state(workflow("RUNNING"), PHASES)


def test_a_resume_must_repeat_the_inputs_that_name_the_cluster():
    recorded = {
        **workflow("FAILED"),
        "config": {"platform": "eks", "cluster_name": "a", "region": "us-east-1"},
    }
    same = resume_state(recorded, PHASES, {"platform": "eks", "cluster_name": "a", "region": "us-east-1"})
    other = resume_state(recorded, PHASES, {"platform": "eks", "cluster_name": "b", "region": "us-east-1"})
    assert same["changed_inputs"] == []
    assert other["changed_inputs"] == ["cluster_name"]
