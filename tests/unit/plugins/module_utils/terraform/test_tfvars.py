from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import InputError
from ansible_collections.agentic.k8s.plugins.module_utils.terraform import tfvars
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.credentials import k3s_credentials

REPO = Path(__file__).resolve().parents[5]
PLAN = {
    "kubernetes_version": "1.30",
    "zones": ["eu-west-3a", "eu-west-3b"],
    "node_groups": [
        {
            "name": "general",
            "instance_type": "m6i.large",
            "min_size": 2,
            "desired_size": 3,
            "max_size": 6,
            "vcpu": 2,
        }
    ],
    "control_plane": {"endpoint_public_access": False, "secrets_encryption": True},
    "findings": [{"severity": "info", "code": "x", "message": "ignored by Terraform"}],
}


def test_eks_variables_carry_the_plan_choices_and_the_sandbox_turns_unsupported_apis_off():
    variables = tfvars.eks_variables(tfvars.plan_choices(PLAN), "eks-dev-a", "eu-west-3", sandbox=True)

    assert variables["kubernetes_version"] == "1.30"
    assert variables["zones"] == ["eu-west-3a", "eu-west-3b"]
    assert variables["node_groups"] == [
        {
            "name": "general",
            "instance_type": "m6i.large",
            "min_size": 2,
            "desired_size": 3,
            "max_size": 6,
            "disk_gib": 50,
        }
    ]
    assert variables["endpoint_public_access"] is False
    assert variables["enable_addons"] is False
    assert variables["enable_access_entries"] is False
    assert variables["node_update_max_unavailable"] is None
    tfvars.check_declared(variables, REPO / "terraform" / "eks")


def test_eks_variables_on_aws_keep_addons_and_access_entries_and_default_the_zones():
    choices = tfvars.plan_choices({**PLAN, "zones": []})
    variables = tfvars.eks_variables(choices, "eks-dev-a", "us-east-2", sandbox=False)

    assert variables["zones"] == ["us-east-2a", "us-east-2b", "us-east-2c"]
    assert "enable_addons" not in variables


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({**PLAN, "node_groups": []}, "plan.node_groups"),
        ({**PLAN, "kubernetes_version": "1.31; rm -rf /"}, "plan.kubernetes_version"),
        (
            {**PLAN, "node_groups": [{**PLAN["node_groups"][0], "instance_type": '${file("/etc/passwd")}'}]},
            "plan.node_groups.0.instance_type",
        ),
        ({**PLAN, "node_groups": [{**PLAN["node_groups"][0], "min_size": 5}]}, "plan.node_groups.0"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(plan, field):
    with pytest.raises(InputError) as raised:
        tfvars.plan_choices(plan)
    assert raised.value.field == field


def test_a_variable_the_module_does_not_declare_is_refused_with_the_allowed_names():
    with pytest.raises(InputError) as raised:
        tfvars.check_declared({"cluster_name": "x", "node_count": 3}, REPO / "terraform" / "k3s")
    assert raised.value.field == "variables.node_count"
    assert "agent_count" in raised.value.message


def test_a_single_zone_plan_gets_the_second_zone_eks_needs_and_open_cidrs_when_none_given():
    plan = {**PLAN, "zones": ["eu-west-3b"], "control_plane": {"public_access_cidrs": []}}

    variables = tfvars.eks_variables(tfvars.plan_choices(plan), "eks-dev-a", "eu-west-3", sandbox=True)

    assert variables["zones"] == ["eu-west-3b", "eu-west-3a"]
    assert variables["public_access_cidrs"] == ["0.0.0.0/0"]


def test_k3s_installs_the_release_of_the_planned_kubernetes_version(tmp_path):
    credentials = k3s_credentials(tmp_path)
    variables = tfvars.k3s_variables(
        tfvars.plan_choices({**PLAN, "kubernetes_version": "1.32"}), "k", "us-east-1", credentials
    )

    assert variables["k3s_version"].startswith("v1.32.")
    assert variables["zone"] == "eu-west-3a"
    assert variables["agent_count"] == 2
    tfvars.check_declared(variables, REPO / "terraform" / "k3s")
    with pytest.raises(InputError) as raised:
        tfvars.k3s_release("1.29")
    assert raised.value.field == "plan.kubernetes_version"
