"""The recorded workflow under ``tests/fixtures/workflow/``: the facts of a completed sandbox EKS
run (``completed``) and of a run rolled back after a Terraform error (``rolled_back``), in the
shapes of docs/contracts.md, with their state records (``workflow_info.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workflow"
SCENARIOS = ("completed", "rolled_back")
FACT_FILES = {
    "workflow": "agentic_workflow.json",
    "plan": "agentic_plan.json",
    "infra": "agentic_infra.json",
    "monitoring": "agentic_monitoring.json",
    "health": "agentic_health.json",
}


def load_recorded_workflow(scenario: str, artifacts_dir: Path) -> dict[str, Any]:
    """The facts of ``scenario`` as docs_generate takes them, with ``artifacts_dir`` moved."""
    folder = FIXTURES / scenario
    facts: dict[str, Any] = {
        option: json.loads((folder / name).read_text())
        for option, name in FACT_FILES.items()
        if (folder / name).exists()
    }
    facts["workflow"]["artifacts_dir"] = str(artifacts_dir)
    state = json.loads((folder / "workflow_info.json").read_text())
    facts["executions"] = state["workflows"][0]["executions"]
    return facts


@pytest.fixture(params=SCENARIOS)
def recorded_workflow(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Each recorded scenario's facts, with a private artifacts folder."""
    return load_recorded_workflow(request.param, tmp_path / "artifacts")
