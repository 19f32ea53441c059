"""pydantic, imported in this one place for every data model of the collection.

Without pydantic the names below are inert stand-ins, so that every module still loads and
reports the missing library through ``fail_on_missing_requirements`` (see ``requirements``):
class bodies of models evaluate, nothing validates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .requirements import record_missing

try:
    from pydantic import (
        BaseModel,
        ConfigDict,
        Field,
        SecretStr,
        ValidationError,
        create_model,
        field_validator,
        model_validator,
    )
except ImportError:
    record_missing("pydantic")

    class BaseModel:  # type: ignore[no-redef]
        """Stand-in base of the models while pydantic is missing."""

    class ValidationError(ValueError):  # type: ignore[no-redef]
        """Stand-in for pydantic's validation error while pydantic is missing."""

    ConfigDict = dict  # type: ignore[misc,assignment]
    SecretStr = str  # type: ignore[misc,assignment]

    def Field(default: Any = None, **settings: Any) -> Any:  # type: ignore[no-redef]
        """Stand-in for a field declaration: its default."""
        return default

    def create_model(name: str, **definitions: Any) -> Any:  # type: ignore[no-redef]
        """Stand-in that refuses: a model cannot be built without pydantic."""
        raise ImportError(f"pydantic is required to build the model {name}")

    def field_validator(*fields: str, **settings: Any) -> Callable[[Any], Any]:  # type: ignore[no-redef]
        """Stand-in decorator factory: leaves the validator as it is."""
        return _unchanged

    model_validator = field_validator  # type: ignore[assignment]

    def _unchanged(function: Any) -> Any:
        return function


__all__ = [
    "BaseModel",
    "ConfigDict",
    "Field",
    "SecretStr",
    "ValidationError",
    "create_model",
    "field_validator",
    "model_validator",
]
