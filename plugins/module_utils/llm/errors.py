"""The LLM layer's one error: an ``AgenticError`` that may carry the ``llm_usage`` entry of the
call that failed (a call that answered badly still cost tokens and is still recorded)."""

from __future__ import annotations

from typing import Any

from ..common.errors import AgenticError


class LLMError(AgenticError):
    """A provider failed, timed out, or answered something that does not fit the schema."""

    def __init__(self, message: str, usage: dict[str, Any] | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.usage = usage
