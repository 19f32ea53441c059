"""An optional LLM diagnosis of a failed Terraform run: advisory text appended to the structured
error, never acted upon. The prompt carries only Terraform's diagnostics (redacted by the LLM
layer); a failing LLM leaves the error as it was."""

from __future__ import annotations

import json
from typing import Any

from ..common.errors import AgenticError
from ..llm.client import ask_text
from ..llm.errors import LLMError
from ..llm.settings import LLMSettings

SYSTEM = (
    "You are a senior platform engineer. A Terraform run against AWS failed. From its diagnostics, "
    "say in at most five sentences what most likely went wrong and how to fix it. Be concrete "
    "(resource address, attribute, value). Do not write Terraform code."
)
MAX_DIAGNOSTICS = 5


def diagnosis_prompt(error: AgenticError) -> str:
    """The failing step and its first diagnostics (summary, detail, address, file, line) as JSON."""
    diagnostics = error.details.get("diagnostics") or [{"summary": error.message}]
    facts = {"step": error.details.get("step"), "diagnostics": diagnostics[:MAX_DIAGNOSTICS]}
    return "Terraform diagnostics:\n" + json.dumps(facts, indent=1, sort_keys=True)


def diagnose(settings: LLMSettings, error: AgenticError) -> dict[str, Any]:
    """``{diagnosis, llm_usage}`` for ``error``; on an LLM failure, why there is no diagnosis."""
    try:
        answer = ask_text(settings, system=SYSTEM, prompt=diagnosis_prompt(error), max_tokens=512)
    except LLMError as failure:
        return {
            "diagnosis": None,
            "diagnosis_error": failure.message,
            "llm_usage": [failure.usage] if failure.usage else [],
        }
    return {"diagnosis": answer.text.strip(), "llm_usage": [answer.usage]}
