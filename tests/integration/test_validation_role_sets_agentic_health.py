"""The validation role in real ansible-playbook runs: live against the Kubernetes API fake (healthy:
agentic_health and the report files; broken: the phase fails after setting agentic_health), and in
check mode on a sandbox run, static, writing nothing and claiming no live health."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cluster_objects import node

PLAY = """
- name: Run phase 5 on facts as the earlier phases leave them
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Validate
      block:
        - name: Run the validation role
          ansible.builtin.include_role:
            name: agentic.k8s.validation
      always:
        - name: Keep agentic_health for the test
          ansible.builtin.copy:
            content: "{{ agentic_health | default({}) | to_json }}"
            dest: "{{ health_out }}"
            mode: "0600"
          check_mode: false
"""


def facts(tmp_path: Path, kubeconfig: str, **workflow) -> dict:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "events.jsonl").write_text(
        json.dumps(
            {
                "timestamp": "2026-11-26T05:00:00.000Z",
                "agent": "planner",
                "level": "INFO",
                "execution_time": 1,
            }
        )
        + "\n"
    )
    return {
        "health_out": str(tmp_path / "health.json"),
        "agentic_workflow": {
            "id": "eks-dev-test1",
            "artifacts_dir": str(artifacts),
            "sandbox": False,
            **workflow,
        },
        "agentic_plan": {
            "platform": "eks",
            "kubernetes_version": "1.30",
            "node_groups": [{"name": "system", "desired_size": 2}, {"name": "apps", "desired_size": 1}],
        },
        "agentic_infra": {"platform": "eks", "kubeconfig_path": kubeconfig, "resources": [{"address": "x"}]},
        "validation_wait_timeout": 0,
        "validation_probe": {"timeout": 5},
    }


def write_play(tmp_path: Path) -> Path:
    path = tmp_path / "play.yml"
    path.write_text(PLAY)
    return path


def test_the_role_sets_agentic_health_and_writes_the_report(cluster_to_validate, playbook_runner, tmp_path):
    extra = facts(tmp_path, str(cluster_to_validate.kubeconfig))

    run = playbook_runner(write_play(tmp_path), extra)

    assert run.returncode == 0, run.stdout[-3000:]
    health = json.loads((tmp_path / "health.json").read_text())
    assert (health["mode"], health["status"], health["score"]) == ("live", "healthy", 100)
    assert health["checks_run"] == ["nodes", "pods", "networking", "security", "plan"]
    assert [s["check"] for s in health["checks_skipped"]] == ["endpoints", "manifests"]
    report = Path(health["report"]["html"])
    assert report.parent == tmp_path / "artifacts" / "report"
    assert 'data-phase="planner"' in report.read_text()
    assert json.loads(Path(health["report"]["json"]).read_text())["score"] == 100


def test_critical_findings_fail_the_phase_after_setting_agentic_health(
    cluster_to_validate, playbook_runner, tmp_path
):
    cluster_to_validate.seed(node("node-2", ready=False))

    run = playbook_runner(write_play(tmp_path), facts(tmp_path, str(cluster_to_validate.kubeconfig)))

    assert run.returncode != 0
    assert "Node node-2 is NotReady" in run.stdout
    health = json.loads((tmp_path / "health.json").read_text())
    assert health["status"] == "critical"
    assert health["findings"][0]["message"] == "Node node-2 is NotReady"


def test_check_mode_on_a_sandbox_is_static_and_writes_nothing(playbook_runner, tmp_path):
    rendered = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "g", "namespace": "monitoring"}}
    rendered["dta"] = {}
    extra = facts(tmp_path, "", sandbox=True)
    extra["agentic_monitoring"] = {
        "namespace": "monitoring",
        "manifests": [],
        "rendered_manifests": [rendered],
    }

    run = playbook_runner(write_play(tmp_path), extra, "--check")

    assert run.returncode != 0, "the misspelled field is a critical manifest finding"
    health = json.loads((tmp_path / "health.json").read_text())
    assert health["mode"] == "static"
    assert health["checks_run"] == ["manifests", "plan"]
    skipped = {s["check"]: s["reason"] for s in health["checks_skipped"]}
    assert set(skipped) == {"nodes", "pods", "endpoints", "networking", "security"}
    assert all("check mode" in reason for reason in skipped.values())
    assert any("dta" in f["message"] for f in health["findings"] if f["check"] == "manifests")
    assert health["report"] == {"json": None, "markdown": None, "html": None}
    assert not (tmp_path / "artifacts" / "report").exists()
