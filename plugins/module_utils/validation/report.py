"""The health report: assembled from the check outcomes, written as JSON, Markdown and a
self-contained HTML page (inline CSS, SVG charts and script; no network) from the Jinja2
templates in the collection's ``templates/report/``."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError
from ..common.events import utc_timestamp
from ..common.home import atomic_write_text
from ..common.redact import redact
from .models import CheckOutcome, Finding, HealthReport, Mode, PhaseSpan, Severity, SkippedCheck
from .scoring import check_score, cluster_score, health_status, prioritised

REPORT_FILES = {"json": "health.json", "markdown": "health.md", "html": "health.html"}
TEMPLATES = {"markdown": "health.md.j2", "html": "health.html.j2"}
REPORT_FILE_MODE = 0o644
LEVEL_STATUS = {"ERROR": "failed", "WARNING": "warning"}


def assemble_report(
    mode: Mode,
    outcomes: Iterable[CheckOutcome],
    skipped: Iterable[SkippedCheck],
    *,
    workflow_id: str = "",
    timeline: Iterable[PhaseSpan] = (),
    diagnosis: str | None = None,
    rounds: int = 1,
) -> HealthReport:
    """Score the checks that ran, prioritise their findings, redact the evidence."""
    outcomes = list(outcomes)
    findings = [Finding.model_validate(redact(f.model_dump())) for o in outcomes for f in o.findings]
    return HealthReport(
        mode=mode,
        score=cluster_score(outcomes),
        status=health_status(findings, checks_ran=bool(outcomes)),
        findings=prioritised(findings),
        checks_run=[o.check for o in outcomes],
        checks_skipped=list(skipped),
        check_scores={o.check: check_score(o.findings) for o in outcomes},
        diagnosis=diagnosis,
        workflow_id=workflow_id,
        generated_at=utc_timestamp(),
        timeline=list(timeline),
        rounds=rounds,
    )


def phase_timeline(events: Iterable[dict[str, Any]]) -> list[PhaseSpan]:
    """One span per agent of ``events.jsonl`` records (common.events). A record is written when
    it happens; one with an ``execution_time`` closes that much work, so it started that long before."""
    spans: dict[str, dict[str, Any]] = {}
    for event in events:
        ended = _parse_time(event.get("timestamp"))
        if ended is None or not event.get("agent"):
            continue
        started = ended - timedelta(seconds=float(event.get("execution_time") or 0))
        span = spans.setdefault(event["agent"], {"start": started, "end": ended, "status": "succeeded"})
        span["start"], span["end"] = min(span["start"], started), max(span["end"], ended)
        status = LEVEL_STATUS.get(str(event.get("level", "")).upper())
        if status == "failed" or (status and span["status"] == "succeeded"):
            span["status"] = status
    return [
        PhaseSpan(
            phase=agent,
            started_at=span["start"].isoformat().replace("+00:00", "Z"),
            duration_s=round((span["end"] - span["start"]).total_seconds(), 3),
            status=span["status"],
        )
        for agent, span in sorted(spans.items(), key=lambda item: item[1]["start"])
    ]


def read_events(path: Path) -> list[dict[str, Any]]:
    """The records of an ``events.jsonl``; a missing file is an empty timeline, a bad line skipped."""
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return [record for record in records if isinstance(record, dict)]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def render_reports(report: HealthReport, templates_dir: Path) -> dict[str, str]:
    """``{json, markdown, html}`` texts of ``report``."""
    try:
        import jinja2
    except ImportError as error:
        raise AgenticError("Jinja2 is required to render the health report: pip install Jinja2") from error
    if not (templates_dir / TEMPLATES["html"]).is_file():
        raise AgenticError(
            f"report_templates_dir: {templates_dir} has no {TEMPLATES['html']}; "
            "point it at the collection's templates/report folder",
            templates_dir=str(templates_dir),
        )
    context = template_context(report)
    texts = {"json": report.model_dump_json(indent=2) + "\n"}
    for kind, name in TEMPLATES.items():
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates_dir)),
            autoescape=kind == "html",
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        environment.filters["tojson_compact"] = lambda value: json.dumps(value, sort_keys=True, default=str)
        texts[kind] = environment.get_template(name).render(**context)
    return texts


def template_context(report: HealthReport) -> dict[str, Any]:
    """What the templates show: the report plus counts and the charts' geometry."""
    counts = Counter(f.severity.value for f in report.findings)
    return {
        "report": report,
        "counts": {severity.value: counts.get(severity.value, 0) for severity in Severity},
        "check_findings": Counter(f.check for f in report.findings),
        "timeline_bars": timeline_bars(report.timeline),
        "live_claimed": report.mode is Mode.LIVE,
    }


def timeline_bars(timeline: list[PhaseSpan]) -> list[dict[str, Any]]:
    """Each span's start and width as fractions of the whole run (for the SVG timeline)."""
    starts = [_parse_time(span.started_at) for span in timeline]
    if not timeline or None in starts:
        return []
    origin = min(starts)
    pairs = list(zip(starts, timeline, strict=True))
    total = max(*((start - origin).total_seconds() + span.duration_s for start, span in pairs), 0.001)
    return [
        {
            "span": span,
            "offset": (start - origin).total_seconds() / total,
            "width": max(span.duration_s / total, 0.005),
        }
        for start, span in pairs
    ]


def write_reports(report: HealthReport, report_dir: Path, templates_dir: Path) -> dict[str, str]:
    """Write ``health.{json,md,html}`` under ``report_dir``; returns their paths by kind."""
    paths = {kind: str(report_dir / name) for kind, name in REPORT_FILES.items()}
    report_with_paths = report.model_copy(update={"report": paths})
    for kind, text in render_reports(report_with_paths, templates_dir).items():
        atomic_write_text(Path(paths[kind]), text, REPORT_FILE_MODE)
    return paths
