"""The validation agent: choose live or static mode, run the chosen checks (the independent ones
concurrently, each round under a deadline), wait until healthy if asked, then score, diagnose and
write the health report. ``validate_cluster`` is the one entry point of the module."""

from __future__ import annotations

import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..common.errors import AgenticError
from ..kube.client import KubeClient, KubeError
from .live import LIVE_CHECKS
from .models import CheckOutcome, Finding, HealthReport, Mode, Severity, SkippedCheck
from .report import assemble_report, phase_timeline, read_events, write_reports
from .settings import LIVE_CHECK_NAMES, ValidationSettings
from .static import MANIFESTS_CHECK, PLAN_CHECK, check_manifests, check_plan_against_infra, load_manifests


class Diagnose(Protocol):
    """Failing findings -> (advisory text or None, llm_usage entries, why there is no text); the
    LLM layer supplies one (validation.diagnosis.llm_diagnose)."""

    def __call__(self, findings: list[Finding]) -> tuple[str | None, list[dict[str, Any]], str]: ...


ROUND_CALL_BUDGET = 10
FAILING_SEVERITIES = {"critical": {Severity.CRITICAL}, "warning": {Severity.CRITICAL, Severity.WARNING}}


@dataclass
class ValidationRun:
    """What the module returns: the report, whether the phase fails, logs and LLM usage."""

    report: HealthReport
    failed: bool
    message: str
    logs: list[str] = field(default_factory=list)
    llm_usage: list[dict[str, Any]] = field(default_factory=list)
    rounds: int = 1


@dataclass(frozen=True)
class ReportTarget:
    """Where the report files go (None: nothing is written, as in check mode)."""

    report_dir: Path | None
    templates_dir: Path | None
    events_file: Path | None = None
    workflow_id: str = ""


def validate_cluster(
    settings: ValidationSettings,
    target: ReportTarget,
    diagnose: Diagnose | None = None,
) -> ValidationRun:
    logs: list[str] = []
    client, mode, static_reason = _choose_mode(settings, logs)
    try:
        outcomes, skipped, rounds = _run_until_healthy(settings, client, mode, static_reason, logs)
    finally:
        if client is not None:
            client.close()
    failing = [f for o in outcomes for f in o.findings if f.severity is not Severity.INFO]
    diagnosis, usage = (None, [])
    if diagnose is not None and failing:
        diagnosis, usage, problem = diagnose(failing)
        logs.append(
            "diagnosis: advisory LLM text added beside the deterministic findings"
            if diagnosis
            else f"diagnosis: no usable LLM answer ({problem}); the deterministic suggestions stand"
        )
    report = assemble_report(
        mode,
        outcomes,
        skipped,
        workflow_id=target.workflow_id,
        timeline=phase_timeline(read_events(target.events_file)) if target.events_file else (),
        diagnosis=diagnosis,
        rounds=rounds,
    )
    if target.report_dir is not None and target.templates_dir is not None:
        report.report = write_reports(report, target.report_dir, target.templates_dir)
        logs.append(f"report written to {target.report_dir}")
    failed, message = _verdict(report, settings.fail_on)
    logs.append(message)
    return ValidationRun(
        report=report, failed=failed, message=message, logs=logs, llm_usage=usage, rounds=rounds
    )


def _choose_mode(settings: ValidationSettings, logs: list[str]) -> tuple[KubeClient | None, Mode, str]:
    """Live only with a reachable API server; otherwise static, with the reason."""
    reason = _static_reason(settings)
    if reason:
        logs.append(f"static mode: {reason}")
        return None, Mode.STATIC, reason
    client = KubeClient(settings.kubeconfig_path, settings.context or None, timeout_s=settings.timeout_s)
    if client.reachable():
        logs.append("live mode: the API server answered")
        return client, Mode.LIVE, ""
    client.close()
    if settings.mode == "live":
        raise AgenticError(
            f"mode: live was asked but the Kubernetes API of {settings.kubeconfig_path} did not answer "
            f"within {settings.timeout_s:g} s; check the endpoint and network, or use mode: auto",
            kubeconfig_path=settings.kubeconfig_path,
        )
    reason = "the Kubernetes API server did not answer"
    logs.append(f"static mode: {reason}")
    return None, Mode.STATIC, reason


def _static_reason(settings: ValidationSettings) -> str:
    if settings.mode == "static":
        return "mode: static was asked"
    if settings.check_mode:
        return "check mode: nothing is created in the cluster, so only static checks run"
    if settings.sandbox:
        return "sandbox: the AWS emulator runs no Kubernetes API server"
    if not settings.kubeconfig_path:
        return "no kubeconfig (agentic_infra.kubeconfig_path is empty)"
    return ""


def _run_until_healthy(
    settings: ValidationSettings, client: KubeClient | None, mode: Mode, static_reason: str, logs: list[str]
) -> tuple[list[CheckOutcome], list[SkippedCheck], int]:
    deadline = time.monotonic() + settings.wait_timeout_s
    rounds = 0
    while True:
        rounds += 1
        outcomes, skipped = _run_round(settings, client, mode, static_reason)
        critical = sum(f.severity is Severity.CRITICAL for o in outcomes for f in o.findings)
        logs.append(f"round {rounds}: {len(outcomes)} checks ran, {critical} critical findings")
        if mode is Mode.STATIC or critical == 0 or time.monotonic() + settings.wait_interval_s > deadline:
            return outcomes, skipped, rounds
        time.sleep(settings.wait_interval_s)


def _run_round(
    settings: ValidationSettings, client: KubeClient | None, mode: Mode, static_reason: str
) -> tuple[list[CheckOutcome], list[SkippedCheck]]:
    chosen = settings.checks
    skipped = [SkippedCheck(check=name, reason="not selected in checks") for name in _unselected(chosen)]
    outcomes = []
    live = [name for name in chosen if name in LIVE_CHECK_NAMES]
    if mode is Mode.LIVE:
        live_outcomes, live_skipped = _run_live_checks(settings, client, live)
        outcomes += live_outcomes
        skipped += live_skipped
    else:
        skipped += [SkippedCheck(check=name, reason=f"live check skipped: {static_reason}") for name in live]
    for name in (MANIFESTS_CHECK, PLAN_CHECK):
        if name in chosen:
            outcome, reason = _run_static_check(name, settings)
            if outcome is not None:
                outcomes.append(outcome)
            else:
                skipped.append(SkippedCheck(check=name, reason=reason))
    order = {name: index for index, name in enumerate(chosen)}
    return sorted(outcomes, key=lambda o: order.get(o.check, len(order))), skipped


def _unselected(chosen: Iterable[str]) -> list[str]:
    return [name for name in (*LIVE_CHECK_NAMES, MANIFESTS_CHECK, PLAN_CHECK) if name not in set(chosen)]


def _run_live_checks(
    settings: ValidationSettings, client: KubeClient | None, names: list[str]
) -> tuple[list[CheckOutcome], list[SkippedCheck]]:
    """The independent live checks at once, in threads, under one deadline for the round."""
    skipped = []
    if "endpoints" in names and not settings.endpoints:
        names = [name for name in names if name != "endpoints"]
        skipped.append(
            SkippedCheck(
                check="endpoints", reason="no monitoring endpoints given (agentic_monitoring.endpoints)"
            )
        )
    if not names:
        return [], skipped
    budget = settings.timeout_s * ROUND_CALL_BUDGET + (
        settings.probe.timeout_s if settings.probe.enabled else 0
    )
    executor = ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="agentic-validate")
    futures = {name: executor.submit(_timed, name, LIVE_CHECKS[name], client, settings) for name in names}
    wait_futures(futures.values(), timeout=budget)
    executor.shutdown(wait=False, cancel_futures=True)
    outcomes = [
        future.result() if future.done() else _did_not_finish(name, budget)
        for name, future in futures.items()
    ]
    return outcomes, skipped


def _timed(name: str, check, client: KubeClient | None, settings: ValidationSettings) -> CheckOutcome:
    started = time.monotonic()
    try:
        findings = check(client, settings)
    except KubeError as error:
        findings = [
            Finding(
                check=name,
                severity=Severity.CRITICAL,
                message=f"The {name} check could not read the cluster: {error.message}",
                evidence={"status": error.status},
                fix="Check the validation identity's RBAC (it needs get/list on the objects read) "
                "and the API server's reachability.",
            )
        ]
    return CheckOutcome(check=name, findings=findings, duration_s=round(time.monotonic() - started, 3))


def _did_not_finish(name: str, budget: float) -> CheckOutcome:
    return CheckOutcome(
        check=name,
        findings=[
            Finding(
                check=name,
                severity=Severity.CRITICAL,
                message=f"The {name} check did not finish within {budget:g} s",
                evidence={"deadline_s": budget},
                fix="The API server or a probed service answers too slowly; raise timeout or check its load.",
            )
        ],
        duration_s=budget,
    )


def _run_static_check(name: str, settings: ValidationSettings) -> tuple[CheckOutcome | None, str]:
    started = time.monotonic()
    if name == MANIFESTS_CHECK:
        if not settings.manifests and not settings.rendered_manifests:
            return None, "no rendered manifests given (agentic_monitoring.manifests or rendered_manifests)"
        manifests = load_manifests(settings.manifests) + settings.rendered_manifests
        findings = check_manifests(manifests, settings.kubernetes_version)
    else:
        if not settings.plan:
            return None, "no plan given (agentic_plan)"
        findings = check_plan_against_infra(settings.plan, settings.infra)
    return CheckOutcome(check=name, findings=findings, duration_s=round(time.monotonic() - started, 3)), ""


def _verdict(report: HealthReport, fail_on: str) -> tuple[bool, str]:
    summary = (
        f"{report.mode.value} validation: score {report.score}/100, {report.status.value}, "
        f"{len(report.findings)} findings, checks run: {', '.join(report.checks_run) or 'none'}"
    )
    if report.checks_skipped:
        summary += f", skipped: {', '.join(s.check for s in report.checks_skipped)}"
    failing = [f for f in report.findings if f.severity in FAILING_SEVERITIES.get(fail_on, set())]
    if failing:
        return True, f"{summary}; failing on {len(failing)} {fail_on}+ findings, first: {failing[0].message}"
    return False, summary
