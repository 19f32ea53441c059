"""The health score, in the manner of popeye: every check starts at 100 and loses points per
finding by severity; the cluster's score is the weighted mean over the checks that ran (a
skipped check counts neither for nor against it)."""

from __future__ import annotations

from collections.abc import Iterable

from .models import SEVERITY_ORDER, CheckOutcome, Finding, HealthStatus, Severity

SEVERITY_PENALTY = {Severity.CRITICAL: 50, Severity.WARNING: 15, Severity.INFO: 0}
CHECK_WEIGHTS = {
    "nodes": 3,
    "pods": 3,
    "endpoints": 2,
    "networking": 2,
    "security": 2,
    "manifests": 2,
    "plan": 1,
}
DEFAULT_WEIGHT = 1


def check_score(findings: Iterable[Finding]) -> int:
    """100 minus the penalties of ``findings``, floored at 0."""
    return max(0, 100 - sum(SEVERITY_PENALTY[finding.severity] for finding in findings))


def cluster_score(outcomes: Iterable[CheckOutcome]) -> int:
    """The weighted mean of the check scores; 0 when no check ran (nothing was proven)."""
    weighted = [(CHECK_WEIGHTS.get(o.check, DEFAULT_WEIGHT), check_score(o.findings)) for o in outcomes]
    total_weight = sum(weight for weight, _score in weighted)
    if total_weight == 0:
        return 0
    return round(sum(weight * score for weight, score in weighted) / total_weight)


def health_status(findings: Iterable[Finding], checks_ran: bool = True) -> HealthStatus:
    """critical with any critical finding, degraded with any warning or when no check ran
    (nothing was proven), else healthy."""
    severities = {finding.severity for finding in findings}
    if Severity.CRITICAL in severities:
        return HealthStatus.CRITICAL
    if Severity.WARNING in severities or not checks_ran:
        return HealthStatus.DEGRADED
    return HealthStatus.HEALTHY


def prioritised(findings: Iterable[Finding]) -> list[Finding]:
    """Critical first, then warnings, then info; within a severity, heavier checks first."""
    return sorted(
        findings,
        key=lambda f: (SEVERITY_ORDER[f.severity], -CHECK_WEIGHTS.get(f.check, DEFAULT_WEIGHT), f.check),
    )
