"""The documentation phase in a real ansible-playbook run: policy warn turns its failure into
COMPLETED_WITH_WARNINGS; a clean run documents the workflow, check mode writes nothing, and a
re-run with the same facts changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import DOCUMENTS
from tests.support.recorded_workflow import FIXTURES

PLAYBOOK = "tests/integration/playbooks/documentation_phase.yml"
WORKFLOW_ID = "eks-prod-docs0001"


def run_phase(playbook_runner, tmp_path: Path, *args: str, **extra_vars: Any) -> dict[str, Any]:
    outcome = tmp_path / "outcome.json"
    outcome.unlink(missing_ok=True)
    variables = {
        "platform": "eks",
        "cluster_env": "prod",
        "cluster_name": "payments",
        "workflow_id": WORKFLOW_ID,
        "agentic_recorded_dir": str(FIXTURES / "completed"),
        "agentic_outcome_file": str(outcome),
        **extra_vars,
    }
    completed = playbook_runner(PLAYBOOK, variables, *args)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    return {"stdout": completed.stdout, **json.loads(outcome.read_text())}


def test_a_failed_documentation_phase_completes_with_warnings(playbook_runner, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("the documents cannot go below a file")

    outcome = run_phase(playbook_runner, tmp_path, documentation_dir=str(blocker / "docs"))

    workflow = outcome["workflow"]
    assert workflow["status"] == "COMPLETED_WITH_WARNINGS"
    assert f"Workflow {WORKFLOW_ID}: COMPLETED_WITH_WARNINGS" in outcome["stdout"]
    [warning] = workflow["warnings"]
    assert warning["phase"] == "documentation"
    assert warning["message"].startswith(f"docs_dir: cannot write the documents to {blocker}/docs")
    assert outcome["docs"] is None


def test_the_documentation_phase_documents_the_workflow_idempotently(
    playbook_runner, agentic_home: Path, tmp_path: Path
) -> None:
    docs_dir = agentic_home / "workflows" / WORKFLOW_ID / "docs"

    checked = run_phase(playbook_runner, tmp_path, "--check")
    assert checked["docs"]["changed"] is True
    assert not docs_dir.exists()

    first = run_phase(playbook_runner, tmp_path)
    assert first["workflow"]["status"] == "COMPLETED"
    assert first["docs"] == {
        "dir": str(docs_dir),
        "files": [str(docs_dir / name) for name in DOCUMENTS],
        "changed": True,
    }
    written = {path.name: (path.stat().st_mtime_ns, path.read_text()) for path in docs_dir.iterdir()}
    assert f"Workflow `{WORKFLOW_ID}`" in written["README.md"][1]

    second = run_phase(playbook_runner, tmp_path, "--diff")
    assert second["docs"]["changed"] is False
    assert {path.name: (path.stat().st_mtime_ns, path.read_text()) for path in docs_dir.iterdir()} == written
