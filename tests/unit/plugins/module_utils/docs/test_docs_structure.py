"""Golden-structure tests on the recorded workflow: every document present, every alert has its
RUNBOOK section at the anchor of its runbook_url, a well-formed Mermaid diagram of the built
resources, and complete, honest documents when phases are missing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.common.anchors import markdown_anchor
from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR
from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import DOCUMENTS
from tests.support.recorded_workflow import load_recorded_workflow

MERMAID_BLOCK = re.compile(r"^```mermaid\n(.*?)\n```$", re.MULTILINE | re.DOTALL)
MERMAID_NODE = re.compile(r'^(?P<id>[A-Za-z][A-Za-z0-9_]*)\["(?P<label>[^"]*)"\]$')
MERMAID_EDGE = re.compile(r"^(?P<source>[A-Za-z][A-Za-z0-9_]*) --> (?P<target>[A-Za-z][A-Za-z0-9_]*)$")
MERMAID_SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z][A-Za-z0-9_]*)\["(?P<label>[^"]*)"\]$')


def render(facts: dict[str, Any]) -> dict[str, str]:
    result = generate_docs(facts, TEMPLATES_DIR)
    return {Path(path).name: Path(path).read_text() for path in result.files}


def parse_mermaid(diagram: str) -> dict[str, Any]:
    """A minimal Mermaid flowchart parser: header, subgraphs, nodes, edges; anything else fails."""
    lines = [line.strip() for line in diagram.splitlines() if line.strip()]
    assert lines[0] in {"graph TB", "graph TD", "graph LR", "flowchart TB", "flowchart LR"}, lines[0]
    nodes: dict[str, str] = {}
    subgraphs: dict[str, list[str]] = {}
    edges: list[tuple[str, str]] = []
    open_subgraph: str | None = None
    for line in lines[1:]:
        if match := MERMAID_SUBGRAPH.match(line):
            assert open_subgraph is None, "nested subgraph"
            open_subgraph = match["id"]
            subgraphs[open_subgraph] = []
        elif line == "end":
            assert open_subgraph is not None, "'end' without a subgraph"
            open_subgraph = None
        elif match := MERMAID_NODE.match(line):
            assert match["id"] not in nodes, f"duplicate node id {match['id']}"
            assert open_subgraph is not None, f"node outside a subgraph: {line}"
            nodes[match["id"]] = match["label"]
            subgraphs[open_subgraph].append(match["id"])
        elif match := MERMAID_EDGE.match(line):
            edges.append((match["source"], match["target"]))
        else:
            pytest.fail(f"unexpected Mermaid line: {line!r}")
    assert open_subgraph is None, "unterminated subgraph"
    for source, target in edges:
        assert source in subgraphs or source in nodes, f"edge from unknown {source}"
        assert target in subgraphs or target in nodes, f"edge to unknown {target}"
    return {"nodes": nodes, "subgraphs": subgraphs, "edges": edges}


def headings(markdown: str, level: int) -> list[str]:
    marker = "#" * level + " "
    return [line[len(marker) :] for line in markdown.splitlines() if line.startswith(marker)]


def test_every_document_is_written(recorded_workflow: dict[str, Any]) -> None:
    documents = render(recorded_workflow)

    assert sorted(documents) == sorted(DOCUMENTS)
    docs_dir = Path(recorded_workflow["workflow"]["artifacts_dir"]) / "docs"
    assert all((docs_dir / name).is_file() for name in DOCUMENTS)
    for name in DOCUMENTS:
        assert documents[name].strip(), f"{name} is empty"
        if name.endswith(".md"):
            assert headings(documents[name], 1), f"{name} has no title"


def test_every_alert_has_a_runbook_section_at_its_url_anchor(recorded_workflow: dict[str, Any]) -> None:
    alerts = recorded_workflow.get("monitoring", {}).get("alerts", [])
    runbook = render(recorded_workflow)["RUNBOOK.md"]
    section_anchors = {markdown_anchor(title) for title in headings(runbook, 2)}

    for alert in alerts:
        assert f"## {alert['name']}" in runbook.splitlines()
        assert urlsplit(alert["runbook_url"]).fragment in section_anchors
    alert_sections = [t for t in headings(runbook, 2) if t != "Day-2 operations"]
    assert alert_sections == [alert["name"] for alert in alerts]
    assert {"Scale a node group", "Upgrade Kubernetes", "Destroy the cluster"} <= set(headings(runbook, 3))


def test_runbook_sections_give_meaning_checks_and_remedies(recorded_workflow: dict[str, Any]) -> None:
    runbook = render(recorded_workflow)["RUNBOOK.md"]
    sections = re.split(r"^## ", runbook, flags=re.MULTILINE)[1:]

    for section in sections[:-1]:
        assert "Meaning: " in section
        assert re.search(r"First checks:\n\n```bash\n.+\n```", section, re.DOTALL)
        assert re.search(r"Remedies:\n\n- .+", section)


def test_architecture_diagram_is_generated_from_the_built_resources(tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    architecture = render(facts)["ARCHITECTURE.md"]

    blocks = MERMAID_BLOCK.findall(architecture)
    assert len(blocks) == 1
    diagram = parse_mermaid(blocks[0])
    addresses = [resource["address"] for resource in facts["infra"]["resources"]]
    labels = [label.replace("#quot;", '"') for label in diagram["nodes"].values()]
    assert all(address in labels for address in addresses)
    assert {"network", "identity", "control_plane", "compute", "monitoring"} <= set(diagram["subgraphs"])
    assert ("control_plane", "compute") in diagram["edges"]
    assert ("compute", "monitoring") in diagram["edges"]
    for address in addresses:
        assert f"`{address}`" in architecture


def test_documents_of_a_rolled_back_run_say_what_happened(tmp_path: Path) -> None:
    facts = load_recorded_workflow("rolled_back", tmp_path)
    documents = render(facts)
    error = facts["workflow"]["error"]

    assert "infra" not in facts and "health" not in facts
    assert "```mermaid" not in documents["ARCHITECTURE.md"]
    assert "No resource was built by this workflow" in documents["ARCHITECTURE.md"]
    assert "The cluster was not built by this workflow" in documents["README.md"]
    assert "No kubeconfig was written" in documents["README.md"]
    troubleshooting = documents["TROUBLESHOOTING.md"]
    assert error in troubleshooting
    assert "phase **provisioning**" in troubleshooting
    assert "ended ROLLED_BACK" in troubleshooting
    assert "Known failure modes" in headings(troubleshooting, 2)
    assert "Nodes fail to join the cluster" in headings(troubleshooting, 3)
    decisions = documents["DECISIONS.md"]
    assert "unsupported-version" in decisions
    assert "No LLM suggestion was made" in decisions


def test_documents_without_a_plan_still_render(tmp_path: Path) -> None:
    facts = {"workflow": load_recorded_workflow("rolled_back", tmp_path)["workflow"]}
    facts["workflow"].update(failed_phase="planning", status="FAILED", error="planning: region refused")
    documents = render(facts)

    assert (
        "No plan was recorded: the planning phase failed: planning: region refused"
        in documents["DECISIONS.md"]
    )
    assert "No cost estimate was recorded" in documents["README.md"]
    assert "No alert rules were deployed" in documents["RUNBOOK.md"]
    assert json.loads(documents["configuration.json"])["plan"] is None


def test_readme_gives_the_kubeconfig_path_endpoints_and_costs(tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    readme = render(facts)["README.md"]

    assert f"export KUBECONFIG={facts['infra']['kubeconfig_path']}" in readme
    for endpoint in facts["monitoring"]["endpoints"].values():
        assert endpoint["url"] in readme
    assert "| system | $0.0960 | 3 | $210.24 | 6 | $420.48 |" in readme
    assert "Node groups at desired size: $630.72 a month." in readme
    assert "$776.57" in readme
    assert "| tf_provision | 1 | INTERRUPTED |" in readme


def test_decisions_list_every_decision_and_suggestion_with_reasons(tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    decisions = render(facts)["DECISIONS.md"]
    plan = facts["plan"]

    for decision in plan["decisions"]:
        assert f"| `{decision['field']}` |" in decisions
        assert decision["rationale"] in decisions
    for suggestion in plan["suggestions"]["accepted"] + plan["suggestions"]["rejected"]:
        assert suggestion["reason"] in decisions
        assert suggestion["outcome"] in decisions
    assert "LLM optimisation: **applied**: 1 of 3 LLM suggestions applied" in decisions
    accepted, rejected = decisions.split("### Rejected")
    assert "node_groups.general.max_size" in accepted
    assert "p4d.24xlarge" in rejected


def test_troubleshooting_lists_this_workflows_findings_first(tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    troubleshooting = render(facts)["TROUBLESHOOTING.md"]
    own, known = troubleshooting.split("## Known failure modes")

    for finding in facts["health"]["findings"]:
        assert finding["message"] in own
    assert "The run was killed (owner process gone)" in own
    assert own.index("| warning | live_checks |") < own.index("| info | plan_vs_outputs |")
    assert "Skipped (static mode: no reachable Kubernetes API): nodes, pods, monitoring_endpoints" in own
    assert "Sandbox limits" in known


def test_configuration_export_is_the_same_in_yaml_and_json(recorded_workflow: dict[str, Any]) -> None:
    documents = render(recorded_workflow)

    exported = json.loads(documents["configuration.json"])
    assert yaml.safe_load(documents["configuration.yaml"]) == exported
    assert exported["inputs"] == recorded_workflow["workflow"]["inputs"]
    assert exported["plan"] == recorded_workflow["plan"]


def test_a_workflow_awaiting_approval_shows_the_plan_to_approve(tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    facts["workflow"]["status"] = "AWAITING_APPROVAL"
    facts["infra"].update(resources=[], kubeconfig_path=None, plan_file="/tmp/tfplan")
    facts["infra"]["plan_summary"] = {"add": 23, "change": 0, "destroy": 0}

    documents = render(facts)

    readme = documents["README.md"]
    assert "**The Terraform plan waits for approval**: 23 to add,\n0 to change, 0 to destroy." in readme
    assert f"-e workflow_id={facts['workflow']['id']} -e resume=true -e approve=true" in readme
    assert "Node groups as planned (not built):" in readme
    assert "```mermaid" not in documents["ARCHITECTURE.md"]
