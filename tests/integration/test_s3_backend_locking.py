"""The S3 backend with a lock file on the emulator: a second run while another holds the lock is
refused naming the holder; a lock left by a killed run is released only with force_unlock; and
the approval gate's plan_only / plan_file pair applies exactly the saved plan."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.models import ProvisionRequest
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import (
    StateLockedError,
    provision,
)
from tests.support.terraform_sandbox import FIXTURES, aws_client, sandbox_request, tagged_in_emulator

pytestmark = pytest.mark.terraform

BUCKET = "agentic-states"
STATE_KEY = "small/terraform.tfstate"


@pytest.fixture(scope="module")
def s3_home(tmp_path_factory: pytest.TempPathFactory, terraform_available: None) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("s3-home")
    yield home
    emulator.stop_emulator(home)


@pytest.fixture(scope="module")
def s3_request(s3_home: Path) -> ProvisionRequest:
    endpoint = emulator.ensure_emulator(s3_home).endpoint
    aws_client(endpoint, "s3").create_bucket(Bucket=BUCKET)
    return sandbox_request(
        s3_home,
        cluster_name="small",
        project_path=FIXTURES / "small",
        variables={"name": "small"},
        backend={
            "type": "s3",
            "config": {"bucket": BUCKET, "key": STATE_KEY, "region": "us-east-1", "use_lockfile": True},
        },
    )


def test_plan_only_saves_a_plan_that_plan_file_applies_exactly(s3_request, s3_home):
    endpoint = emulator.running_emulator(s3_home).endpoint

    pending = provision(s3_request.model_copy(update={"plan_only": True}))

    assert pending["changed"] is False
    assert pending["plan_summary"] == {"add": 1, "change": 0, "destroy": 0}
    plan_file = Path(pending["plan_file"])
    assert plan_file.is_file()
    assert tagged_in_emulator(endpoint, "eks-test-small") == []

    checked = provision(s3_request.model_copy(update={"plan_file": plan_file}), check_mode=True)

    assert checked["changed"] is True and checked["plan_summary"]["add"] == 1
    assert plan_file.is_file() and tagged_in_emulator(endpoint, "eks-test-small") == []

    applied = provision(s3_request.model_copy(update={"plan_file": plan_file}))

    assert applied["changed"] is True
    assert [resource["type"] for resource in applied["resources"]] == ["aws_vpc"]
    assert not plan_file.exists(), "an applied plan file is removed"
    assert len(tagged_in_emulator(endpoint, "eks-test-small")) == 1
    keys = [item["Key"] for item in aws_client(endpoint, "s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert STATE_KEY in keys


def test_a_concurrent_run_is_refused_naming_the_holder_and_a_stale_lock_needs_force_unlock(
    s3_request, s3_home
):
    endpoint = emulator.running_emulator(s3_home).endpoint
    holder = _hold_state_lock(s3_request, endpoint)
    try:
        with pytest.raises(StateLockedError) as refused:
            provision(s3_request)
        lock = refused.value.details["lock"]
        assert lock["who"] and lock["who"] in refused.value.message
        assert lock["id"] in refused.value.message
        assert lock["path"] == f"{BUCKET}/{STATE_KEY}"
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()

    with pytest.raises(StateLockedError) as stale:
        provision(s3_request)
    assert stale.value.details["lock"]["id"] == lock["id"], "a killed run's lock stays until released"

    released = provision(s3_request.model_copy(update={"force_unlock": lock["id"]}))

    assert released["changed"] is False
    assert f"released state lock {lock['id']} (force_unlock)" in released["logs"]
    destroyed = provision(s3_request.model_copy(update={"state": "absent"}))
    assert destroyed["resources"] == []


def _hold_state_lock(request: ProvisionRequest, endpoint: str) -> subprocess.Popen:
    """A real concurrent Terraform (``console`` holds the state lock while it runs)."""
    working_dir = request.home / "clusters" / request.cluster_key / "terraform"
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(working_dir / ".terraformrc"),
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ENDPOINT_URL_STS": endpoint,
    }
    holder = subprocess.Popen(
        ["terraform", "console", "-no-color"],
        cwd=working_dir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    s3 = aws_client(endpoint, "s3")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        if f"{STATE_KEY}.tflock" in keys:
            return holder
        time.sleep(0.5)
    os.killpg(holder.pid, signal.SIGKILL)
    raise AssertionError("terraform console did not take the state lock within 120 s")
