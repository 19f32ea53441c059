"""The documentation agent's I/O rim: render the documents and write the ones that changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError
from ..common.home import atomic_write_text, ensure_private_dir
from .models import DocsInputs
from .render import MARKDOWN_DOCUMENTS, prepare_facts, render_documents
from .summary import SummaryOutcome

DOCUMENT_MODE = 0o644


@dataclass
class DocsResult:
    """``dir``, ``files`` and ``changed`` form the ``agentic_docs`` fact (docs/contracts.md)."""

    dir: str
    files: list[str]
    changed: bool
    changed_files: list[str]
    diff: list[dict[str, str]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    llm_usage: list[dict[str, Any]] = field(default_factory=list)


def generate_docs(
    raw_facts: dict[str, Any],
    templates_dir: Path,
    docs_dir: Path | None = None,
    check_mode: bool = False,
    summarize: Callable[[DocsInputs], SummaryOutcome] | None = None,
) -> DocsResult:
    """Render every document; write those whose text differs from the file (none in check mode).

    ``docs_dir`` defaults to ``<agentic_workflow.artifacts_dir>/docs``. Unchanged inputs give
    unchanged files and ``changed=False``: the documents hold no time of rendering.
    ``summarize`` (the LLM summary) is called with the redacted, validated inputs.
    """
    check_templates_dir(templates_dir)
    safe_facts, inputs = prepare_facts(raw_facts)
    target = docs_dir or Path(inputs.workflow.artifacts_dir) / "docs"
    outcome = summarize(inputs) if summarize else SummaryOutcome(None, logs=["no LLM provider: no summary"])
    documents = render_documents(safe_facts, inputs, templates_dir, outcome.summary)
    before = {name: _read(target / name) for name in documents}
    changed = [name for name, text in documents.items() if before[name] != text]
    if changed and not check_mode:
        _write(target, {name: documents[name] for name in changed})
    verb = "would write" if check_mode else "wrote"
    logs = [
        *outcome.logs,
        f"rendered {len(documents)} documents for workflow {inputs.workflow.id} into {target}",
    ]
    logs.append(f"{verb} {', '.join(changed)}" if changed else "every document was already up to date")
    return DocsResult(
        dir=str(target),
        files=[str(target / name) for name in documents],
        changed=bool(changed),
        changed_files=changed,
        diff=[_diff(target / name, before[name], documents[name]) for name in changed],
        logs=logs,
        llm_usage=outcome.llm_usage,
    )


def check_templates_dir(templates_dir: Path) -> None:
    missing = [name for name in MARKDOWN_DOCUMENTS if not (templates_dir / f"{name}.j2").is_file()]
    if missing:
        raise AgenticError(
            f"templates_dir: {templates_dir} lacks {', '.join(f'{name}.j2' for name in missing)}; "
            "point it at the collection's templates/docs folder",
            templates_dir=str(templates_dir),
        )


def _write(target: Path, documents: dict[str, str]) -> None:
    try:
        ensure_private_dir(target)
        for name, text in documents.items():
            atomic_write_text(target / name, text, DOCUMENT_MODE)
    except OSError as error:
        raise AgenticError(
            f"docs_dir: cannot write the documents to {target}: {error.strerror or error}",
            docs_dir=str(target),
        ) from error


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None


def _diff(path: Path, before: str | None, after: str) -> dict[str, str]:
    return {
        "before_header": f"{path} (absent)" if before is None else str(path),
        "after_header": str(path),
        "before": before or "",
        "after": after,
    }
