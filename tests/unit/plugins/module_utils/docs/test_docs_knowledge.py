"""knowledge.yml: valid, one guide per platform of the workflow, alert guides matched by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.knowledge import load_knowledge
from ansible_collections.agentic.k8s.plugins.module_utils.docs.models import Alert
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import COLLECTION_ROOT, TEMPLATES_DIR
from tests.support.markdown_lint import lint_markdown
from tests.support.recorded_workflow import load_recorded_workflow


def test_every_platform_of_the_workflow_has_a_guide() -> None:
    spec = yaml.safe_load((COLLECTION_ROOT / "roles/init/meta/argument_specs.yml").read_text())
    platforms = spec["argument_specs"]["main"]["options"]["platform"]["choices"]

    knowledge = load_knowledge(TEMPLATES_DIR)

    assert sorted(knowledge.platforms) == sorted(platforms)


@pytest.mark.parametrize(
    ("alert_name", "meaning_starts"),
    [
        ("KubePodCrashLooping", "A container keeps exiting"),
        ("KubeNodeNotReady", "A node reports NotReady"),
        ("TargetDown", "A node or a scrape target"),
        ("NodeFilesystemSpaceFillingUp", "A filesystem or volume"),
        ("AgenticAPIServerErrorRate", "The Kubernetes API"),
        ("AgenticWorkflowFailed", "The agentic.k8s workflow"),
        ("SomethingNobodyKnows", "The alert's condition"),
    ],
)
def test_alert_guides_are_chosen_by_the_alert_name(alert_name: str, meaning_starts: str) -> None:
    guide = load_knowledge(TEMPLATES_DIR).guide_for(Alert(name=alert_name))

    assert guide.meaning.startswith(meaning_starts)


def test_a_broken_knowledge_file_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "knowledge.yml").write_text("alerts: [{meaning: no checks}]\n")

    with pytest.raises(AgenticError, match=r"knowledge.yml: cannot load"):
        load_knowledge(tmp_path)


@pytest.mark.parametrize("platform", ["eks", "k3s", "aks", "gke"])
def test_every_platform_renders_its_commands_and_failure_modes(platform: str, tmp_path: Path) -> None:
    facts = load_recorded_workflow("completed", tmp_path)
    facts["workflow"]["platform"] = platform
    guide = load_knowledge(TEMPLATES_DIR).platforms[platform]

    result = generate_docs(facts, TEMPLATES_DIR)

    runbook = Path(result.dir, "RUNBOOK.md").read_text()
    troubleshooting = Path(result.dir, "TROUBLESHOOTING.md").read_text()
    assert f"In an emergency, directly on {guide.title}:" in runbook
    assert "{{" not in runbook.split("## Day-2 operations")[1]
    assert f"## First checks on {guide.title}" in troubleshooting
    assert all(f"### {mode.title}" in troubleshooting for mode in guide.failure_modes)
    for path in result.files:
        if path.endswith(".md"):
            assert lint_markdown(Path(path)) == []
