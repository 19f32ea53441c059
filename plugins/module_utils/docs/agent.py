"""The documentation agent's entry point for the module: options in, ``DocsResult`` out."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from ..llm.options import settings_from_params
from .generate import DocsResult, generate_docs
from .paths import TEMPLATES_DIR
from .summary import generate_summary


def document_workflow(facts: dict[str, Any], options: dict[str, Any], check_mode: bool = False) -> DocsResult:
    """Render and write the documents of ``facts`` (the module's fact options); with an LLM
    provider configured by the ``llm_*`` options or the environment, add the generated summary."""
    templates_dir = Path(options.get("templates_dir") or TEMPLATES_DIR)
    docs_dir = Path(options["docs_dir"]) if options.get("docs_dir") else None
    settings = settings_from_params(options)
    summarize = partial(generate_summary, settings) if settings is not None else None
    return generate_docs(facts, templates_dir, docs_dir, check_mode, summarize)
