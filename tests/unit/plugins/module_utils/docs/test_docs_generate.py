"""Writing the documents: idempotent, check mode writes nothing, diffs only what changed,
and bad input or an unwritable folder gives an error naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError, InputError
from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR
from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import DOCUMENTS
from tests.support.recorded_workflow import load_recorded_workflow


@pytest.fixture
def facts(tmp_path: Path) -> dict:
    return load_recorded_workflow("completed", tmp_path / "artifacts")


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    return {path.name: (path.stat().st_mtime_ns, path.read_text()) for path in folder.iterdir()}


def test_unchanged_inputs_leave_every_file_untouched(facts: dict) -> None:
    first = generate_docs(facts, TEMPLATES_DIR)
    before = snapshot(Path(first.dir))

    second = generate_docs(facts, TEMPLATES_DIR)

    assert first.changed and sorted(first.changed_files) == sorted(DOCUMENTS)
    assert not second.changed and second.changed_files == [] and second.diff == []
    assert snapshot(Path(second.dir)) == before
    assert second.logs[-1] == "every document was already up to date"


def test_a_changed_input_rewrites_only_the_documents_it_affects(facts: dict) -> None:
    generate_docs(facts, TEMPLATES_DIR)
    facts["plan"]["decisions"][0]["rationale"] = "A rationale that changed."

    result = generate_docs(facts, TEMPLATES_DIR)

    assert sorted(result.changed_files) == ["DECISIONS.md", "configuration.json", "configuration.yaml"]
    decisions_diff = next(d for d in result.diff if d["after_header"].endswith("DECISIONS.md"))
    assert "A rationale that changed." in decisions_diff["after"]
    assert "A rationale that changed." not in decisions_diff["before"]


def test_check_mode_writes_nothing_and_reports_what_would_change(facts: dict) -> None:
    result = generate_docs(facts, TEMPLATES_DIR, check_mode=True)

    assert result.changed and len(result.diff) == len(DOCUMENTS)
    assert all(d["before"] == "" and d["before_header"].endswith("(absent)") for d in result.diff)
    assert not Path(result.dir).exists()
    assert result.logs[-1].startswith("would write ")


def test_docs_dir_overrides_the_artifacts_folder(facts: dict, tmp_path: Path) -> None:
    result = generate_docs(facts, TEMPLATES_DIR, docs_dir=tmp_path / "elsewhere")

    assert result.dir == str(tmp_path / "elsewhere")
    assert sorted(path.name for path in (tmp_path / "elsewhere").iterdir()) == sorted(DOCUMENTS)


def test_an_unwritable_docs_dir_is_an_error_naming_it(facts: dict, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")

    with pytest.raises(AgenticError, match=r"^docs_dir: cannot write the documents to .*a-file/docs"):
        generate_docs(facts, TEMPLATES_DIR, docs_dir=blocker / "docs")


def test_a_templates_dir_without_templates_is_an_error(facts: dict, tmp_path: Path) -> None:
    with pytest.raises(AgenticError, match=r"^templates_dir: .* lacks README.md.j2"):
        generate_docs(facts, tmp_path)


def test_a_malformed_fact_is_refused_naming_the_field(facts: dict) -> None:
    facts["plan"]["node_groups"][1]["desired_size"] = "three"

    with pytest.raises(InputError) as raised:
        generate_docs(facts, TEMPLATES_DIR)

    assert raised.value.field == "plan.node_groups.1.desired_size"
    assert "'three'" in raised.value.message


def test_a_workflow_without_artifacts_dir_is_refused(facts: dict) -> None:
    del facts["workflow"]["artifacts_dir"]

    with pytest.raises(InputError, match=r"^workflow.artifacts_dir"):
        generate_docs(facts, TEMPLATES_DIR)
