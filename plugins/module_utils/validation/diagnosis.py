"""The optional LLM diagnosis: the failing findings' evidence (redacted, trimmed) goes to the one
LLM layer, which answers a prioritised list of causes and corrections. The answer is advisory
text shown beside the deterministic findings; it never changes a finding, the score or the
verdict. Without a provider, or when the LLM fails, the deterministic suggestions stand."""

from __future__ import annotations

import json
from typing import Any

from ..common.modeling import BaseModel, Field, create_model
from ..common.redact import redact
from ..llm.client import ask_structured
from ..llm.errors import LLMError
from ..llm.settings import LLMSettings
from .agent import Diagnose
from .models import Finding
from .scoring import prioritised

MAX_FINDINGS = 12
MAX_EVIDENCE_CHARS = 1200
MAX_STRING_CHARS = 240
MAX_LIST_ITEMS = 8
MAX_ITEMS = 3
MAX_TEXT_CHARS = 160
MAX_ANSWER_TOKENS = 768
SYSTEM = (
    "You are a Kubernetes site reliability engineer. You receive the failing checks of a cluster "
    "health validation with their evidence (events, log lines, conditions). Give the most likely "
    "root causes and the corrections, most urgent first. Refer to findings by their number."
)


class DiagnosisItem(BaseModel):
    finding: int = Field(ge=1, le=MAX_FINDINGS)
    cause: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    correction: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)


class DiagnosisAnswer(BaseModel):
    items: list[DiagnosisItem] = Field(min_length=1, max_length=MAX_ITEMS)


def answer_schema(finding_count: int) -> type[DiagnosisAnswer]:
    """The answer's schema for ``finding_count`` numbered findings: each item cites one of them,
    at most one item per finding and ``MAX_ITEMS`` in all (short answers, bounded tokens)."""
    count = max(1, finding_count)
    item = create_model("DiagnosisItem", __base__=DiagnosisItem, finding=(int, Field(ge=1, le=count)))
    return create_model(
        "DiagnosisAnswer",
        __base__=DiagnosisAnswer,
        items=(list[item], Field(min_length=1, max_length=min(MAX_ITEMS, count))),
    )


def diagnosis_prompt(findings: list[Finding]) -> str:
    """The most severe findings, numbered, their evidence redacted and cut to size."""
    lines = []
    for number, finding in enumerate(prioritised(findings)[:MAX_FINDINGS], start=1):
        evidence = json.dumps(_trimmed(redact(finding.evidence)), sort_keys=True, default=str)
        evidence = evidence[:MAX_EVIDENCE_CHARS]
        lines.append(
            f"{number}. [{finding.severity.value}] {finding.check}: {finding.message}\n"
            f"   evidence: {evidence}\n   deterministic fix: {finding.fix}"
        )
    return "Failing checks:\n" + "\n".join(lines)


def _trimmed(value: Any) -> Any:
    """Long strings cut, long lists (log lines, events) reduced to their last items."""
    if isinstance(value, dict):
        return {key: _trimmed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trimmed(item) for item in value[-MAX_LIST_ITEMS:]]
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        return value[:MAX_STRING_CHARS] + "…"
    return value


def render_diagnosis(answer: DiagnosisAnswer, findings: list[Finding]) -> str:
    """One numbered entry per item, titled with the finding it cites, whitespace folded."""
    numbered = prioritised(findings)[:MAX_FINDINGS]
    return "\n".join(
        f"{index}. {numbered[item.finding - 1].message}\n"
        f"   cause: {_clamp(item.cause)}\n"
        f"   correction: {_clamp(item.correction)}"
        for index, item in enumerate(answer.items, start=1)
    )


def _clamp(text: str) -> str:
    return " ".join(text.split())


def llm_diagnose(settings: LLMSettings) -> Diagnose:
    """A ``Diagnose`` over the LLM layer; an LLM failure yields no text, only its usage."""

    settings = settings.model_copy(update={"max_tokens": max(settings.max_tokens, MAX_ANSWER_TOKENS)})

    def diagnose(findings: list[Finding]) -> tuple[str | None, list[dict[str, Any]], str]:
        try:
            answer = ask_structured(
                settings,
                system=SYSTEM,
                prompt=diagnosis_prompt(findings),
                schema=answer_schema(min(len(findings), MAX_FINDINGS)),
            )
        except LLMError as error:
            return None, [error.usage] if error.usage else [], error.message
        return render_diagnosis(answer.parsed, findings), [answer.usage], ""

    return diagnose
