"""Scoring (popeye-style, weighted over the checks that ran) and the report writers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import (
    CheckOutcome,
    Finding,
    Mode,
    Severity,
    SkippedCheck,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.report import (
    assemble_report,
    phase_timeline,
    read_events,
    timeline_bars,
    write_reports,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.scoring import (
    check_score,
    cluster_score,
    health_status,
)

TEMPLATES = Path(__file__).resolve().parents[5] / "templates" / "report"


def finding(check: str, severity: Severity, message: str = "m", **evidence) -> Finding:
    return Finding(check=check, severity=severity, message=message, evidence=evidence, fix="f")


def test_a_check_loses_points_by_severity_and_never_goes_below_zero():
    assert check_score([]) == 100
    assert check_score([finding("pods", Severity.INFO)]) == 100
    assert check_score([finding("pods", Severity.WARNING)]) == 85
    assert check_score([finding("pods", Severity.CRITICAL)] * 3) == 0


def test_the_cluster_score_weighs_checks_and_ignores_skipped_ones():
    outcomes = [
        CheckOutcome(check="nodes", findings=[finding("nodes", Severity.CRITICAL)]),  # 50, weight 3
        CheckOutcome(check="plan", findings=[]),  # 100, weight 1
    ]

    assert cluster_score(outcomes) == round((3 * 50 + 100) / 4)
    assert cluster_score([]) == 0


def test_status_follows_the_worst_finding():
    assert health_status([]) == "healthy"
    assert health_status([], checks_ran=False) == "degraded"
    assert health_status([finding("pods", Severity.INFO), finding("pods", Severity.WARNING)]) == "degraded"
    assert (
        health_status([finding("pods", Severity.WARNING), finding("nodes", Severity.CRITICAL)]) == "critical"
    )


def test_findings_are_prioritised_and_their_evidence_redacted():
    outcomes = [
        CheckOutcome(check="plan", findings=[finding("plan", Severity.WARNING, "plan drift")]),
        CheckOutcome(
            check="pods",
            findings=[
                finding(
                    "pods", Severity.CRITICAL, "crash", log_tail=["db password=x"], db_password="hunter22"
                )
            ],
        ),
        CheckOutcome(check="nodes", findings=[finding("nodes", Severity.WARNING, "pressure")]),
    ]

    report = assemble_report(Mode.LIVE, outcomes, [], workflow_id="eks-dev-1")

    assert [f.message for f in report.findings] == ["crash", "pressure", "plan drift"]
    assert report.findings[0].evidence["db_password"] == "**REDACTED**"
    assert report.checks_run == ["plan", "pods", "nodes"]
    assert report.check_scores == {"plan": 85, "pods": 50, "nodes": 85}


def test_the_timeline_spans_each_agent_from_its_events(tmp_path: Path):
    events = tmp_path / "events.jsonl"
    records = [
        {"timestamp": "2026-11-26T05:00:02.000Z", "agent": "planner", "level": "INFO", "execution_time": 2.0},
        {"timestamp": "2026-11-26T05:00:03.000Z", "agent": "infrastructure", "level": "INFO"},
        {
            "timestamp": "2026-11-26T05:00:45.000Z",
            "agent": "infrastructure",
            "level": "ERROR",
            "execution_time": 5,
        },
    ]
    events.write_text("\n".join(json.dumps(r) for r in records) + "\nnot json\n")

    timeline = phase_timeline(read_events(events))

    assert [(s.phase, s.duration_s, s.status) for s in timeline] == [
        ("planner", 2.0, "succeeded"),
        ("infrastructure", 42.0, "failed"),
    ]
    bars = timeline_bars(timeline)
    assert bars[0]["offset"] == 0 and bars[1]["offset"] + bars[1]["width"] == pytest.approx(1)
    assert read_events(tmp_path / "missing.jsonl") == []


def test_reports_are_written_as_json_markdown_and_html(tmp_path: Path):
    outcomes = [
        CheckOutcome(check="manifests", findings=[finding("manifests", Severity.WARNING, "bad <tag>")])
    ]
    skipped = [SkippedCheck(check="nodes", reason="no cluster reachable (static mode)")]
    report = assemble_report(Mode.STATIC, outcomes, skipped, workflow_id="eks-dev-1")

    paths = write_reports(report, tmp_path / "report", TEMPLATES)

    stored = json.loads(Path(paths["json"]).read_text())
    assert stored["score"] == 85 and stored["mode"] == "static" and stored["report"] == paths
    markdown = Path(paths["markdown"]).read_text()
    assert "Static validation only: the live cluster was NOT checked" in markdown
    assert "| nodes | no cluster reachable (static mode) |" in markdown
    html = Path(paths["html"]).read_text()
    assert "bad &lt;tag&gt;" in html and "bad <tag>" not in html
    assert (
        "<script src" not in html and "<link" not in html and "http://" not in html and "https://" not in html
    )
