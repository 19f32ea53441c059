"""The one LLM interface: ``ask_text`` and ``ask_structured``. Every call redacts its prompt,
looks in the response cache first, records exactly one ``llm_usage`` entry, and validates a
structured answer into the caller's pydantic model (failures raise ``LLMError``)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from ..common.modeling import BaseModel, ValidationError
from ..common.redact import known_secret_values, redact_text
from .cache import cache_key, read_cached, write_cached
from .errors import LLMError
from .providers import ProviderReply, call_provider
from .settings import LLMSettings

SCHEMA_ENFORCED = frozenset({"openai", "ollama"})
"""Providers whose API constrains the answer to a JSON schema; the others get it in the prompt."""

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True)
class LLMAnswer:
    text: str
    parsed: BaseModel | None
    usage: dict[str, Any]


def ask_text(settings: LLMSettings, *, system: str, prompt: str, max_tokens: int = 512) -> LLMAnswer:
    """A plain-text answer (summaries, diagnoses); one cut off at ``max_tokens`` is returned as is."""
    return _ask(settings, system, prompt, max_tokens, None)


def ask_structured(settings: LLMSettings, *, system: str, prompt: str, schema: type[BaseModel]) -> LLMAnswer:
    """An answer validated into ``schema``; ``LLMError`` (carrying the call's usage) when it does not fit."""
    if settings.provider not in SCHEMA_ENFORCED:
        system = f"{system}\n\n{schema_instruction(schema)}"
    return _ask(settings, system, prompt, settings.max_tokens, schema)


def schema_instruction(schema: type[BaseModel]) -> str:
    return "Answer with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(
        schema.model_json_schema(), separators=(",", ":")
    )


def redact_prompt(settings: LLMSettings, text: str) -> str:
    """Secrets from the environment, the configured API key, URL passwords and account ids masked."""
    secrets = set(known_secret_values())
    if settings.api_key is not None:
        secrets.add(settings.api_key.get_secret_value())
    return redact_text(text, secrets, mask_account_ids=True)


def parse_answer(text: str, schema: type[BaseModel]) -> BaseModel:
    """The first-to-last-brace JSON object of ``text`` validated into ``schema``; ValueError otherwise."""
    match = _JSON_OBJECT.search(text)
    if match is None:
        raise ValueError("the answer contains no JSON object")
    try:
        return schema.model_validate_json(match.group(0))
    except ValidationError as error:
        raise ValueError(
            f"the answer does not fit {schema.__name__}: {error.error_count()} error(s)"
        ) from error


def _ask(
    settings: LLMSettings, system: str, prompt: str, max_tokens: int, schema: type[BaseModel] | None
) -> LLMAnswer:
    system, prompt = redact_prompt(settings, system), redact_prompt(settings, prompt)
    key = cache_key(
        provider=settings.provider,
        model=settings.model,
        system=system,
        prompt=prompt,
        schema=schema.model_json_schema() if schema is not None else None,
        max_tokens=max_tokens,
        temperature=settings.temperature,
        seed=settings.seed,
    )
    started = time.monotonic()
    cached_text = read_cached(settings.cache_dir, key)
    if cached_text is not None:
        reply = ProviderReply(text=cached_text, prompt_tokens=0, completion_tokens=0, truncated=False)
        return _answer(settings, reply, schema, started, cached=True)
    try:
        reply = call_provider(settings, system, prompt, max_tokens, schema)
    except Exception as error:  # each SDK has its own error family; all of them mean "no answer"
        raise LLMError(
            redact_prompt(settings, f"{settings.provider} ({settings.model}) did not answer: {error}"),
            usage=_usage(settings, ProviderReply("", 0, 0, False), started, cached=False),
            error_type=type(error).__name__,
        ) from error
    answer = _answer(settings, reply, schema, started, cached=False)
    write_cached(settings.cache_dir, key, reply.text, settings.provider, settings.model)
    return answer


def _usage(settings: LLMSettings, reply: ProviderReply, started: float, cached: bool) -> dict[str, Any]:
    """The call's one ``llm_usage`` entry."""
    return {
        "provider": settings.provider,
        "model": settings.model,
        "latency_ms": round((time.monotonic() - started) * 1000, 1),
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "cached": cached,
    }


def _answer(
    settings: LLMSettings,
    reply: ProviderReply,
    schema: type[BaseModel] | None,
    started: float,
    cached: bool,
) -> LLMAnswer:
    usage = _usage(settings, reply, started, cached)
    if reply.truncated and schema is not None:
        raise LLMError(
            f"{settings.provider} ({settings.model}) stopped at the token limit; the answer is truncated",
            usage=usage,
        )
    if schema is None:
        return LLMAnswer(text=reply.text, parsed=None, usage=usage)
    try:
        parsed = parse_answer(reply.text, schema)
    except ValueError as error:
        raise LLMError(f"{settings.provider} ({settings.model}): {error}", usage=usage) from error
    return LLMAnswer(text=reply.text, parsed=parsed, usage=usage)
