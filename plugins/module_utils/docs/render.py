"""Rendering of the documents from the Jinja2 templates under ``templates/docs/``: pure, no I/O
but reading the templates. Facts are redacted before they reach a template."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..common.anchors import markdown_anchor
from ..common.errors import AgenticError
from ..common.redact import redact
from ..common.requirements import requirement
from .knowledge import Knowledge, load_knowledge
from .mermaid import group_by_layer, layer_title, mermaid_diagram
from .models import DocsInputs, Summary, parse_inputs

with requirement("PyYAML"):
    import yaml
with requirement("Jinja2"):
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

MARKDOWN_DOCUMENTS = ("README.md", "ARCHITECTURE.md", "RUNBOOK.md", "TROUBLESHOOTING.md", "DECISIONS.md")
CONFIG_EXPORTS = ("configuration.yaml", "configuration.json")
DOCUMENTS = MARKDOWN_DOCUMENTS + CONFIG_EXPORTS
HOURS_PER_MONTH = 730
PROBLEM_STATUSES = frozenset({"FAILED", "INTERRUPTED"})
SEVERITY_ORDER = ("critical", "error", "warning", "info")


def prepare_facts(raw_facts: dict[str, Any]) -> tuple[dict[str, Any], DocsInputs]:
    """The facts (``workflow``, ``plan``, ``infra``, ``monitoring``, ``health``, ``executions``)
    redacted, and validated into models; nothing unredacted goes further."""
    safe_facts = redact(raw_facts)
    return safe_facts, parse_inputs(safe_facts)


def render_documents(
    safe_facts: dict[str, Any], inputs: DocsInputs, templates_dir: Path, summary: Summary | None = None
) -> dict[str, str]:
    """Every document's file name and text, with an optional generated summary."""
    knowledge = load_knowledge(templates_dir)
    environment = _environment(templates_dir, _command_variables(inputs))
    context = _context(inputs, knowledge, summary)
    documents = {name: _render(environment, f"{name}.j2", context) for name in MARKDOWN_DOCUMENTS}
    documents.update(config_exports(safe_facts))
    return documents


def config_exports(safe_facts: dict[str, Any]) -> dict[str, str]:
    """The effective inputs and plan as YAML and JSON (already redacted facts)."""
    workflow = safe_facts["workflow"]
    export = {
        "workflow_id": workflow.get("id"),
        "cluster_key": workflow.get("cluster_key"),
        "inputs": workflow.get("inputs") or {},
        "plan": safe_facts.get("plan") or None,
    }
    return {
        "configuration.yaml": yaml.safe_dump(export, sort_keys=True, default_flow_style=False),
        "configuration.json": json.dumps(export, indent=2, sort_keys=True) + "\n",
    }


def _context(inputs: DocsInputs, knowledge: Knowledge, summary: Summary | None) -> dict[str, Any]:
    resources = inputs.infra.resources if inputs.infra else []
    return {
        "workflow": inputs.workflow,
        "plan": inputs.plan,
        "infra": inputs.infra,
        "monitoring": inputs.monitoring,
        "health": inputs.health,
        "executions": inputs.executions,
        "summary": summary,
        "knowledge": knowledge,
        "platform_guide": knowledge.platform(inputs.workflow.platform),
        "built": bool(resources),
        "resources_by_layer": group_by_layer(resources),
        "diagram": mermaid_diagram(resources, inputs.monitoring) if resources else None,
        "costs": _costs(inputs),
        "failed_executions": [e for e in inputs.executions if e.status in PROBLEM_STATUSES],
    }


def _costs(inputs: DocsInputs) -> dict[str, Any]:
    """Node-group costs at desired and maximum size, from the plan's hourly prices."""
    rows = []
    for group in inputs.plan.node_groups if inputs.plan else []:
        price = group.hourly_price_usd
        rows.append(
            {
                "group": group,
                "monthly_desired": _monthly(price, group.desired_size),
                "monthly_max": _monthly(price, group.max_size),
            }
        )
    priced = [row["monthly_desired"] for row in rows if row["monthly_desired"] is not None]
    return {"rows": rows, "nodes_monthly": round(sum(priced), 2) if priced else None}


def _monthly(hourly: float | None, nodes: int | None) -> float | None:
    return None if hourly is None or nodes is None else round(hourly * nodes * HOURS_PER_MONTH, 2)


def _cloud_cluster_name(inputs: DocsInputs) -> str:
    outputs = inputs.infra.outputs if inputs.infra else {}
    return str(outputs.get("cluster_name") or inputs.workflow.cluster_key or inputs.workflow.cluster_name)


def _command_variables(inputs: DocsInputs) -> dict[str, Any]:
    """The variables that knowledge.yml's commands may use."""
    workflow = inputs.workflow
    node_groups = inputs.plan.node_groups if inputs.plan else []
    return {
        "namespace": (inputs.monitoring.namespace if inputs.monitoring else None) or "monitoring",
        "cluster": _cloud_cluster_name(inputs),
        "cluster_key": workflow.cluster_key,
        "cluster_name": workflow.cluster_name,
        "cluster_env": workflow.cluster_env,
        "platform": workflow.platform,
        "region": workflow.region or (inputs.plan.region if inputs.plan else "") or "<region>",
        "workflow_id": workflow.id,
        "artifacts_dir": workflow.artifacts_dir,
        "terraform_dir": (inputs.infra.terraform_dir if inputs.infra else None) or "<terraform dir>",
        "node_group": node_groups[0].name if node_groups else "<node group>",
    }


def _environment(templates_dir: Path, command_variables: dict[str, Any]) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def expand(command: str) -> str:
        return environment.from_string(command).render(command_variables)

    environment.filters.update(
        {
            "anchor": markdown_anchor,
            "cell": table_cell,
            "compact": compact,
            "usd": usd,
            "duration": duration,
            "yesno": yes_no,
            "by_severity": by_severity,
            "expand": expand,
        }
    )
    environment.globals["commands"] = command_variables
    environment.globals["layer_title"] = layer_title
    return environment


def _render(environment: Environment, template: str, context: dict[str, Any]) -> str:
    try:
        text = environment.get_template(template).render(context)
    except TemplateError as error:
        raise AgenticError(f"template {template}: {error}", template=template) from error
    return text.rstrip("\n") + "\n"


def by_severity(findings: list[Any]) -> list[Any]:
    """Findings, most severe first (unknown severities last), otherwise in their order."""

    def rank(finding: Any) -> int:
        severity = str(finding.severity).lower()
        return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)

    return sorted(findings, key=rank)


def table_cell(value: Any) -> str:
    """A value safe inside a Markdown table cell: one line, pipes escaped."""
    text = compact(value)
    return " ".join(text.split()).replace("|", "\\|") if text else "-"


def compact(value: Any) -> str:
    """Scalars as text, lists and dicts as compact JSON, None as an empty string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, separators=(", ", ": "), default=str)
    return str(value)


def usd(value: float | None, decimals: int = 2) -> str:
    return "not estimated" if value is None else f"${value:,.{decimals}f}"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")
