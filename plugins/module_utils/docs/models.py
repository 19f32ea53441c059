"""The documentation agent's inputs: the workflow's facts (docs/contracts.md) as typed models.

Every fact but ``agentic_workflow`` may be missing (a failed or rolled-back run), and so may
most keys of a fact: the documents then say what was not recorded instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, field_validator


class Fact(BaseModel):
    """A fact's shape: the keys the documents use are typed, other keys are kept."""

    model_config = ConfigDict(extra="allow")


class PhaseWarning(Fact):
    phase: str = "unknown"
    message: str = ""


class Workflow(Fact):
    id: str
    artifacts_dir: str
    attempt: int = 1
    status: str = "RUNNING"
    platform: str = ""
    cluster_env: str = ""
    cluster_name: str = ""
    region: str = ""
    sandbox: bool = False
    cluster_key: str = ""
    inputs: dict[str, Any] = Field(default_factory=dict)
    warnings: list[PhaseWarning] = Field(default_factory=list)
    failed_phase: str | None = None
    error: str | None = None


class NodeGroup(Fact):
    name: str
    instance_type: str = ""
    vcpu: float | None = None
    memory_gib: float | None = None
    max_pods: int | None = None
    min_size: int | None = None
    desired_size: int | None = None
    max_size: int | None = None
    disk_gib: int | None = None
    hourly_price_usd: float | None = None


class ControlPlane(Fact):
    endpoint_public_access: bool | None = None
    endpoint_private_access: bool | None = None
    public_access_cidrs: list[str] = Field(default_factory=list)
    audit_logs: bool | None = None
    log_types: list[str] = Field(default_factory=list)
    secrets_encryption: bool | None = None


class MonitoringSizing(Fact):
    retention_days: int | None = None
    storage_gib: int | None = None
    expected_series: int | None = None
    prometheus_cpu_request: str | None = None
    prometheus_memory_request: str | None = None


class PhaseEstimate(Fact):
    phase: str
    estimated_seconds: float | None = None


class Estimates(Fact):
    time_to_cluster_minutes: float | None = None
    monthly_cost_usd: float | None = None
    prices_as_of: str | None = None


class PlanFinding(Fact):
    severity: str = "info"
    code: str = ""
    message: str = ""


class Decision(Fact):
    field: str
    value: Any = None
    rationale: str = ""


class Suggestion(Fact):
    """An LLM suggestion: the LLM's ``reason`` and the planner's ``outcome`` (why kept or refused)."""

    field: str = "(unnamed)"
    value: Any = None
    reason: str = ""
    outcome: str = ""


class Suggestions(Fact):
    accepted: list[Suggestion] = Field(default_factory=list)
    rejected: list[Suggestion] = Field(default_factory=list)


class Optimisation(Fact):
    status: str = ""
    message: str = ""


class Plan(Fact):
    platform: str | None = None
    cluster_env: str | None = None
    region: str | None = None
    kubernetes_version: str | None = None
    zones: list[str] = Field(default_factory=list)
    node_groups: list[NodeGroup] = Field(default_factory=list)
    control_plane: ControlPlane = Field(default_factory=ControlPlane)
    monitoring: MonitoringSizing = Field(default_factory=MonitoringSizing)
    execution_plan: list[PhaseEstimate] = Field(default_factory=list)
    estimates: Estimates = Field(default_factory=Estimates)
    findings: list[PlanFinding] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    suggestions: Suggestions = Field(default_factory=Suggestions)
    optimisation: Optimisation | None = None
    source: str | None = None


class Resource(Fact):
    address: str
    type: str
    id: str | None = None


class PlanSummary(Fact):
    add: int = 0
    change: int = 0
    destroy: int = 0


class Infra(Fact):
    platform: str | None = None
    sandbox: bool = False
    terraform_dir: str | None = None
    state_existed_before: bool | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)
    secret_files: dict[str, str] = Field(default_factory=dict)
    kubeconfig_path: str | None = None
    endpoint: str | None = None
    resources: list[Resource] = Field(default_factory=list)
    plan_summary: PlanSummary | None = None
    plan_file: str | None = None


class Endpoint(Fact):
    service: str | None = None
    port: int | None = None
    url: str | None = None


class Chart(Fact):
    name: str | None = None
    repo: str | None = None
    version: str | None = None


class Alert(Fact):
    name: str
    severity: str = "warning"
    summary: str = ""
    description: str = ""
    runbook_url: str = ""


class Monitoring(Fact):
    mode: str | None = None
    namespace: str | None = None
    chart: Chart = Field(default_factory=Chart)
    values_file: str | None = None
    manifests_dir: str | None = None
    manifests: list[str] = Field(default_factory=list)
    applied: bool | None = None
    endpoints: dict[str, Endpoint] = Field(default_factory=dict)
    alerts: list[Alert] = Field(default_factory=list)
    dashboards: list[str] = Field(default_factory=list)


class HealthFinding(Fact):
    check: str
    severity: str = "info"
    message: str = ""
    evidence: Any = None
    fix: str | None = None


class SkippedCheck(Fact):
    check: str
    reason: str = ""


class Health(Fact):
    mode: str | None = None
    score: float | None = None
    status: str | None = None
    findings: list[HealthFinding] = Field(default_factory=list)
    checks_run: list[str] = Field(default_factory=list)
    checks_skipped: list[SkippedCheck] = Field(default_factory=list)
    report: dict[str, str] = Field(default_factory=dict)
    diagnosis: Any = None

    @field_validator("report", mode="before")
    @classmethod
    def _written_reports_only(cls, report: Any) -> Any:
        """Check mode writes no report: its paths are None, and there is nothing to link."""
        return (
            {kind: path for kind, path in report.items() if path is not None}
            if isinstance(report, dict)
            else report
        )


class Execution(Fact):
    """One state record of an agent execution (``workflow_info``'s ``executions`` items)."""

    agent_name: str
    status: str
    attempt: int = 1
    started_at: str | None = None
    completed_at: str | None = None
    error_message: str | None = None

    @property
    def duration_seconds(self) -> float | None:
        started, completed = _parse_time(self.started_at), _parse_time(self.completed_at)
        if started is None or completed is None:
            return None
        return (completed - started).total_seconds()


@dataclass(frozen=True)
class Summary:
    """The generated summary of README.md, with the provider and model that wrote it."""

    text: str
    provider: str
    model: str


class DocsInputs(BaseModel):
    """Everything the documents are rendered from; ``None`` = the fact was not set."""

    workflow: Workflow
    plan: Plan | None = None
    infra: Infra | None = None
    monitoring: Monitoring | None = None
    health: Health | None = None
    executions: list[Execution] = Field(default_factory=list)


def parse_inputs(raw: dict[str, Any]) -> DocsInputs:
    """Validate the facts; an empty fact counts as missing; a bad one names its field."""
    present = {name: value for name, value in raw.items() if value not in (None, {}, [])}
    try:
        return DocsInputs.model_validate(present)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise InputError(field, first.get("input"), first["msg"]) from error


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
