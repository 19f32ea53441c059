"""The deterministic sizing rules, per platform and environment, with their boundaries."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import InputError
from ansible_collections.agentic.k8s.plugins.module_utils.planner.catalog import load_catalog
from ansible_collections.agentic.k8s.plugins.module_utils.planner.sizing import (
    HOURS_PER_MONTH,
    PHASES,
    SYSTEM_PODS_PER_NODE,
    build_plan,
)
from tests.support.planner import SHIPPED_CATALOG, assert_plan_within_rules, plan_inputs

PLATFORMS = ("eks", "k3s", "aks", "gke")
CONTRACT_KEYS = {
    "platform",
    "cluster_env",
    "region",
    "kubernetes_version",
    "zones",
    "node_groups",
    "control_plane",
    "monitoring",
    "execution_plan",
    "estimates",
    "findings",
    "decisions",
    "suggestions",
    "source",
}


def codes(plan) -> set[str]:
    return {finding.code for finding in plan.findings}


@pytest.mark.parametrize("platform", PLATFORMS)
def test_prod_spreads_over_three_zones_with_at_least_three_nodes(planner_catalog, platform):
    plan = build_plan(plan_inputs(platform, "prod"), planner_catalog)

    group = plan.node_groups[0]
    assert len(plan.zones) == 3
    assert group.min_size >= 3
    assert group.desired_size % 3 == 0
    assert plan.control_plane.audit_logs is True
    assert plan.control_plane.secrets_encryption is True
    assert_plan_within_rules(plan, planner_catalog)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_dev_may_use_one_zone_and_one_node(planner_catalog, platform):
    plan = build_plan(
        plan_inputs(platform, "dev", expected_pods=5, cpu_request_cores=0.5, memory_request_gib=1),
        planner_catalog,
    )

    group = plan.node_groups[0]
    assert len(plan.zones) == 1
    assert (group.min_size, group.desired_size) == (1, 1)
    assert "SINGLE_NODE" in codes(plan)
    assert plan.control_plane.audit_logs is False
    assert_plan_within_rules(plan, planner_catalog)


def test_staging_uses_two_zones_and_ha_in_dev_three(planner_catalog):
    assert len(build_plan(plan_inputs("gke", "staging"), planner_catalog).zones) == 2
    assert len(build_plan(plan_inputs("gke", "dev", ha=True), planner_catalog).zones) == 3


def test_prod_refuses_ha_false_with_a_finding(planner_catalog):
    plan = build_plan(plan_inputs("eks", "prod", ha=False), planner_catalog)
    assert len(plan.zones) == 3
    assert "HA_REQUIRED" in codes(plan)


@pytest.mark.parametrize(("pods", "nodes"), [(62, 2), (63, 3)])
def test_pod_capacity_boundary(planner_catalog, pods, nodes):
    usable = planner_catalog.platforms["eks"].instance_types["t3.large"].max_pods - SYSTEM_PODS_PER_NODE
    assert usable * 2 == 62
    inputs = plan_inputs(
        "eks",
        "dev",
        instance_type="t3.large",
        expected_pods=pods,
        cpu_request_cores=0.1,
        memory_request_gib=0.1,
    )
    assert build_plan(inputs, planner_catalog).node_groups[0].desired_size == nodes


def test_desired_grows_with_requests_and_stays_a_multiple_of_the_zones(planner_catalog):
    small = build_plan(plan_inputs("eks", "prod", instance_type="m6i.xlarge"), planner_catalog).node_groups[0]
    big = build_plan(
        plan_inputs("eks", "prod", instance_type="m6i.xlarge", cpu_request_cores=60, memory_request_gib=100),
        planner_catalog,
    ).node_groups[0]
    assert big.desired_size > small.desired_size
    assert big.desired_size % 3 == 0
    assert big.max_size == 2 * big.desired_size


def test_cheapest_fitting_instance_type_respects_the_prod_memory_floor(planner_catalog):
    plan = build_plan(plan_inputs("eks", "prod"), planner_catalog)
    assert plan.node_groups[0].memory_gib >= 8
    dev = build_plan(plan_inputs("eks", "dev"), planner_catalog)
    assert dev.node_groups[0].instance_type == "t3.medium"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"min_nodes": 2}, "min_nodes"),
        ({"min_nodes": 6, "desired_nodes": 5}, "desired_nodes"),
        ({"desired_nodes": 9, "max_nodes": 8}, "max_nodes"),
    ],
)
def test_inconsistent_prod_node_counts_are_refused_naming_the_field(planner_catalog, overrides, field):
    with pytest.raises(InputError) as raised:
        build_plan(plan_inputs("eks", "prod", **overrides), planner_catalog)
    assert raised.value.field == field


def test_node_count_pins_at_their_bounds_are_kept(planner_catalog):
    group = build_plan(
        plan_inputs("eks", "prod", min_nodes=3, desired_nodes=3, max_nodes=3), planner_catalog
    ).node_groups[0]
    assert (group.min_size, group.desired_size, group.max_size) == (3, 3, 3)
    dev = build_plan(
        plan_inputs("eks", "dev", min_nodes=1, desired_nodes=1, max_nodes=1), planner_catalog
    ).node_groups[0]
    assert (dev.min_size, dev.desired_size, dev.max_size) == (1, 1, 1)


@pytest.mark.parametrize(("max_nodes", "refused"), [(100, False), (101, True)])
def test_platform_node_group_limit_boundary(planner_catalog, max_nodes, refused):
    inputs = plan_inputs("k3s", "dev", max_nodes=max_nodes)
    if refused:
        with pytest.raises(InputError, match="max_nodes"):
            build_plan(inputs, planner_catalog)
    else:
        assert build_plan(inputs, planner_catalog).node_groups[0].max_size == 100


@pytest.mark.parametrize(("field", "value"), [("min_nodes", 0), ("desired_nodes", -1), ("max_nodes", 1001)])
def test_node_counts_outside_1_to_1000_are_refused(field, value):
    with pytest.raises(InputError) as raised:
        plan_inputs("eks", "prod", **{field: value})
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"platform": "eks", "region": "westeurope"}, "region"),
        ({"platform": "openshift", "region": "us-east-1"}, "platform"),
        ({"platform": "eks", "region": "us-east-1", "instance_type": "Standard_D2s_v5"}, "instance_type"),
        ({"platform": "eks", "region": "us-east-1", "disk_gib": 5}, "disk_gib"),
    ],
)
def test_values_unknown_to_the_catalog_are_refused_naming_the_field(planner_catalog, inputs, field):
    from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import parse_inputs

    with pytest.raises(InputError) as raised:
        build_plan(parse_inputs({"cluster_env": "dev", **inputs}), planner_catalog)
    assert raised.value.field == field


def test_bad_cidr_is_refused():
    with pytest.raises(InputError) as raised:
        plan_inputs("eks", "prod", public_access_cidrs=["10.0.0.0/33"])
    assert raised.value.field.startswith("public_access_cidrs")


def test_unsupported_kubernetes_version_is_an_error_finding(planner_catalog):
    plan = build_plan(plan_inputs("aks", "prod", kubernetes_version="1.20"), planner_catalog)
    assert plan.kubernetes_version == "1.20"
    assert any(f.code == "KUBERNETES_VERSION_UNSUPPORTED" and f.severity == "error" for f in plan.findings)


def test_endpoint_is_public_restricted_plus_private_by_default(planner_catalog):
    plan = build_plan(plan_inputs("eks", "prod", public_access_cidrs=["203.0.113.0/24"]), planner_catalog)
    cp = plan.control_plane
    assert (cp.endpoint_public_access, cp.endpoint_private_access, cp.public_access_cidrs) == (
        True,
        True,
        ["203.0.113.0/24"],
    )
    assert "PUBLIC_ENDPOINT_OPEN" not in codes(plan)


def test_open_endpoint_is_a_warning_in_prod(planner_catalog):
    plan = build_plan(plan_inputs("eks", "prod"), planner_catalog)
    assert plan.control_plane.public_access_cidrs == ["0.0.0.0/0"]
    assert any(f.code == "PUBLIC_ENDPOINT_OPEN" and f.severity == "warning" for f in plan.findings)


def test_private_only_is_refused_unless_the_controller_is_in_the_vpc(planner_catalog):
    outside = build_plan(
        plan_inputs("eks", "prod", private_endpoint_only=True, public_access_cidrs=["198.51.100.7/32"]),
        planner_catalog,
    )
    assert outside.control_plane.endpoint_public_access is True
    assert outside.control_plane.public_access_cidrs == ["198.51.100.7/32"]
    assert "PRIVATE_ONLY_REFUSED" in codes(outside)

    inside = build_plan(
        plan_inputs("eks", "prod", private_endpoint_only=True, controller_in_vpc=True), planner_catalog
    )
    assert inside.control_plane.endpoint_public_access is False
    assert inside.control_plane.public_access_cidrs == []


def test_budget_boundary(planner_catalog):
    cost = build_plan(plan_inputs("gke", "prod"), planner_catalog).estimates.monthly_cost_usd
    assert "OVER_BUDGET" not in codes(
        build_plan(plan_inputs("gke", "prod", monthly_budget_usd=cost), planner_catalog)
    )
    assert "OVER_BUDGET" in codes(
        build_plan(plan_inputs("gke", "prod", monthly_budget_usd=cost - 0.01), planner_catalog)
    )


def test_monthly_cost_adds_nodes_control_plane_and_storage(planner_catalog):
    plan = build_plan(plan_inputs("eks", "prod", instance_type="m6i.large", desired_nodes=3), planner_catalog)
    eks = planner_catalog.platforms["eks"]
    group = plan.node_groups[0]
    expected = (3 * 0.096 + eks.control_plane_hourly_usd) * HOURS_PER_MONTH + (
        3 * group.disk_gib + plan.monitoring.storage_gib
    ) * eks.storage_gib_month_usd
    assert plan.estimates.monthly_cost_usd == pytest.approx(expected, abs=0.01)
    assert plan.estimates.prices_as_of == planner_catalog.prices_as_of


def test_region_price_factor_raises_the_cost(planner_catalog):
    from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import parse_inputs

    virginia = build_plan(
        parse_inputs({"platform": "eks", "cluster_env": "prod", "region": "us-east-1"}), planner_catalog
    )
    frankfurt = build_plan(
        parse_inputs({"platform": "eks", "cluster_env": "prod", "region": "eu-central-1"}), planner_catalog
    )
    assert frankfurt.estimates.monthly_cost_usd > virginia.estimates.monthly_cost_usd


def test_execution_plan_and_time_to_cluster_follow_the_platform(planner_catalog):
    eks = build_plan(plan_inputs("eks", "prod"), planner_catalog)
    k3s = build_plan(plan_inputs("k3s", "prod"), planner_catalog)
    assert [phase.phase for phase in eks.execution_plan] == list(PHASES)
    total = sum(phase.estimated_seconds for phase in eks.execution_plan)
    assert eks.estimates.time_to_cluster_minutes == round(total / 60, 1)
    assert k3s.estimates.time_to_cluster_minutes < 10 < eks.estimates.time_to_cluster_minutes < 20


def test_monitoring_sizing_grows_with_series_and_retention(planner_catalog):
    base = build_plan(
        plan_inputs("eks", "prod", expected_series=1_000_000, retention_days=15), planner_catalog
    ).monitoring
    longer = build_plan(
        plan_inputs("eks", "prod", expected_series=1_000_000, retention_days=30), planner_catalog
    ).monitoring
    small = build_plan(plan_inputs("eks", "dev", expected_series=1_000), planner_catalog).monitoring
    assert longer.storage_gib > base.storage_gib
    assert base.expected_series == 1_000_000
    assert int(base.prometheus_memory_request.removesuffix("Mi")) > int(
        small.prometheus_memory_request.removesuffix("Mi")
    )
    assert (small.prometheus_memory_request, small.prometheus_cpu_request, small.storage_gib) == (
        "512Mi",
        "200m",
        10,
    )


def test_every_choice_has_a_rationale_and_the_contract_keys(planner_catalog):
    plan = build_plan(plan_inputs("aks", "prod"), planner_catalog)
    decided = {decision.field for decision in plan.decisions}
    assert {
        "kubernetes_version",
        "zones",
        "instance_type",
        "min_size",
        "desired_size",
        "max_size",
        "disk_gib",
        "control_plane.endpoint_public_access",
        "control_plane.public_access_cidrs",
        "control_plane.audit_logs",
        "monitoring.retention_days",
        "monitoring.storage_gib",
    } <= decided
    assert all(decision.rationale for decision in plan.decisions)
    dumped = plan.model_dump(mode="json")
    assert set(dumped) >= CONTRACT_KEYS
    assert set(dumped["node_groups"][0]) == {
        "name",
        "instance_type",
        "vcpu",
        "memory_gib",
        "max_pods",
        "min_size",
        "desired_size",
        "max_size",
        "disk_gib",
        "hourly_price_usd",
    }
    assert set(dumped["estimates"]) == {"time_to_cluster_minutes", "monthly_cost_usd", "prices_as_of"}


def test_a_platform_is_data_a_new_catalog_entry_needs_no_code(tmp_path):
    data = yaml.safe_load(SHIPPED_CATALOG.read_text())
    kind = dict(data["platforms"]["k3s"], display_name="kind on a lab host")
    kind["regions"] = {"lab-1": {"zones": ["rack-a", "rack-b", "rack-c"], "instance_types": ["t3.large"]}}
    data["platforms"] = {"kind": kind}
    custom = tmp_path / "catalog.yml"
    custom.write_text(yaml.safe_dump(data))
    from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import parse_inputs

    plan = build_plan(
        parse_inputs({"platform": "kind", "cluster_env": "prod", "region": "lab-1"}), load_catalog(custom)
    )

    assert plan.zones == ["rack-a", "rack-b", "rack-c"]
    assert plan.node_groups[0].instance_type == "t3.large"


@pytest.mark.parametrize(
    "content",
    ["platforms: [not, a, mapping]\nprices_as_of: x\n", "prices_as_of: [unclosed\n", None],
)
def test_invalid_or_missing_catalog_names_catalog_file(tmp_path, content):
    path = tmp_path / "catalog.yml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as raised:
        load_catalog(path)
    assert raised.value.field == "catalog_file"
