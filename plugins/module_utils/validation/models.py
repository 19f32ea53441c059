"""The validation agent's data: findings, check outcomes and the health report (``agentic_health``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ..common.modeling import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    CRITICAL = "critical"


class Mode(StrEnum):
    LIVE = "live"
    STATIC = "static"


class Finding(BaseModel):
    """One problem (or observation) a check found, with the evidence and how to fix it."""

    model_config = ConfigDict(frozen=True)

    check: str
    severity: Severity
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    fix: str = ""


class CheckOutcome(BaseModel):
    """What one check returned: its findings and how long it took."""

    check: str
    findings: list[Finding] = Field(default_factory=list)
    duration_s: float = 0.0


class SkippedCheck(BaseModel):
    check: str
    reason: str


class PhaseSpan(BaseModel):
    """One bar of the workflow's phase timeline."""

    phase: str
    started_at: str
    duration_s: float
    status: str


FACT_KEYS = frozenset(
    {
        "mode",
        "score",
        "status",
        "findings",
        "checks_run",
        "checks_skipped",
        "check_scores",
        "report",
        "diagnosis",
    }
)


class HealthReport(BaseModel):
    """The ``agentic_health`` fact (docs/contracts.md) plus what the report files show."""

    mode: Mode
    score: int
    status: HealthStatus
    findings: list[Finding]
    checks_run: list[str]
    checks_skipped: list[SkippedCheck]
    check_scores: dict[str, int]
    report: dict[str, str | None] = Field(
        default_factory=lambda: {"json": None, "markdown": None, "html": None}
    )
    diagnosis: str | None = None
    workflow_id: str = ""
    generated_at: str = ""
    timeline: list[PhaseSpan] = Field(default_factory=list)
    rounds: int = 1
    """How many rounds of checks ran (more than one while waiting until healthy)."""

    def as_fact(self) -> dict[str, Any]:
        """The ``agentic_health`` fact: the contract's keys (plus ``check_scores``), JSON-ready."""
        return self.model_dump(mode="json", include=set(FACT_KEYS))
