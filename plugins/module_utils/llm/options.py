"""The LLM module options shared by every module that may call an LLM (documented once in
``doc_fragments/llm.py``) and their translation into ``LLMSettings``. Importing this file needs
no third-party library, so a module can build its argument spec before its guarded imports."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.errors import InputError
from ..common.home import agentic_home, ensure_private_dir

if TYPE_CHECKING:
    from .settings import LLMSettings

PROVIDERS: tuple[str, ...] = ("openai", "anthropic", "ollama")
NO_PROVIDER = "none"
ENV_FILE_VARIABLE = "LLM_ENV_FILE"
CACHE_FOLDER = "llm-cache"

LLM_ARGUMENT_SPEC: dict[str, dict[str, Any]] = {
    "llm_provider": {"type": "str", "choices": [*PROVIDERS, NO_PROVIDER]},
    "llm_model": {"type": "str"},
    "llm_base_url": {"type": "str"},
    "llm_api_key": {"type": "str", "no_log": True},
    "llm_timeout": {"type": "float"},
    "llm_env_file": {"type": "path"},
    "llm_cache": {"type": "bool", "default": True},
}


def settings_from_params(
    params: Mapping[str, Any],
    home: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> LLMSettings | None:
    """The LLM settings of a module's ``params``; None when no provider is configured (callers then
    take their deterministic path). ``home`` defaults to the agentic home folder."""
    from .settings import resolve_settings

    environ = os.environ if environ is None else environ
    home = agentic_home(environ) if home is None else home
    settings = resolve_settings(
        params,
        environ,
        read_env_file(params.get("llm_env_file") or environ.get(ENV_FILE_VARIABLE)),
        home / CACHE_FOLDER,
    )
    if settings is not None and settings.cache_dir is not None:
        ensure_private_dir(settings.cache_dir)
    return settings


def read_env_file(path: str | None) -> dict[str, str | None]:
    """The variables of a ``.env`` file (python-dotenv syntax); ``.env`` in the working folder by default."""
    from dotenv import dotenv_values

    candidate = Path(path).expanduser() if path else Path.cwd() / ".env"
    if not candidate.is_file():
        if path:
            raise InputError("llm_env_file", path, "an existing .env file")
        return {}
    return dict(dotenv_values(candidate))
