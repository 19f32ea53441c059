"""The monitoring endpoints check: Prometheus ready with every scrape target up, Alertmanager
ready, Grafana healthy. Each service is reached through a ``Fetch`` (a plain URL here, or the
API server's service proxy in ``live``), so the same checks serve both."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.urls import ConnectionError as OpenUrlConnectionError
from ansible.module_utils.urls import SSLValidationError, open_url

from ..common.redact import redact_text
from .models import Finding, Severity

CHECK = "endpoints"
MAX_BODY_CHARS = 300


@dataclass(frozen=True)
class HttpAnswer:
    """``status`` is None when no HTTP answer came (refused, timed out): ``error`` says why."""

    status: int | None
    body: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200


Fetch = Callable[[str], HttpAnswer]
"""GET a path (``/-/ready``, ``/api/v1/query?query=up``) of one service."""


def url_fetch(base_url: str, timeout_s: float) -> Fetch:
    """A ``Fetch`` over plain HTTP(S) to ``base_url`` with a deadline on every request."""

    def fetch(path: str) -> HttpAnswer:
        url = base_url.rstrip("/") + path
        try:
            with open_url(url, method="GET", timeout=timeout_s) as response:
                return HttpAnswer(response.status, response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return HttpAnswer(error.code, error.read().decode("utf-8", "replace"))
        except (
            urllib.error.URLError,
            TimeoutError,
            OSError,
            OpenUrlConnectionError,
            SSLValidationError,
        ) as error:
            reason = getattr(error, "reason", error)
            return HttpAnswer(None, error=f"{type(error).__name__}: {reason}")

    return fetch


def _unreachable(service: str, where: str, answer: HttpAnswer, fix: str) -> Finding:
    what = f"HTTP {answer.status}" if answer.status is not None else answer.error
    return Finding(
        check=CHECK,
        severity=Severity.CRITICAL,
        message=f"{service} is not ready ({what})",
        evidence={
            "service": service,
            "path": where,
            "status": answer.status,
            "error": answer.error,
            "body": redact_text(answer.body[:MAX_BODY_CHARS]),
        },
        fix=fix,
    )


def check_prometheus(fetch: Fetch) -> list[Finding]:
    """``/-/ready``, then the ``up`` query: every scrape target must report 1."""
    ready = fetch("/-/ready")
    if not ready.ok:
        return [
            _unreachable(
                "Prometheus",
                "/-/ready",
                ready,
                "Check the prometheus pod's logs (WAL replay, full storage, bad configuration), its Service.",
            )
        ]
    answer = fetch("/api/v1/query?" + urllib.parse.urlencode({"query": "up"}))
    series = _query_vector(answer)
    if series is None:
        return [
            _unreachable(
                "Prometheus query API", "/api/v1/query?query=up", answer, "Check the Prometheus logs."
            )
        ]
    if not series:
        return [
            Finding(
                check=CHECK,
                severity=Severity.WARNING,
                message="Prometheus has no scrape targets (the up query is empty)",
                evidence={"query": "up"},
                fix="Check the ServiceMonitors/PodMonitors and the Prometheus selector labels.",
            )
        ]
    down = [s["metric"] for s in series if s.get("value", [0, "0"])[1] != "1"]
    if not down:
        return []
    errors = _target_errors(fetch)
    return [
        Finding(
            check=CHECK,
            severity=Severity.WARNING,
            message=f"Scrape target {labels.get('job', '?')}/{labels.get('instance', '?')} is down",
            evidence={
                "job": labels.get("job", ""),
                "instance": labels.get("instance", ""),
                "last_error": errors.get((labels.get("job", ""), labels.get("instance", "")), ""),
                "targets_up": len(series) - len(down),
                "targets_total": len(series),
            },
            fix="Check that the target's pod runs and listens on the scraped port, and the NetworkPolicies "
            "between Prometheus and it.",
        )
        for labels in down
    ]


def _query_vector(answer: HttpAnswer) -> list[dict[str, Any]] | None:
    if not answer.ok:
        return None
    try:
        payload = json.loads(answer.body)
    except json.JSONDecodeError:
        return None
    if payload.get("status") != "success":
        return None
    return list(payload.get("data", {}).get("result") or [])


def _target_errors(fetch: Fetch) -> dict[tuple[str, str], str]:
    answer = fetch("/api/v1/targets?state=active")
    if not answer.ok:
        return {}
    try:
        targets = json.loads(answer.body).get("data", {}).get("activeTargets") or []
    except json.JSONDecodeError:
        return {}
    return {
        (t.get("labels", {}).get("job", ""), t.get("labels", {}).get("instance", "")): t.get("lastError", "")
        for t in targets
    }


def check_alertmanager(fetch: Fetch) -> list[Finding]:
    ready = fetch("/-/ready")
    if ready.ok:
        return []
    return [
        _unreachable(
            "Alertmanager",
            "/-/ready",
            ready,
            "Check the alertmanager pod's logs (cluster peers, configuration secret) and its Service.",
        )
    ]


def check_grafana(fetch: Fetch) -> list[Finding]:
    """``/api/health`` answers 200 with ``{"database": "ok"}``."""
    answer = fetch("/api/health")
    database = _json_field(answer.body, "database") if answer.ok else None
    if answer.ok and database == "ok":
        return []
    if answer.ok:
        answer = HttpAnswer(answer.status, answer.body, error=f"database: {database!r}")
    return [
        _unreachable(
            "Grafana",
            "/api/health",
            answer,
            "Check the grafana pod's logs and its database (the sqlite volume or the external database).",
        )
    ]


def _json_field(body: str, key: str) -> Any:
    try:
        payload = json.loads(body)
    except json.JSONDecodeError:
        return None
    return payload.get(key) if isinstance(payload, dict) else None


ENDPOINT_CHECKS: dict[str, Callable[[Fetch], list[Finding]]] = {
    "prometheus": check_prometheus,
    "alertmanager": check_alertmanager,
    "grafana": check_grafana,
}


def check_endpoints(fetchers: dict[str, Fetch]) -> list[Finding]:
    """Run the check of each service in ``fetchers`` (keys: prometheus, alertmanager, grafana)."""
    return [finding for name, fetch in fetchers.items() for finding in ENDPOINT_CHECKS[name](fetch)]
