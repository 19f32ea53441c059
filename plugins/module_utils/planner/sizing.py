"""The deterministic planner: pure functions from ``PlanInputs`` and the catalog to a ``Plan``.
Every choice is recorded as a decision with its rationale; every best-practice concern as a finding."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..common.errors import InputError
from .catalog import Catalog, InstanceType, PlatformCatalog
from .models import (
    ControlPlane,
    Decision,
    Estimates,
    Finding,
    MonitoringSizing,
    NodeGroup,
    Optimisation,
    PhaseEstimate,
    Plan,
    PlanInputs,
)

PHASES = ("planning", "provisioning", "configuration", "validation", "documentation", "finalization")
HOURS_PER_MONTH = 730
UTILISATION_TARGET = 0.7
"""Requests fill at most 70 % of a node's allocatable capacity: room for spikes and a node loss."""
ALLOCATABLE_CPU = 0.9
ALLOCATABLE_MEMORY = 0.8
SYSTEM_PODS_PER_NODE = 4
"""DaemonSets on every node (CNI, kube-proxy, node-exporter, log agent) use pod slots too."""
MAX_RETENTION_DAYS = 90
OPEN_CIDR = "0.0.0.0/0"
SCRAPE_INTERVAL_S = 30
BYTES_PER_SAMPLE = 2.0
STORAGE_HEADROOM = 1.5
SERIES_PER_NODE = 1_500
SERIES_PER_POD = 250
BASE_SERIES = 5_000


@dataclass(frozen=True)
class EnvRule:
    zones: int
    min_nodes: int
    min_node_memory_gib: float
    disk_gib: int
    retention_days: int
    audit_logs: bool
    ha: bool


ENV_RULES: dict[str, EnvRule] = {
    "dev": EnvRule(
        zones=1, min_nodes=1, min_node_memory_gib=2, disk_gib=30, retention_days=3, audit_logs=False, ha=False
    ),
    "staging": EnvRule(
        zones=2, min_nodes=2, min_node_memory_gib=4, disk_gib=50, retention_days=7, audit_logs=True, ha=True
    ),
    "prod": EnvRule(
        zones=3, min_nodes=3, min_node_memory_gib=8, disk_gib=100, retention_days=15, audit_logs=True, ha=True
    ),
}


@dataclass
class Ledger:
    """The findings and decisions gathered while planning."""

    findings: list[Finding] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def decide(self, field_name: str, value: Any, rationale: str) -> Any:
        self.decisions.append(Decision(field=field_name, value=value, rationale=rationale))
        return value

    def find(self, severity: str, code: str, message: str) -> None:
        self.findings.append(Finding(severity=severity, code=code, message=message))


@dataclass(frozen=True)
class Sizing:
    instance_type: str
    spec: InstanceType
    needed: int
    min_size: int
    desired_size: int
    max_size: int


def build_plan(inputs: PlanInputs, catalog: Catalog) -> Plan:
    """The deterministic plan of a cluster (InputError for a region or instance type the catalog lacks)."""
    platform = platform_of(inputs, catalog)
    rule = ENV_RULES[inputs.cluster_env]
    ledger = Ledger()
    version = kubernetes_version(inputs, platform, ledger)
    zones = choose_zones(inputs, platform, rule, ledger)
    sizing = size_nodes(inputs, platform, rule, len(zones), ledger)
    disk_gib = choose_disk(inputs, platform, rule, ledger)
    control_plane = plan_control_plane(inputs, platform, rule, ledger)
    monitoring = size_monitoring(inputs, rule, sizing.desired_size, ledger)
    phases = [
        PhaseEstimate(phase=phase, estimated_seconds=platform.phase_seconds.get(phase, 0)) for phase in PHASES
    ]
    cost = monthly_cost(platform, inputs.region, sizing, disk_gib, monitoring.storage_gib)
    check_budget(inputs, cost, ledger)
    return Plan(
        platform=inputs.platform,
        cluster_env=inputs.cluster_env,
        region=inputs.region,
        kubernetes_version=version,
        zones=zones,
        node_groups=[
            NodeGroup(
                name="default",
                instance_type=sizing.instance_type,
                vcpu=sizing.spec.vcpu,
                memory_gib=sizing.spec.memory_gib,
                max_pods=sizing.spec.max_pods,
                min_size=sizing.min_size,
                desired_size=sizing.desired_size,
                max_size=sizing.max_size,
                disk_gib=disk_gib,
                hourly_price_usd=round(
                    sizing.spec.hourly_usd * platform.regions[inputs.region].price_factor, 4
                ),
            )
        ],
        control_plane=control_plane,
        monitoring=monitoring,
        execution_plan=phases,
        estimates=Estimates(
            time_to_cluster_minutes=round(sum(phase.estimated_seconds for phase in phases) / 60, 1),
            monthly_cost_usd=cost,
            prices_as_of=catalog.prices_as_of,
        ),
        findings=ledger.findings,
        decisions=ledger.decisions,
        optimisation=Optimisation(
            status="not-configured", message="no LLM provider configured: deterministic plan"
        ),
    )


def platform_of(inputs: PlanInputs, catalog: Catalog) -> PlatformCatalog:
    """The catalog entry of the inputs' platform; InputError for a platform or region it lacks."""
    platform = catalog.platform(inputs.platform)
    if inputs.region not in platform.regions:
        raise InputError(
            "region",
            inputs.region,
            f"one of the {inputs.platform} catalog's regions: {', '.join(platform.regions)}",
        )
    return platform


def kubernetes_version(inputs: PlanInputs, platform: PlatformCatalog, ledger: Ledger) -> str:
    versions = platform.kubernetes_versions
    if inputs.kubernetes_version is None:
        return ledger.decide(
            "kubernetes_version", versions.default, f"the {platform.display_name} catalog's default"
        )
    if inputs.kubernetes_version not in versions.supported:
        ledger.find(
            "error",
            "KUBERNETES_VERSION_UNSUPPORTED",
            f"Kubernetes {inputs.kubernetes_version} is not supported on {platform.display_name} "
            f"(supported: {', '.join(versions.supported)})",
        )
    return ledger.decide("kubernetes_version", inputs.kubernetes_version, "requested")


def choose_zones(inputs: PlanInputs, platform: PlatformCatalog, rule: EnvRule, ledger: Ledger) -> list[str]:
    available = platform.regions[inputs.region].zones
    wanted = rule.zones
    reason = f"{inputs.cluster_env} spreads over {rule.zones} zone(s)"
    if inputs.ha and wanted < 3:
        wanted, reason = 3, "high availability was requested: one zone may fail"
    if wanted < platform.limits.min_zones:
        wanted = platform.limits.min_zones
        reason = f"{platform.display_name} needs subnets in at least {wanted} zones"
    if inputs.ha is False and rule.ha:
        ledger.find(
            "warning", "HA_REQUIRED", f"{inputs.cluster_env} is always highly available; ha=false is ignored"
        )
    if len(available) < wanted:
        severity = "error" if inputs.cluster_env == "prod" else "warning"
        ledger.find(
            severity,
            "TOO_FEW_ZONES",
            f"{inputs.region} offers {len(available)} zone(s); {inputs.cluster_env} wants {wanted}",
        )
    return ledger.decide("zones", available[:wanted], reason)


def nodes_needed(spec: InstanceType, inputs: PlanInputs) -> int:
    """Nodes of this type that hold the requests at the utilisation target and the pods."""
    by_cpu = inputs.cpu_request_cores / (spec.vcpu * ALLOCATABLE_CPU * UTILISATION_TARGET)
    by_memory = inputs.memory_request_gib / (spec.memory_gib * ALLOCATABLE_MEMORY * UTILISATION_TARGET)
    by_pods = inputs.expected_pods / max(1, spec.max_pods - SYSTEM_PODS_PER_NODE)
    return max(1, math.ceil(max(by_cpu, by_memory, by_pods)))


def round_up(count: int, multiple: int) -> int:
    return math.ceil(count / multiple) * multiple


def default_counts(needed: int, zone_count: int, rule: EnvRule, limit: int) -> tuple[int, int, int]:
    """(min, desired, max): at least the environment's minimum and one node per zone, desired a
    multiple of the zones, max twice desired, all within the platform's node group limit."""
    floor = max(rule.min_nodes, zone_count)
    desired = min(limit, round_up(max(needed, floor), zone_count))
    return min(floor, desired), desired, min(limit, max(desired * 2, floor))


def size_nodes(
    inputs: PlanInputs, platform: PlatformCatalog, rule: EnvRule, zone_count: int, ledger: Ledger
) -> Sizing:
    name, spec, needed = choose_instance_type(inputs, platform, rule, zone_count, ledger)
    limit = platform.limits.max_nodes_per_group
    min_size, desired, max_size = default_counts(needed, zone_count, rule, limit)
    min_size = inputs.min_nodes or min_size
    desired = inputs.desired_nodes or max(desired, min_size)
    max_size = inputs.max_nodes or max(max_size, desired)
    check_counts(inputs, rule, limit, (min_size, desired, max_size))
    ledger.decide(
        "min_size",
        min_size,
        "requested" if inputs.min_nodes else f"{inputs.cluster_env} minimum, one per zone",
    )
    ledger.decide(
        "desired_size",
        desired,
        "requested"
        if inputs.desired_nodes
        else f"{needed} node(s) hold the requests at {UTILISATION_TARGET:.0%}, spread evenly",
    )
    ledger.decide(
        "max_size", max_size, "requested" if inputs.max_nodes else "twice desired for the autoscaler"
    )
    if desired < needed:
        ledger.find(
            "warning",
            "DESIRED_BELOW_REQUIRED",
            f"{desired} {name} node(s) cannot hold the requests; {needed} are needed",
        )
    if desired == 1:
        ledger.find("info", "SINGLE_NODE", "a single node: no room for a node failure or a rolling upgrade")
    return Sizing(name, spec, needed, min_size, desired, max_size)


def choose_instance_type(
    inputs: PlanInputs, platform: PlatformCatalog, rule: EnvRule, zone_count: int, ledger: Ledger
) -> tuple[str, InstanceType, int]:
    offered = platform.region_instance_types(inputs.region)
    if inputs.instance_type is not None:
        if inputs.instance_type not in offered:
            raise InputError("instance_type", inputs.instance_type, ", ".join(offered))
        spec = offered[inputs.instance_type]
        ledger.decide("instance_type", inputs.instance_type, "requested")
        return inputs.instance_type, spec, nodes_needed(spec, inputs)
    limit = platform.limits.max_nodes_per_group
    candidates = []
    for name, spec in offered.items():
        needed = nodes_needed(spec, inputs)
        if spec.memory_gib < rule.min_node_memory_gib or needed > limit:
            continue
        desired = default_counts(needed, zone_count, rule, limit)[1]
        candidates.append((desired * spec.hourly_usd, -spec.vcpu, name, spec, needed))
    if not candidates:
        raise InputError(
            "cpu_request_cores",
            inputs.cpu_request_cores,
            f"requests that fit in {limit} nodes of one {inputs.platform} instance type",
        )
    cost, _rank, name, spec, needed = min(candidates)
    ledger.decide(
        "instance_type",
        name,
        f"cheapest of {len(candidates)} fitting type(s) with >= {rule.min_node_memory_gib:g} GiB "
        f"({needed} node(s) needed, {cost * HOURS_PER_MONTH:.0f} USD/month of nodes)",
    )
    return name, spec, needed


def check_counts(inputs: PlanInputs, rule: EnvRule, limit: int, counts: tuple[int, int, int]) -> None:
    min_size, desired, max_size = counts
    if min_size < rule.min_nodes:
        raise InputError("min_nodes", min_size, f"at least {rule.min_nodes} for {inputs.cluster_env}")
    if desired < min_size:
        raise InputError("desired_nodes", desired, f"at least min_nodes ({min_size})")
    if max_size < desired:
        raise InputError("max_nodes", max_size, f"at least desired_nodes ({desired})")
    if max_size > limit:
        raise InputError("max_nodes", max_size, f"at most {limit} (the {inputs.platform} node group limit)")


def choose_disk(inputs: PlanInputs, platform: PlatformCatalog, rule: EnvRule, ledger: Ledger) -> int:
    limits = platform.limits
    if inputs.disk_gib is None:
        return ledger.decide(
            "disk_gib", max(rule.disk_gib, limits.min_disk_gib), f"{inputs.cluster_env} default"
        )
    if not limits.min_disk_gib <= inputs.disk_gib <= limits.max_disk_gib:
        raise InputError("disk_gib", inputs.disk_gib, f"{limits.min_disk_gib}..{limits.max_disk_gib}")
    return ledger.decide("disk_gib", inputs.disk_gib, "requested")


def plan_control_plane(
    inputs: PlanInputs, platform: PlatformCatalog, rule: EnvRule, ledger: Ledger
) -> ControlPlane:
    private_only = inputs.private_endpoint_only and inputs.controller_in_vpc
    if inputs.private_endpoint_only and not inputs.controller_in_vpc:
        ledger.find(
            "warning",
            "PRIVATE_ONLY_REFUSED",
            "a private-only endpoint would leave this controller unable to reach the API (phases 4-5); "
            "the public endpoint stays, restricted to public_access_cidrs. "
            "Declare controller_in_vpc to go private-only",
        )
    cidrs = [] if private_only else (inputs.public_access_cidrs or [OPEN_CIDR])
    if not private_only and OPEN_CIDR in cidrs:
        severity = "info" if inputs.cluster_env == "dev" else "warning"
        ledger.find(
            severity,
            "PUBLIC_ENDPOINT_OPEN",
            "the API endpoint is open to the internet; set public_access_cidrs",
        )
    ledger.decide(
        "control_plane.endpoint_public_access",
        not private_only,
        "private only: the controller runs inside the VPC"
        if private_only
        else "the controller reaches the API from outside",
    )
    ledger.decide(
        "control_plane.endpoint_private_access", True, "nodes and in-VPC tools use the private endpoint"
    )
    ledger.decide(
        "control_plane.public_access_cidrs", cidrs, "given" if inputs.public_access_cidrs else "none given"
    )
    ledger.decide("control_plane.audit_logs", rule.audit_logs, f"{inputs.cluster_env} default")
    ledger.decide(
        "control_plane.secrets_encryption", True, "Secrets are encrypted at rest with a managed key"
    )
    return ControlPlane(
        endpoint_public_access=not private_only,
        endpoint_private_access=True,
        public_access_cidrs=cidrs,
        audit_logs=rule.audit_logs,
        log_types=list(platform.log_types) if rule.audit_logs else [],
        secrets_encryption=True,
    )


def size_monitoring(inputs: PlanInputs, rule: EnvRule, nodes: int, ledger: Ledger) -> MonitoringSizing:
    """Prometheus sized from the active series: storage from samples kept, memory ~8 KiB per series."""
    estimated = BASE_SERIES + nodes * SERIES_PER_NODE + inputs.expected_pods * SERIES_PER_POD
    series = inputs.expected_series or estimated
    retention = inputs.retention_days or rule.retention_days
    if retention > MAX_RETENTION_DAYS:
        ledger.find(
            "warning",
            "LONG_RETENTION",
            f"{retention} days of local retention; use remote storage beyond {MAX_RETENTION_DAYS}",
        )
    samples = series * (86_400 / SCRAPE_INTERVAL_S) * retention
    storage = max(10, round_up(math.ceil(samples * BYTES_PER_SAMPLE * STORAGE_HEADROOM / 1024**3), 5))
    memory_mib = max(512, round_up(math.ceil(series * 8 / 1024), 256))
    cpu_m = max(200, round_up(math.ceil(series / 1_000 * 5), 50))
    ledger.decide(
        "monitoring.expected_series",
        series,
        "given"
        if inputs.expected_series
        else f"{BASE_SERIES} + {SERIES_PER_NODE}/node + {SERIES_PER_POD}/pod",
    )
    ledger.decide(
        "monitoring.retention_days",
        retention,
        "requested" if inputs.retention_days else f"{inputs.cluster_env} default",
    )
    ledger.decide(
        "monitoring.storage_gib",
        storage,
        f"{BYTES_PER_SAMPLE:g} B/sample every {SCRAPE_INTERVAL_S} s, x{STORAGE_HEADROOM:g}",
    )
    ledger.decide("monitoring.prometheus_memory_request", f"{memory_mib}Mi", "about 8 KiB per active series")
    ledger.decide("monitoring.prometheus_cpu_request", f"{cpu_m}m", "5 millicores per thousand series")
    return MonitoringSizing(
        retention_days=retention,
        storage_gib=storage,
        expected_series=series,
        prometheus_cpu_request=f"{cpu_m}m",
        prometheus_memory_request=f"{memory_mib}Mi",
    )


def monthly_cost(
    platform: PlatformCatalog, region: str, sizing: Sizing, disk_gib: int, storage_gib: int
) -> float:
    factor = platform.regions[region].price_factor
    nodes = sizing.desired_size * sizing.spec.hourly_usd * factor
    storage = (sizing.desired_size * disk_gib + storage_gib) * platform.storage_gib_month_usd
    return round((nodes + platform.control_plane_hourly_usd) * HOURS_PER_MONTH + storage, 2)


def check_budget(inputs: PlanInputs, cost: float, ledger: Ledger) -> None:
    if inputs.monthly_budget_usd is not None and cost > inputs.monthly_budget_usd:
        ledger.find(
            "warning",
            "OVER_BUDGET",
            f"the plan costs about {cost:.2f} USD/month, over the budget of {inputs.monthly_budget_usd:.2f}",
        )
