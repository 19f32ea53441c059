"""Every generated Markdown document passes pymarkdownlnt (PyPI) with the configuration shipped
beside the templates (GFM tables on; MD013 line length off: table rows, commands and recorded
error messages cannot be wrapped without changing them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.docs.generate import generate_docs
from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR
from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import MARKDOWN_DOCUMENTS
from tests.support.markdown_lint import lint_markdown

pytestmark = pytest.mark.lint


def test_every_generated_document_passes_the_markdown_linter(recorded_workflow: dict[str, Any]) -> None:
    result = generate_docs(recorded_workflow, TEMPLATES_DIR)

    markdown = [Path(path) for path in result.files if Path(path).name in MARKDOWN_DOCUMENTS]
    assert len(markdown) == len(MARKDOWN_DOCUMENTS)
    for path in markdown:
        assert lint_markdown(path) == []


def test_the_linter_catches_a_broken_document(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("# Title\n## Heading without a blank line\n* mixed\n- list\n")

    assert lint_markdown(broken)
