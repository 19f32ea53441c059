"""A failure in the middle of an apply (a subnet outside its VPC's CIDR) is reported with the
resource address, file and line, keeps the plan file, and a destroy removes what was created."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import TerraformError, provision
from tests.support.terraform_sandbox import FIXTURES, sandbox_request, tagged_in_emulator

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def failing_home(tmp_path_factory: pytest.TempPathFactory, terraform_available: None) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("failing-home")
    yield home
    emulator.stop_emulator(home)


def test_mid_apply_failure_names_the_resource_then_destroy_removes_what_was_created(failing_home):
    request = sandbox_request(
        failing_home,
        cluster_name="broken",
        project_path=FIXTURES / "subnet_outside_vpc",
        variables={"name": "broken"},
        workflow_id="eks-test-broken",
    )

    with pytest.raises(TerraformError) as raised:
        provision(request)

    details = raised.value.details
    [diagnostic] = details["diagnostics"]
    assert diagnostic["address"] == "aws_subnet.outside"
    assert (diagnostic["file"], diagnostic["line"]) == ("main.tf", 18)
    assert "InvalidSubnet.Range" in diagnostic["summary"]
    assert "aws_subnet.outside" in raised.value.message
    assert Path(details["plan_file"]).is_file(), "a failed plan file is kept"
    assert "aws_subnet.inside: create complete after 0 s" in details["logs"]
    endpoint = emulator.running_emulator(failing_home).endpoint
    assert len(tagged_in_emulator(endpoint, "eks-test-broken")) == 2, "the VPC and the first subnet exist"

    emulator.register_cluster(failing_home, "keeper")
    destroyed = provision(request.model_copy(update={"state": "absent"}))

    assert destroyed["state_existed_before"] is True
    assert destroyed["plan_summary"]["destroy"] == 2
    assert destroyed["resources"] == []
    assert tagged_in_emulator(endpoint, "eks-test-broken") == []
