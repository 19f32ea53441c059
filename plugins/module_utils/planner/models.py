"""The planner's edges: what it is asked (``PlanInputs``) and what it answers (``Plan``, the
``agentic_plan`` fact of docs/contracts.md)."""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, field_validator

ClusterEnv = Literal["dev", "staging", "prod"]
Severity = Literal["info", "warning", "error"]
PlanSource = Literal["deterministic", "llm", "stored"]
MAX_NODES = 1000


class PlanInputs(BaseModel):
    """The workload and the user's choices. Node counts, instance type, disk and retention are the
    user's pins: when set, neither the sizing rules nor an LLM change them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    platform: str = Field(min_length=1)
    cluster_env: ClusterEnv
    region: str = Field(min_length=1)
    kubernetes_version: str | None = None
    expected_pods: int = Field(default=30, ge=1, le=150_000)
    cpu_request_cores: float = Field(default=2.0, gt=0, le=100_000)
    memory_request_gib: float = Field(default=4.0, gt=0, le=1_000_000)
    ha: bool | None = None
    monthly_budget_usd: float | None = Field(default=None, gt=0)
    expected_series: int | None = Field(default=None, ge=1_000, le=100_000_000)
    retention_days: int | None = Field(default=None, ge=1, le=365)
    instance_type: str | None = None
    disk_gib: int | None = Field(default=None, ge=1, le=65_536)
    min_nodes: int | None = Field(default=None, ge=1, le=MAX_NODES)
    desired_nodes: int | None = Field(default=None, ge=1, le=MAX_NODES)
    max_nodes: int | None = Field(default=None, ge=1, le=MAX_NODES)
    public_access_cidrs: list[str] = Field(default_factory=list)
    controller_in_vpc: bool = False
    private_endpoint_only: bool = False

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, cidrs: list[str]) -> list[str]:
        return [str(ipaddress.ip_network(cidr, strict=False)) for cidr in cidrs]


def parse_inputs(raw: dict[str, Any]) -> PlanInputs:
    """``PlanInputs`` from a dict whose None values mean "not given"; errors name the field."""
    try:
        return PlanInputs.model_validate({key: value for key, value in raw.items() if value is not None})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "inputs"
        raise InputError(field, first.get("input"), first["msg"]) from None


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NodeGroup(_Part):
    name: str
    instance_type: str
    vcpu: int
    memory_gib: float
    max_pods: int
    min_size: int
    desired_size: int
    max_size: int
    disk_gib: int
    hourly_price_usd: float


class ControlPlane(_Part):
    endpoint_public_access: bool
    endpoint_private_access: bool
    public_access_cidrs: list[str]
    audit_logs: bool
    log_types: list[str]
    secrets_encryption: bool


class MonitoringSizing(_Part):
    retention_days: int
    storage_gib: int
    expected_series: int
    prometheus_cpu_request: str
    prometheus_memory_request: str


class PhaseEstimate(_Part):
    phase: str
    estimated_seconds: int


class Estimates(_Part):
    time_to_cluster_minutes: float
    monthly_cost_usd: float
    prices_as_of: str


class Finding(_Part):
    severity: Severity
    code: str
    message: str


class Decision(_Part):
    field: str
    value: Any
    rationale: str


class SuggestionOutcome(_Part):
    field: str
    value: Any
    reason: str
    outcome: str
    """Why it was accepted (possibly clamped) or rejected, in the planner's words."""


class Suggestions(_Part):
    accepted: list[SuggestionOutcome] = Field(default_factory=list)
    rejected: list[SuggestionOutcome] = Field(default_factory=list)


class Optimisation(_Part):
    status: Literal["not-configured", "disabled", "applied", "unchanged", "fallback", "stored-plan"]
    message: str


class Plan(_Part):
    platform: str
    cluster_env: ClusterEnv
    region: str
    kubernetes_version: str
    zones: list[str]
    node_groups: list[NodeGroup]
    control_plane: ControlPlane
    monitoring: MonitoringSizing
    execution_plan: list[PhaseEstimate]
    estimates: Estimates
    findings: list[Finding]
    decisions: list[Decision]
    suggestions: Suggestions = Field(default_factory=Suggestions)
    source: PlanSource = "deterministic"
    optimisation: Optimisation
