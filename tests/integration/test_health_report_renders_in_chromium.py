"""The HTML health report opened in a real headless Chromium: it renders its score, findings,
check chart and timeline, and its inline script runs without errors."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import (
    CheckOutcome,
    Finding,
    Mode,
    PhaseSpan,
    Severity,
    SkippedCheck,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.report import (
    assemble_report,
    write_reports,
)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


def dump_dom(html: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("chromium is not installed: run `source scripts/setup.sh --test` as root")
    argv = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=2000",
        "--dump-dom",
        html.as_uri(),
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_the_html_report_renders_score_findings_and_chart_without_js_errors(tmp_path: Path):
    outcomes = [
        CheckOutcome(
            check="pods",
            findings=[
                Finding(
                    check="pods",
                    severity=Severity.CRITICAL,
                    message="Pod monitoring/grafana-1: CrashLoopBackOff",
                    evidence={"log_tail": ["panic: database is locked"]},
                    fix="Read the log lines",
                )
            ],
        ),
        CheckOutcome(check="nodes", findings=[]),
        CheckOutcome(
            check="endpoints",
            findings=[
                Finding(check="endpoints", severity=Severity.WARNING, message="Scrape target node/x is down")
            ],
        ),
    ]
    timeline = [
        PhaseSpan(phase="planner", started_at="2026-11-26T05:00:00Z", duration_s=3.0, status="succeeded"),
        PhaseSpan(phase="validation", started_at="2026-11-26T05:00:03Z", duration_s=7.5, status="failed"),
    ]
    report = assemble_report(
        Mode.LIVE,
        outcomes,
        [SkippedCheck(check="security", reason="not selected")],
        workflow_id="eks-dev-abc",
        timeline=timeline,
    )
    paths = write_reports(report, tmp_path / "report", REPO / "templates" / "report")

    browser = dump_dom(Path(paths["html"]), tmp_path / "profile")

    assert browser.returncode == 0, browser.stderr[-2000:]
    dom = browser.stdout
    assert 'data-ready="rendered:3"' in dom, "the inline script did not run to its end"
    assert re.search(r'id="score"[^>]*>\s*(\d+)\s*<', dom)[1] == str(report.score)
    assert dom.count('class="finding"') == 2
    assert "Pod monitoring/grafana-1: CrashLoopBackOff" in dom
    assert re.findall(r'<g class="bar" data-check="(\w+)" data-score="(\d+)"', dom) == [
        ("pods", "50"),
        ("nodes", "100"),
        ("endpoints", "85"),
    ]
    assert re.findall(r'<g class="phase" data-phase="(\w+)"', dom) == ["planner", "validation"]
    console_errors = [line for line in browser.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console_errors == []
