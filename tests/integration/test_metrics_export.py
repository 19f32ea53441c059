"""The agent metrics reach Prometheus: pushed to a real Pushgateway, and written as a textfile that
a real node-exporter's textfile collector serves (both Debian packages, on loopback)."""

from __future__ import annotations

import urllib.request

import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.state import metrics as names

METRICS = {
    names.AGENT_EXECUTIONS_TOTAL: [
        {"labels": {"agent": "llm_plan", "platform": "eks", "status": "SUCCEEDED"}, "value": 2}
    ],
    names.LLM_LATENCY_SECONDS: [{"labels": {"provider": "openai", "model": "gemma3"}, "value": 0.8}],
}


def scrape(url: str) -> str:
    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        return response.read().decode()


def export_playbook(tmp_path, metrics_args: dict) -> str:
    playbook = tmp_path / "export.yml"
    tasks = [{"name": "Export", "agentic.k8s.metrics_export": metrics_args, "register": "exported"}]
    playbook.write_text(yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]))
    return str(playbook)


def test_metrics_are_pushed_to_the_pushgateway(playbook_runner, pushgateway, tmp_path):
    playbook = export_playbook(
        tmp_path, {"metrics": METRICS, "pushgateway_url": pushgateway, "grouping_key": {"instance": "ci"}}
    )
    result = playbook_runner(playbook)
    assert result.returncode == 0, result.stdout
    scraped = scrape(pushgateway)
    executions = 'agent="llm_plan",instance="ci",job="agentic_k8s",platform="eks",status="SUCCEEDED"'
    latency = 'instance="ci",job="agentic_k8s",model="gemma3",provider="openai"'
    assert f"agentic_k8s_agent_executions_total{{{executions}}} 2" in scraped
    assert f"agentic_k8s_llm_latency_seconds{{{latency}}} 0.8" in scraped


def test_textfile_is_served_by_node_exporter_and_rewritten_only_on_change(
    playbook_runner, node_exporter_textfile, tmp_path
):
    directory, url = node_exporter_textfile
    playbook = export_playbook(
        tmp_path, {"metrics": METRICS, "textfile": str(directory / "agentic_k8s.prom")}
    )
    first = playbook_runner(playbook)
    second = playbook_runner(playbook)
    assert first.returncode == 0, first.stdout
    assert "changed=1" in first.stdout
    assert "changed=0" in second.stdout
    scraped = scrape(url)
    assert (
        'agentic_k8s_agent_executions_total{agent="llm_plan",platform="eks",status="SUCCEEDED"} 2' in scraped
    )
    assert "node_textfile_scrape_error 0" in scraped
