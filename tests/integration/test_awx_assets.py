"""The AWX assets (awx/, execution-environment.yml) match the workflow they launch, the execution
environment's build context is created offline, and AWX mode refuses local state."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.playbook import REPO

AWX = REPO / "awx"


def init_options() -> dict:
    specs = yaml.safe_load((REPO / "roles" / "init" / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"]


def survey_questions() -> dict[str, dict]:
    survey = json.loads((AWX / "survey_spec.json").read_text())
    return {question["variable"]: question for question in survey["spec"]}


def test_survey_offers_exactly_the_choices_of_the_workflow_inputs():
    questions = survey_questions()
    options = init_options()
    for variable in ("platform", "cluster_env"):
        assert questions[variable]["choices"] == options[variable]["choices"]
    assert {"cluster_name", "region"} <= set(questions)
    planner = yaml.safe_load((REPO / "roles" / "planner" / "meta" / "argument_specs.yml").read_text())
    planner_options = planner["argument_specs"]["main"]["options"]
    for variable in ("planner_instance_type", "planner_desired_nodes"):
        assert variable in planner_options
    assert questions["planner_desired_nodes"]["min"] >= 1


def test_workflow_gates_apply_behind_an_approval_node():
    workflow = yaml.safe_load((AWX / "workflow_template.yml").read_text())
    nodes = {node["identifier"]: node for node in workflow["workflow_nodes"]}
    assert nodes["plan"]["related"]["success_nodes"] == [{"identifier": "approve"}]
    assert "approval_node" in nodes["approve"]
    assert nodes["approve"]["related"]["success_nodes"] == [{"identifier": "apply"}]
    templates = {
        template["name"]: template
        for template in yaml.safe_load((AWX / "job_templates.yml").read_text())["job_templates"]
    }
    assert templates[nodes["plan"]["unified_job_template"]["name"]]["extra_vars"]["approve"] is False
    apply_vars = templates[nodes["apply"]["unified_job_template"]["name"]]["extra_vars"]
    assert apply_vars["approve"] is True
    assert apply_vars["resume"] is True
    for template in templates.values():
        assert template["playbook"] == "playbooks/site.yml"
        assert (REPO / template["playbook"]).exists()
        assert template["extra_vars"]["infrastructure_backend"] in {"s3", "azurerm", "gcs", "pg"}


def test_credential_type_injects_the_postgres_store_and_keeps_secrets_secret():
    credential = yaml.safe_load((AWX / "credential_type.yml").read_text())
    fields = {field["id"]: field for field in credential["inputs"]["fields"]}
    assert all(fields[name]["secret"] for name in ("state_dsn", "openai_api_key", "anthropic_api_key"))
    env = credential["injectors"]["env"]
    assert env["AGENTIC_K8S_STATE_BACKEND"] == "postgres"
    assert env["AGENTIC_K8S_STATE_DSN"] == "{{ state_dsn }}"
    assert "extra_vars" not in credential["injectors"]


def test_execution_environment_context_is_created_offline(tmp_path: Path):
    for name in ("execution-environment.yml", "bindep.txt", "requirements.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    bin_dir = Path(sys.executable).parent
    build = [str(bin_dir / "ansible-galaxy"), "collection", "build", "--force", str(REPO)]
    subprocess.run(
        [*build, "--output-path", str(tmp_path / "context-src")],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    created = subprocess.run(
        [str(bin_dir / "ansible-builder"), "create", "--context", str(tmp_path / "context")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    containerfile = (tmp_path / "context" / "Dockerfile").read_text()
    assert "terraform_${TERRAFORM_VERSION}_linux_amd64.zip" in containerfile
    assert "aws --version" in containerfile
    assert list((tmp_path / "context" / "_build" / "collection").glob("agentic-k8s-*.tar.gz"))
    requirements = (tmp_path / "context" / "_build" / "requirements.txt").read_text()
    assert "psycopg[binary]" in requirements


def test_awx_mode_refuses_to_start_with_local_state(playbook_runner, agentic_home):
    result = playbook_runner("playbooks/site.yml", {"platform": "eks", "awx_job_id": 42})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'infrastructure_backend: \\"local\\" is not remote' in output
    assert "ephemeral" in output
    assert "allowed: postgres" in output
    assert not (agentic_home / "clusters").exists()


def test_awx_mode_names_only_what_is_missing(playbook_runner, agentic_home):
    result = playbook_runner(
        "playbooks/site.yml",
        {"platform": "eks", "awx_job_id": 42, "infrastructure_backend": "s3"},
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "infrastructure_backend:" not in output
    assert "allowed: postgres" in output
