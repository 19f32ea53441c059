"""pymarkdownlnt (PyPI) over a generated document, with the configuration shipped beside the
documentation templates."""

from __future__ import annotations

from pathlib import Path

from pymarkdown.api import PyMarkdownApi

from ansible_collections.agentic.k8s.plugins.module_utils.docs.paths import TEMPLATES_DIR

CONFIGURATION = TEMPLATES_DIR / "pymarkdown.json"


def lint_markdown(path: Path) -> list[str]:
    """``file:line: rule description`` for every rule the document breaks; empty when it passes."""
    api = PyMarkdownApi().configuration_file_path(str(CONFIGURATION)).enable_strict_configuration()
    return [
        f"{Path(failure.scan_file).name}:{failure.line_number}: {failure.rule_id} {failure.rule_description}"
        for failure in api.scan_path(str(path)).scan_failures
    ]
