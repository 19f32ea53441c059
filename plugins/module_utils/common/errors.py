"""The one exception family that modules turn into ``fail_json``."""

from __future__ import annotations

from typing import Any


class AgenticError(Exception):
    """An error a user can act on: ``message`` says what and how, ``details`` go to the result."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InputError(AgenticError):
    """Bad input: the message names the field and the allowed values."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        super().__init__(f"{field}: {value!r} is not valid; allowed: {allowed}", field=field)
        self.field = field


class MissingBinaryError(AgenticError):
    """A command-line tool this operation needs is not on PATH."""


class CommandTimeoutError(AgenticError):
    """An external command outlived its deadline and was interrupted."""
