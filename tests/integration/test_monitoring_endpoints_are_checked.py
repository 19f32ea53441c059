"""The endpoint checks against a REAL Prometheus, node-exporter and Alertmanager on loopback,
and the named Grafana fake."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.validation.endpoints import (
    check_alertmanager,
    check_endpoints,
    check_grafana,
    check_prometheus,
    url_fetch,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import Severity
from tests.support.llm_server import free_loopback_port as free_port
from tests.support.prometheus_servers import DOWN_JOB


def test_a_down_scrape_target_is_reported_with_its_error(loopback_monitoring):
    findings = check_prometheus(url_fetch(loopback_monitoring.prometheus_url, timeout_s=5))

    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.WARNING
    assert finding.evidence["job"] == DOWN_JOB
    assert finding.evidence["instance"] == loopback_monitoring.down_instance
    assert "connection refused" in finding.evidence["last_error"]
    assert (finding.evidence["targets_up"], finding.evidence["targets_total"]) == (1, 2)


def test_a_prometheus_that_is_not_ready_is_critical(stalled_prometheus):
    findings = check_prometheus(url_fetch(stalled_prometheus, timeout_s=5))

    assert [(f.severity, f.evidence["status"]) for f in findings] == [(Severity.CRITICAL, 503)]
    assert findings[0].message == "Prometheus is not ready (HTTP 503)"


def test_a_ready_alertmanager_and_a_healthy_grafana_have_no_findings(loopback_monitoring, fake_grafana):
    fetchers = {
        "alertmanager": url_fetch(loopback_monitoring.alertmanager_url, timeout_s=5),
        "grafana": url_fetch(fake_grafana.url, timeout_s=5),
    }

    assert check_endpoints(fetchers) == []


def test_a_grafana_with_a_failing_database_is_critical(fake_grafana):
    fake_grafana.database_ok = False

    findings = check_grafana(url_fetch(fake_grafana.url, timeout_s=5))

    assert [(f.severity, f.evidence["status"]) for f in findings] == [(Severity.CRITICAL, 503)]


def test_an_unreachable_alertmanager_is_critical_with_the_connection_error():
    findings = check_alertmanager(url_fetch(f"http://127.0.0.1:{free_port()}", timeout_s=2))

    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].evidence["status"] is None
    assert "Connection refused" in findings[0].evidence["error"]
