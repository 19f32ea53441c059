"""Bad input at the command line fails early, naming the field, before any Terraform runs."""

from __future__ import annotations

from pathlib import Path

import pytest

BAD_INPUTS = [
    pytest.param({"platform": "openshift"}, "platform", "eks, k3s, aks, gke", id="unknown-platform"),
    pytest.param(
        {"platform": "eks", "cluster_env": "production"}, "cluster_env", "dev, staging, prod", id="production"
    ),
    pytest.param(
        {"platform": "eks", "region": "westeurope"}, "region", "an AWS region", id="azure-region-for-eks"
    ),
    pytest.param(
        {"platform": "gke", "region": "us-east-1"}, "region", "a GCP region", id="aws-region-for-gke"
    ),
    pytest.param(
        {"platform": "eks", "planner_desired_nodes": -1},
        "planner_desired_nodes",
        "",
        id="negative-node-count",
    ),
]


def terraform_traces(home: Path) -> list[Path]:
    """Anything Terraform leaves behind: a rendered root module, a .terraform folder, a state."""
    clusters = home / "clusters"
    if not clusters.exists():
        return []
    return [
        path
        for path in clusters.rglob("*")
        if path.name in {".terraform", "terraform.tfstate"} or path.suffix == ".tf"
    ]


@pytest.mark.parametrize(("extra_vars", "field", "allowed"), BAD_INPUTS)
def test_bad_input_fails_before_terraform(playbook_runner, agentic_home, extra_vars, field, allowed):
    result = playbook_runner("playbooks/site.yml", {"sandbox": True, **extra_vars})
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert field in output
    assert allowed in output
    assert terraform_traces(agentic_home) == []
    assert "tf_provision" not in output
