"""EKS on the sandbox emulator, end to end with real Terraform: apply, outputs, a re-run that
applies nothing, check mode creating nothing, and a destroy that leaves nothing tagged."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import provision
from tests.support.terraform_sandbox import sandbox_request, tagged_in_emulator

pytestmark = pytest.mark.terraform

KEEPER = "keeper-holds-the-emulator"


@pytest.fixture(scope="module")
def eks_home(tmp_path_factory: pytest.TempPathFactory, terraform_available: None) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("eks-home")
    yield home
    emulator.stop_emulator(home)


@pytest.fixture(scope="module")
def eks_stack(eks_home: Path) -> dict:
    """One applied EKS stack shared by the read-only tests of this module."""
    request = sandbox_request(
        eks_home,
        cluster_name="shared",
        workflow_id="eks-test-0001",
        events_path=eks_home / "workflows" / "eks-test-0001" / "events.jsonl",
    )
    return {"request": request, "result": provision(request)}


def test_eks_apply_returns_outputs_resources_and_a_private_kubeconfig(eks_stack):
    result, request = eks_stack["result"], eks_stack["request"]

    assert result["changed"] is True
    assert result["state_existed_before"] is False
    assert result["plan_summary"]["add"] == len(result["resources"]) > 20
    assert {"aws_eks_cluster", "aws_eks_node_group", "aws_kms_key", "aws_nat_gateway"} <= {
        resource["type"] for resource in result["resources"]
    }
    assert result["outputs"]["cluster_name"] == "eks-test-shared"
    assert result["endpoint"].startswith("https://")
    kubeconfig_path = Path(result["kubeconfig_path"])
    assert stat.S_IMODE(kubeconfig_path.stat().st_mode) == 0o600
    kubeconfig = yaml.safe_load(kubeconfig_path.read_text())
    assert kubeconfig["users"][0]["user"]["exec"]["args"][2:4] == ["eks", "get-token"]
    assert "certificate_authority_data" in result["outputs"]
    assert "kubeconfig" not in json.dumps(result["outputs"])
    tfvars = json.loads((Path(result["terraform_dir"]) / "terraform.tfvars.json").read_text())
    assert tfvars["enable_addons"] is False and tfvars["enable_access_entries"] is False
    assert tagged_in_emulator(_endpoint(request.home), "eks-test-shared")


def test_apply_progress_reaches_the_workflow_events_with_durations(eks_stack):
    request = eks_stack["request"]
    events = [json.loads(line) for line in request.events_path.read_text().splitlines()]

    result = eks_stack["result"]
    completed = [event for event in events if event.get("event") == "apply_complete"]
    assert {event["address"] for event in completed} == {r["address"] for r in result["resources"]}
    assert all(event["workflow_id"] == "eks-test-0001" and "duration_s" in event for event in completed)
    assert any(line.startswith("aws_eks_cluster.this: create complete") for line in result["logs"])


def test_rerun_with_unchanged_inputs_applies_nothing(eks_stack):
    result = provision(eks_stack["request"])

    assert result["changed"] is False
    assert result["state_existed_before"] is True
    assert result["plan_summary"] == {"add": 0, "change": 0, "destroy": 0}
    assert len(result["resources"]) == len(eks_stack["result"]["resources"])


def test_check_mode_plans_and_creates_nothing(eks_stack, eks_home):
    request = sandbox_request(eks_home, cluster_name="ghost")

    result = provision(request, check_mode=True, diff=True)

    assert result["changed"] is True
    assert result["plan_summary"]["add"] > 20
    assert result["resources"] == []
    assert {entry["address"] for entry in result["diff"]} >= {"aws_eks_cluster.this", "aws_vpc.this[0]"}
    assert tagged_in_emulator(_endpoint(eks_home), "eks-test-ghost") == []
    assert not list((Path(result["terraform_dir"]) / "plans").iterdir())


def test_destroy_leaves_an_empty_state_and_nothing_tagged_then_stops_the_emulator(eks_stack, eks_home):
    emulator.register_cluster(eks_home, KEEPER)
    request = eks_stack["request"].model_copy(update={"state": "absent"})

    result = provision(request)

    assert result["changed"] is True
    assert result["state_existed_before"] is True
    assert result["resources"] == []
    assert result["kubeconfig_path"] is None
    state = json.loads((Path(result["terraform_dir"]) / "terraform.tfstate").read_text())
    assert state["resources"] == []
    assert tagged_in_emulator(_endpoint(eks_home), "eks-test-shared") == []
    assert emulator.release_cluster(eks_home, KEEPER) is True
    assert emulator.running_emulator(eks_home) is None


def _endpoint(home: Path) -> str:
    running = emulator.running_emulator(home)
    assert running is not None, "the sandbox emulator should still run"
    return running.endpoint
