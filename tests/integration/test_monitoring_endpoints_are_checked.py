"""The endpoint checks against a REAL Prometheus, node-exporter and Alertmanager on loopback,
and the named Grafana fake; directly by URL and through the (fake) API server's service proxy."""

from __future__ import annotations

from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import KubeClient
from ansible_collections.agentic.k8s.plugins.module_utils.validation.endpoints import (
    check_alertmanager,
    check_endpoints,
    check_grafana,
    check_prometheus,
    url_fetch,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.live import endpoints_check
from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import Severity
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import parse_settings
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


def test_services_are_reached_through_the_api_servers_service_proxy(kube_fake, loopback_monitoring):
    kube_fake.api.service_proxies[("monitoring", "prometheus-operated", "9090")] = (
        loopback_monitoring.prometheus_url
    )
    kube_fake.api.service_proxies[("monitoring", "alertmanager-operated", "9093")] = (
        loopback_monitoring.alertmanager_url
    )
    settings = parse_settings(
        {
            "endpoints": {
                "prometheus": {
                    "service": "prometheus-operated",
                    "url": "http://prometheus-operated.monitoring.svc:9090",
                },
                "alertmanager": {"service": "alertmanager-operated"},
                "grafana": {"service": "grafana"},
            },
            "timeout_s": 5,
        }
    )

    with KubeClient(str(kube_fake.kubeconfig), timeout_s=5) as client:
        findings = endpoints_check(client, settings)

    assert sorted((f.severity, f.evidence.get("job") or f.evidence.get("service")) for f in findings) == [
        (Severity.CRITICAL, "Grafana"),
        (Severity.WARNING, DOWN_JOB),
    ]
    grafana = next(f for f in findings if f.evidence.get("service") == "Grafana")
    assert grafana.evidence["status"] == 503 and "no endpoints available" in grafana.evidence["error"]
    assert ("GET", "/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query") in (
        kube_fake.api.requests
    )
