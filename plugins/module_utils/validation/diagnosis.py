"""The optional LLM diagnosis: the failing findings' evidence (redacted, trimmed) goes to the one
LLM layer, which answers a prioritised list of causes and corrections. The answer is advisory
text shown beside the deterministic findings; it never changes a finding, the score or the
verdict. Without a provider, or when the LLM fails, the deterministic suggestions stand."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

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
MAX_ITEMS = 5
MAX_TEXT_CHARS = 400
SYSTEM = (
    "You are a Kubernetes site reliability engineer. You receive the failing checks of a cluster "
    "health validation with their evidence (events, log lines, conditions). Give the most likely "
    "root causes and the corrections, most urgent first. Refer to findings by their number."
)


class DiagnosisItem(BaseModel):
    finding: int = Field(ge=1, le=MAX_FINDINGS)
    cause: str = Field(max_length=2000)
    correction: str = Field(max_length=2000)


class DiagnosisAnswer(BaseModel):
    items: list[DiagnosisItem] = Field(min_length=1, max_length=20)


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
    """At most ``MAX_ITEMS`` items, each tied to an existing finding, texts clamped."""
    numbered = prioritised(findings)[:MAX_FINDINGS]
    lines = []
    for item in answer.items:
        if item.finding > len(numbered) or len(lines) >= MAX_ITEMS:
            continue
        subject = numbered[item.finding - 1].message
        lines.append(
            f"{len(lines) + 1}. {subject}\n"
            f"   cause: {_clamp(item.cause)}\n"
            f"   correction: {_clamp(item.correction)}"
        )
    return "\n".join(lines)


def _clamp(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def llm_diagnose(settings: LLMSettings) -> Diagnose:
    """A ``Diagnose`` over the LLM layer; an LLM failure yields no text, only its usage."""

    def diagnose(findings: list[Finding]) -> tuple[str | None, list[dict[str, Any]]]:
        try:
            answer = ask_structured(
                settings, system=SYSTEM, prompt=diagnosis_prompt(findings), schema=DiagnosisAnswer
            )
        except LLMError as error:
            return None, [error.usage] if error.usage else []
        text = render_diagnosis(answer.parsed, findings)
        return text or None, [answer.usage]

    return diagnose
