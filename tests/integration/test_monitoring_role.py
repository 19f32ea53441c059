"""The monitoring role in real ansible-playbook runs: in the sandbox it renders and validates and
says so; against a cluster (the Kubernetes API fake and the fake helm) it applies, and a second
run changes nothing; in check mode it returns the manifests and writes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

PLAY = """
- name: Run phase 4 on facts as the earlier phases leave them
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Run the monitoring role
      ansible.builtin.include_role:
        name: agentic.k8s.monitoring

    - name: Keep agentic_monitoring for the test
      ansible.builtin.copy:
        content: "{{ agentic_monitoring | to_json }}"
        dest: "{{ fact_out }}"
        mode: "0600"
      check_mode: false
      changed_when: false
"""
PLAN = {
    "platform": "eks",
    "kubernetes_version": "1.31",
    "monitoring": {
        "retention_days": 21,
        "storage_gib": 80,
        "expected_series": 150000,
        "prometheus_cpu_request": "750m",
        "prometheus_memory_request": "1200Mi",
    },
}


def play(tmp_path: Path) -> Path:
    path = tmp_path / "monitoring.yml"
    path.write_text(PLAY)
    return path


def workflow_vars(tmp_path: Path, **workflow) -> dict:
    return {
        "fact_out": str(tmp_path / "fact.json"),
        "agentic_workflow": {
            "id": "eks-dev-mon1",
            "platform": "eks",
            "cluster_key": "eks-dev-mon",
            "artifacts_dir": str(tmp_path / "artifacts"),
            "sandbox": False,
            **workflow,
        },
        "agentic_plan": PLAN,
    }


def recap_changed(stdout: str) -> int:
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", stdout).group(1))


def test_sandbox_run_renders_validates_and_says_so(playbook_runner, tmp_path):
    run = playbook_runner(play(tmp_path), workflow_vars(tmp_path, sandbox=True))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Sandbox: no Kubernetes API exists" in run.stdout
    fact = json.loads((tmp_path / "fact.json").read_text())
    assert fact["mode"] == "render" and fact["applied"] is False
    values = yaml.safe_load(Path(fact["values_file"]).read_text())
    assert values["prometheus"]["prometheusSpec"]["retention"] == "21d"
    assert values["kubeEtcd"] == {"enabled": False}
    assert all(Path(path).is_file() for path in fact["manifests"])
    assert fact["manifests_dir"] == str(tmp_path / "artifacts" / "manifests" / "monitoring" / "manifests")
    runbook = f"file://{tmp_path / 'artifacts'}/docs/RUNBOOK.md#agenticnodedown"
    assert {"name": "AgenticNodeDown", "runbook_url": runbook}.items() <= fact["alerts"][0].items()
    assert fact["endpoints"]["prometheus"]["port"] == 9090


def test_role_on_an_existing_cluster_applies_then_reruns_unchanged(
    playbook_runner, tmp_path, kube_fake, fake_helm
):
    extra = {
        "fact_out": str(tmp_path / "fact.json"),
        "monitoring_platform": "k3s",
        "monitoring_kubeconfig_path": str(kube_fake.kubeconfig),
        "monitoring_dest": str(tmp_path / "rendered"),
    }
    first = playbook_runner(play(tmp_path), extra)
    assert first.returncode == 0, first.stdout + first.stderr
    fact = json.loads((tmp_path / "fact.json").read_text())
    assert fact["mode"] == "apply" and fact["applied"] is True
    assert fact["helm"]["action"] == "installed"
    assert kube_fake.api.stored("v1", "ServiceAccount", "agentic-validator", "monitoring")
    second = playbook_runner(play(tmp_path), extra)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap_changed(second.stdout) == 0
    assert json.loads((tmp_path / "fact.json").read_text())["helm"]["action"] == "unchanged"


def test_check_mode_returns_the_manifests_and_writes_nothing(playbook_runner, tmp_path, kube_fake, fake_helm):
    extra = {**workflow_vars(tmp_path), "agentic_infra": {"kubeconfig_path": str(kube_fake.kubeconfig)}}
    run = playbook_runner(play(tmp_path), extra, "--check", "--diff")
    assert run.returncode == 0, run.stdout + run.stderr
    fact = json.loads((tmp_path / "fact.json").read_text())
    assert fact["mode"] == "apply" and fact["applied"] is False and fact["cluster_reachable"] is True
    assert {m["kind"] for m in fact["rendered_manifests"]} >= {"Namespace", "PrometheusRule", "ClusterRole"}
    assert not (tmp_path / "artifacts" / "manifests").exists()
    assert not fake_helm.releases()
    assert kube_fake.api.stored("v1", "Namespace", "monitoring") is None


def test_bad_input_fails_naming_the_field(playbook_runner, tmp_path):
    extra = {**workflow_vars(tmp_path, sandbox=True), "monitoring_prometheus_memory_request": "plenty"}
    run = playbook_runner(play(tmp_path), extra)
    assert run.returncode != 0
    assert "prometheus_memory_request: 'plenty' is not valid; allowed: a memory quantity" in run.stdout
