"""Fixtures for Terraform against the sandbox's AWS emulator (moto server): one emulator and one
home per test session, requests for tf_provision, and a look into the emulator for the resources
tagged with a cluster key."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import boto3
import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.terraform.models import ProvisionRequest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "terraform"
PLUGIN_DIR = Path(os.environ.get("AGENTIC_K8S_TF_PLUGIN_DIR", "/opt/tf-plugins"))
REGION = "us-east-1"
SMALL_PLAN: dict[str, Any] = {
    "kubernetes_version": "1.31",
    "zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "node_groups": [
        {"name": "general", "instance_type": "t3.medium", "min_size": 1, "desired_size": 2, "max_size": 3}
    ],
}


@pytest.fixture(scope="session")
def terraform_available() -> None:
    """Skip when this machine has no Terraform or no aws provider mirror."""
    if shutil.which("terraform") is None or not PLUGIN_DIR.is_dir():
        pytest.skip("terraform or the aws provider mirror is not installed")


def sandbox_request(home: Path, **fields: Any) -> ProvisionRequest:
    """A sandbox tf_provision request on the plugin mirror; ``fields`` override the defaults."""
    defaults: dict[str, Any] = {
        "platform": "eks",
        "cluster_env": "test",
        "region": REGION,
        "home": home,
        "modules_path": REPO / "terraform",
        "templates_path": REPO / "templates" / "terraform",
        "plugin_dir": PLUGIN_DIR,
        "sandbox": True,
        "plan": SMALL_PLAN,
        "timeout_s": 600,
    }
    return ProvisionRequest(**{**defaults, **fields})


def aws_client(endpoint: str, service: str):
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="sandbox",
        aws_secret_access_key="sandbox",
    )


EC2_LISTINGS = (
    ("describe_vpcs", "Vpcs", "VpcId"),
    ("describe_subnets", "Subnets", "SubnetId"),
    ("describe_internet_gateways", "InternetGateways", "InternetGatewayId"),
    ("describe_route_tables", "RouteTables", "RouteTableId"),
    ("describe_security_groups", "SecurityGroups", "GroupId"),
    ("describe_addresses", "Addresses", "AllocationId"),
    ("describe_nat_gateways", "NatGateways", "NatGatewayId"),
    ("describe_key_pairs", "KeyPairs", "KeyPairId"),
)
GONE_STATES = frozenset({"deleted", "deleting", "terminated", "shutting-down"})


def tagged_in_emulator(endpoint: str, cluster_key: str) -> list[str]:
    """Ids of the emulator's live EC2 resources, EKS clusters and IAM roles tagged with ``cluster_key``.

    Each resource type is listed and its tags read in Python: the emulator's ``DescribeTags`` ignores
    ``tag:`` filters and keeps the tags of deleted resources."""
    ec2 = aws_client(endpoint, "ec2")
    found = []
    for operation, collection, id_key in EC2_LISTINGS:
        for item in getattr(ec2, operation)()[collection]:
            if _tagged(item.get("Tags"), cluster_key) and _state(item) not in GONE_STATES:
                found.append(item[id_key])
    for reservation in ec2.describe_instances()["Reservations"]:
        for instance in reservation["Instances"]:
            if _tagged(instance.get("Tags"), cluster_key) and _state(instance) not in GONE_STATES:
                found.append(instance["InstanceId"])
    eks = aws_client(endpoint, "eks")
    for name in eks.list_clusters()["clusters"]:
        cluster = eks.describe_cluster(name=name)["cluster"]
        if cluster.get("tags", {}).get("agentic:cluster") == cluster_key:
            found.append(cluster["arn"])
    iam = aws_client(endpoint, "iam")
    for role in iam.list_roles()["Roles"]:
        if _tagged(iam.list_role_tags(RoleName=role["RoleName"])["Tags"], cluster_key):
            found.append(role["Arn"])
    return sorted(set(found))


def _tagged(tags: list[dict] | None, cluster_key: str) -> bool:
    return {"Key": "agentic:cluster", "Value": cluster_key} in (tags or [])


def _state(item: dict) -> str:
    state = item.get("State", "")
    return state.get("Name", "") if isinstance(state, dict) else state
