"""Real ansible-playbook runs recorded by the state_recorder callback into each backend."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.playbook import REPO, playbook_env, run_playbook
from tests.support.state_store import RECORD_PLAYBOOK, RECORDED_EXECUTIONS_PER_RUN, Recording


def test_a_run_records_its_workflow_executions_llm_calls_and_events(recording: Recording):
    run = run_playbook(
        RECORD_PLAYBOOK, recording.home, {"platform": "k3s", "cluster_env": "staging"}, env=recording.env
    )
    assert run.returncode == 0, run.stdout + run.stderr

    [workflow] = recording.workflows()
    assert workflow["workflow_id"].startswith("k3s-staging-")
    assert (workflow["status"], workflow["platform"], workflow["environment"]) == (
        "COMPLETED",
        "k3s",
        "staging",
    )
    assert workflow["config"] == {
        "platform": "k3s",
        "cluster_env": "staging",
        "cluster_name": "agentic",
        "region": "us-east-1",
        "sandbox": False,
    }
    assert workflow["attempts"] == 1
    assert workflow["owner_pid"] is None

    executions = workflow["executions"]
    assert len(executions) == RECORDED_EXECUTIONS_PER_RUN
    plan, hold, system, workers, ready, validation, secret = executions
    assert {e["agent_name"] for e in executions} == {"recorded_probe"}
    assert plan["status"] == "SUCCEEDED"
    assert plan["logs"] == ["probe: plan"]
    assert plan["output_data"]["payload"] == {
        "nodes": 3,
        "api_key": "**REDACTED**",
        "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "note": "nothing to note",
    }
    assert [
        (c["provider"], c["prompt_tokens"], c["completion_tokens"], c["cached"]) for c in plan["llm_calls"]
    ] == [
        ("openai", 100, 20, False),
        ("openai", 100, 20, True),
    ]
    assert hold["status"] == "SKIPPED"
    assert [(system["output_data"]["echo"], workers["output_data"]["echo"])] == [
        ("group system", "group workers")
    ]
    assert system["execution_id"] != workers["execution_id"]
    assert (ready["status"], ready["output_data"]["attempts"]) == ("SUCCEEDED", 2)
    assert (validation["status"], validation["error_message"]) == ("FAILED", "probe failed: validation")
    assert (secret["status"], secret["input_data"], secret["output_data"], secret["logs"]) == (
        "SUCCEEDED",
        "hidden (no_log)",
        "hidden (no_log)",
        [],
    )
    assert all(e["completed_at"] and e["attempt"] == 1 for e in executions)

    events = _events(recording.home, workflow["workflow_id"])
    assert {"timestamp", "workflow_id", "agent", "level", "message", "execution_time"} <= set(events[0])
    agent_events = [e for e in events if e["agent"] == "recorded_probe"]
    assert [e["message"] for e in agent_events if e["execution_time"] is not None] == [
        "recorded_probe succeeded",
        "recorded_probe skipped",
        "recorded_probe succeeded",
        "recorded_probe succeeded",
        "recorded_probe succeeded",
        "recorded_probe failed: probe failed: validation",
        "recorded_probe succeeded",
    ]
    assert events[-1]["message"] == f"workflow {workflow['workflow_id']}: COMPLETED"

    report = json.loads(
        (recording.home / "workflows" / workflow["workflow_id"] / "report/workflow.json").read_text()
    )
    assert report["status"] == "COMPLETED"
    assert len(report["recorded"]["executions"]) == RECORDED_EXECUTIONS_PER_RUN
    assert report["metrics"]["agentic_k8s_llm_calls_total"] == [
        {"labels": {"cached": "false", "model": "gpt-test", "provider": "openai"}, "value": 1},
        {"labels": {"cached": "true", "model": "gpt-test", "provider": "openai"}, "value": 1},
    ]


def _events(home: Path, workflow_id: str) -> list[dict]:
    lines = (home / "workflows" / workflow_id / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_options_come_from_the_ansible_cfg_section(agentic_home: Path, tmp_path: Path):
    config = tmp_path / "ansible.cfg"
    state_dir = tmp_path / "file-store"
    config.write_text(
        (REPO / "ansible.cfg")
        .read_text()
        .replace("collections_path = .collections", f"collections_path = {REPO / '.collections'}")
        .replace("inventory = inventories/", f"inventory = {REPO / 'inventories'}/")
        .replace("roles_path = roles", f"roles_path = {REPO / 'roles'}")
        .replace(
            "[callback_state_recorder]",
            f"[callback_state_recorder]\nbackend = file\nfile_dir = {state_dir}\n"
            "recorded_modules = recorded_probe",
        )
    )
    run = run_playbook(
        RECORD_PLAYBOOK, agentic_home, {"platform": "eks"}, env={"ANSIBLE_CONFIG": str(config)}
    )
    assert run.returncode == 0, run.stdout + run.stderr
    [document] = state_dir.glob("eks-dev-*.json")
    recorded = json.loads(document.read_text())
    assert recorded["workflow"]["status"] == "COMPLETED"
    assert len(recorded["executions"]) == RECORDED_EXECUTIONS_PER_RUN
    assert not (agentic_home / "state.db").exists()


def test_a_bad_platform_fails_in_init_and_is_recorded_failed_with_the_error(sqlite_recording: Recording):
    run = run_playbook(
        "playbooks/site.yml", sqlite_recording.home, {"platform": "openshift"}, env=sqlite_recording.env
    )
    assert run.returncode != 0
    assert "value of platform must be one of: eks, k3s, aks, gke, got: openshift" in run.stdout
    [workflow] = sqlite_recording.workflows()
    assert workflow["workflow_id"].startswith("openshift-dev-")
    assert workflow["status"] == "FAILED"
    [error] = workflow["errors"]
    assert "value of platform must be one of: eks, k3s, aks, gke, got: openshift" in error["message"]
    assert workflow["executions"] == []


def test_a_region_of_another_cloud_fails_in_init_and_is_recorded_failed(sqlite_recording: Recording):
    extra = {"platform": "eks", "region": "westeurope"}
    run = run_playbook("playbooks/site.yml", sqlite_recording.home, extra, env=sqlite_recording.env)
    assert run.returncode != 0
    [workflow] = sqlite_recording.workflows()
    assert workflow["status"] == "FAILED"
    assert workflow["config"]["region"] == "westeurope"
    assert workflow["errors"][0]["message"] == (
        'region: "westeurope" is not valid for platform eks;'
        " allowed: an AWS region such as us-east-1 or eu-west-3"
    )


def test_a_second_run_of_the_same_workflow_is_a_new_attempt(sqlite_recording: Recording):
    extra = {"platform": "eks", "workflow_id": "eks-dev-resumed1"}
    for _attempt in range(2):
        run = run_playbook(RECORD_PLAYBOOK, sqlite_recording.home, extra, env=sqlite_recording.env)
        assert run.returncode == 0, run.stdout + run.stderr
    [workflow] = sqlite_recording.workflows()
    assert (workflow["workflow_id"], workflow["attempts"], workflow["status"]) == (
        "eks-dev-resumed1",
        2,
        "COMPLETED",
    )
    attempts = [e["attempt"] for e in workflow["executions"]]
    assert attempts == [1] * RECORDED_EXECUTIONS_PER_RUN + [2] * RECORDED_EXECUTIONS_PER_RUN


def test_a_killed_run_is_marked_interrupted_by_the_next_run(sqlite_recording: Recording):
    argv = [
        str(Path(sys.executable).parent / "ansible-playbook"),
        str(REPO / RECORD_PLAYBOOK),
        "-e",
        json.dumps({"platform": "eks", "probe_sleep": 120}),
    ]
    env = playbook_env(sqlite_recording.home, sqlite_recording.env)
    killed = subprocess.Popen(
        argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        _wait_for_running_execution(sqlite_recording, deadline=time.monotonic() + 120)
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait()
    run = run_playbook(RECORD_PLAYBOOK, sqlite_recording.home, {"platform": "eks"}, env=sqlite_recording.env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "was left RUNNING by a dead run: INTERRUPTED" in run.stderr + run.stdout
    interrupted, completed = sorted(sqlite_recording.workflows(), key=lambda w: w["status"] != "INTERRUPTED")
    assert (interrupted["status"], completed["status"]) == ("INTERRUPTED", "COMPLETED")
    assert [e["status"] for e in interrupted["executions"]] == ["SUCCEEDED", "INTERRUPTED"]


def _wait_for_running_execution(recording: Recording, deadline: float) -> None:
    while time.monotonic() < deadline:
        if (recording.home / "state.db").exists():
            for workflow in recording.workflows():
                if any(_is_held(e) for e in workflow["executions"]):
                    return
        time.sleep(0.3)
    raise AssertionError("the run never reached its held task")


def _is_held(execution: dict) -> bool:
    return execution["status"] == "RUNNING" and execution["input_data"].get("message") == "hold"


def test_each_cluster_host_of_a_fleet_gets_its_own_workflow(sqlite_recording: Recording, tmp_path: Path):
    inventory = tmp_path / "fleet.yml"
    inventory.write_text(
        json.dumps(
            {
                "all": {
                    "vars": {
                        "ansible_connection": "local",
                        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    },
                    "hosts": {
                        "cluster-a": {"platform": "eks"},
                        "cluster-b": {"platform": "gke", "cluster_env": "prod"},
                    },
                }
            }
        )
    )
    run = run_playbook(
        RECORD_PLAYBOOK,
        sqlite_recording.home,
        {"agentic_target": "all"},
        "-i",
        str(inventory),
        env=sqlite_recording.env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    workflows = sorted(sqlite_recording.workflows(), key=lambda w: w["platform"])
    assert [(w["platform"], w["environment"], w["status"]) for w in workflows] == [
        ("eks", "dev", "COMPLETED"),
        ("gke", "prod", "COMPLETED"),
    ]
    assert [len(w["executions"]) for w in workflows] == [RECORDED_EXECUTIONS_PER_RUN] * 2
