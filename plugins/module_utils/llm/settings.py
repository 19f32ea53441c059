"""Where an LLM call's configuration comes from: module options, then the environment, then a
``.env`` file, then the defaults below. Pure except for reading the ``.env`` file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field, SecretStr
from .options import NO_PROVIDER, PROVIDERS

Provider = Literal["openai", "anthropic", "ollama"]

DEFAULT_MODELS: dict[str, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "ollama": "llama3.2",
}
MODEL_VARIABLES: dict[str, str] = {
    "openai": "OPENAI_MODEL",
    "anthropic": "ANTHROPIC_MODEL",
    "ollama": "OLLAMA_MODEL",
}
KEY_VARIABLES: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "ollama": "OLLAMA_API_KEY",
}
BASE_URL_VARIABLES: dict[str, str] = {
    "openai": "OPENAI_BASE_URL",
    "anthropic": "ANTHROPIC_BASE_URL",
    "ollama": "OLLAMA_HOST",
}
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_TEMPERATURE = 0.7
DEFAULT_SEED = 42
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_TOKENS = 1024


class LLMSettings(BaseModel):
    """Everything one call needs. ``api_key`` is a SecretStr: it never shows in a repr or a dump."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    provider: Provider
    model: str = Field(min_length=1)
    base_url: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=DEFAULT_TIMEOUT_S, gt=0)
    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, ge=0, le=10)
    temperature: float = Field(default=DEFAULT_TEMPERATURE, ge=0, le=2)
    seed: int = DEFAULT_SEED
    max_tokens: int = Field(default=DEFAULT_MAX_TOKENS, ge=16)
    cache_dir: Path | None = None
    http_transport: Any = Field(default=None, exclude=True, repr=False)
    """An ``httpx2`` (openai, anthropic) or ``httpx`` (ollama) transport: proxies, replayed HTTP."""


def resolve_settings(
    options: Mapping[str, Any],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str | None],
    cache_dir: Path | None,
) -> LLMSettings | None:
    """Module options over the environment over the ``.env`` file; None when no provider is set."""
    config = {**{k: v for k, v in dotenv.items() if v is not None}, **environ}
    provider = options.get("llm_provider") or config.get("LLM_PROVIDER") or ""
    provider = provider.strip().lower()
    if provider in ("", NO_PROVIDER):
        return None
    if provider not in PROVIDERS:
        raise InputError("llm_provider", provider, ", ".join((*PROVIDERS, NO_PROVIDER)))
    base_url = (
        options.get("llm_base_url") or config.get("LLM_BASE_URL") or config.get(BASE_URL_VARIABLES[provider])
    )
    api_key = options.get("llm_api_key") or config.get("LLM_API_KEY") or config.get(KEY_VARIABLES[provider])
    if provider != "ollama" and not api_key and not base_url:
        raise InputError(
            "llm_api_key",
            "(empty)",
            f"a key in llm_api_key, {KEY_VARIABLES[provider]} or the .env file (or an llm_base_url "
            "of an OpenAI-compatible server that needs none)",
        )
    return LLMSettings(
        provider=provider,
        model=options.get("llm_model")
        or config.get("LLM_MODEL")
        or config.get(MODEL_VARIABLES[provider])
        or DEFAULT_MODELS[provider],
        base_url=base_url or None,
        api_key=SecretStr(api_key) if api_key else None,
        timeout_s=_number(
            options.get("llm_timeout") or config.get("LLM_TIMEOUT"), DEFAULT_TIMEOUT_S, "llm_timeout"
        ),
        temperature=_number(config.get("LLM_TEMPERATURE"), DEFAULT_TEMPERATURE, "LLM_TEMPERATURE"),
        seed=int(_number(config.get("LLM_SEED"), DEFAULT_SEED, "LLM_SEED")),
        cache_dir=cache_dir if options.get("llm_cache", True) else None,
    )


def _number(value: Any, default: float, field: str) -> float:
    if value in (None, ""):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(field, value, "a number") from None
