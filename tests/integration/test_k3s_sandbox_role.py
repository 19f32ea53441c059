"""k3s on EC2 in the sandbox through the real ``ansible-playbook`` and the infrastructure role:
the exported ``agentic_infra`` fact, a kubeconfig built from the Python-side CA, a re-run that
changes nothing, and a destroy that leaves nothing tagged."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from tests.support.playbook import run_playbook
from tests.support.terraform_sandbox import PLUGIN_DIR, tagged_in_emulator

pytestmark = pytest.mark.terraform

PLAYBOOK = "tests/integration/playbooks/infrastructure.yml"
CLUSTER_KEY = "k3s-test-lab"


@pytest.fixture(scope="module")
def k3s_home(tmp_path_factory: pytest.TempPathFactory, terraform_available: None) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("k3s-home")
    yield home
    emulator.stop_emulator(home)


def run_role(home: Path, **extra_vars) -> tuple[str, dict]:
    fact_path = home / "agentic_infra.json"
    fact_path.unlink(missing_ok=True)
    variables = {
        "test_workflow_id": "k3s-test-0001",
        "test_platform": "k3s",
        "test_cluster_name": "lab",
        "test_fact_path": str(fact_path),
        **extra_vars,
    }
    run = run_playbook(PLAYBOOK, home, variables, env={"AGENTIC_K8S_TF_PLUGIN_DIR": str(PLUGIN_DIR)})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout, json.loads(fact_path.read_text())


@pytest.fixture(scope="module")
def k3s_stack(k3s_home: Path) -> dict:
    """One k3s stack applied through the role, shared by the read-only tests of this module."""
    _result, fact = run_role(k3s_home)
    return fact


def test_the_role_exports_agentic_infra_with_a_kubeconfig_from_the_python_side_ca(k3s_stack, k3s_home):
    fact = k3s_stack

    assert fact["platform"] == "k3s" and fact["sandbox"] is True
    assert fact["changed"] is True and fact["state_existed_before"] is False
    types = {resource["type"] for resource in fact["resources"]}
    assert {"aws_instance", "aws_eip", "aws_key_pair", "aws_security_group"} <= types
    assert fact["endpoint"] == f"https://{fact['outputs']['api_public_ip']}:6443"
    kubeconfig_path = Path(fact["kubeconfig_path"])
    assert kubeconfig_path.parent == k3s_home / "clusters" / CLUSTER_KEY / "secrets"
    assert stat.S_IMODE(kubeconfig_path.stat().st_mode) == 0o600
    kubeconfig = yaml.safe_load(kubeconfig_path.read_text())
    cluster = kubeconfig["clusters"][0]["cluster"]
    assert cluster["server"] == fact["endpoint"]
    server_ca = (kubeconfig_path.parent / "k3s-server-ca.crt").read_text()
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == server_ca
    x509.load_pem_x509_certificate(server_ca.encode())
    token = (kubeconfig_path.parent / "k3s-token").read_text()
    assert token not in json.dumps(fact)
    events = (k3s_home / "workflows" / "k3s-test-0001" / "events.jsonl").read_text()
    assert "aws_instance.server" in events and token not in events


def test_rerunning_the_role_changes_nothing(k3s_stack, k3s_home):
    stdout, fact = run_role(k3s_home)

    assert fact["changed"] is False
    # the same workflow (k3s-test-0001) created the stack: its first answer is kept (rollback scope)
    assert fact["state_existed_before"] is False
    marker = k3s_home / "workflows" / "k3s-test-0001" / "first_attempt.json"
    assert json.loads(marker.read_text()) == {"state_existed_before": False}
    assert fact["plan_summary"] == {"add": 0, "change": 0, "destroy": 0}
    assert "changed: [localhost]" not in stdout.split("Save the exported fact")[0]


def test_destroy_through_the_role_leaves_nothing_tagged(k3s_stack, k3s_home):
    endpoint = emulator.running_emulator(k3s_home).endpoint
    assert tagged_in_emulator(endpoint, CLUSTER_KEY)
    emulator.register_cluster(k3s_home, "keeper")

    _result, fact = run_role(k3s_home, infrastructure_state="absent")

    assert fact["resources"] == []
    assert fact["plan_summary"]["destroy"] == len(k3s_stack["resources"])
    assert tagged_in_emulator(endpoint, CLUSTER_KEY) == []
