"""Every generated Markdown document passes pymarkdownlnt (PyPI) with the configuration shipped
beside the templates (GFM tables on; MD013 line length off: table rows, commands and recorded
error messages cannot be wrapped without changing them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pymarkdown.api import PyMarkdownApi

from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR
from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import MARKDOWN_DOCUMENTS

pytestmark = pytest.mark.lint


def lint(path: Path) -> list[str]:
    api = PyMarkdownApi().configuration_file_path(str(TEMPLATES_DIR / "pymarkdown.json"))
    result = api.enable_strict_configuration().scan_path(str(path))
    return [
        f"{Path(failure.scan_file).name}:{failure.line_number}: {failure.rule_id} {failure.rule_description}"
        for failure in result.scan_failures
    ]


def test_every_generated_document_passes_the_markdown_linter(recorded_workflow: dict[str, Any]) -> None:
    result = generate_docs(recorded_workflow, TEMPLATES_DIR)

    markdown = [Path(path) for path in result.files if Path(path).name in MARKDOWN_DOCUMENTS]
    assert len(markdown) == len(MARKDOWN_DOCUMENTS)
    for path in markdown:
        assert lint(path) == []


def test_the_linter_catches_a_broken_document(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("# Title\n## Heading without a blank line\n* mixed\n- list\n")

    assert lint(broken)
