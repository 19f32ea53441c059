"""Shared helpers of the planner tests: the shipped catalog, inputs with defaults, and the
invariants every plan must keep whatever an LLM answered."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED_CATALOG = REPO / "roles" / "planner" / "files" / "catalog.yml"
DEFAULT_REGIONS = {"eks": "us-east-1", "k3s": "us-east-1", "aks": "westeurope", "gke": "us-central1"}


@pytest.fixture(scope="session")
def planner_catalog():
    from ansible_collections.agentic.k8s.plugins.module_utils.planner.catalog import load_catalog

    return load_catalog(SHIPPED_CATALOG)


def plan_inputs(platform: str = "eks", cluster_env: str = "prod", **extra):
    from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import parse_inputs

    return parse_inputs(
        {"platform": platform, "cluster_env": cluster_env, "region": DEFAULT_REGIONS[platform], **extra}
    )


def assert_plan_within_rules(plan, catalog) -> None:
    """The deterministic rules' invariants: what no LLM answer may break."""
    platform = catalog.platforms[plan.platform]
    group = plan.node_groups[0]
    assert group.instance_type in platform.region_instance_types(plan.region)
    assert 1 <= group.min_size <= group.desired_size <= group.max_size <= platform.limits.max_nodes_per_group
    assert platform.limits.min_disk_gib <= group.disk_gib <= platform.limits.max_disk_gib
    assert 1 <= plan.monitoring.retention_days <= 90
    if plan.cluster_env == "prod":
        assert len(plan.zones) == 3
        assert group.min_size >= 3
    assert plan.control_plane.endpoint_private_access is True
    assert plan.control_plane.endpoint_public_access is True or plan.control_plane.public_access_cidrs == []
