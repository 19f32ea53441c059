"""One function per provider, each through its official SDK: send one system + user message with
the fixed temperature and seed, a timeout and the SDK's retries, and return the text, the token
counts and whether the answer was cut off. ``schema`` (a JSON schema) asks for structured output
where the provider enforces it; the caller validates every answer anyway."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..common.modeling import BaseModel
from .settings import LLMSettings

PLACEHOLDER_KEY = "not-needed"
"""OpenAI-compatible local servers need no key, but the SDKs refuse to start without one."""


@dataclass(frozen=True)
class ProviderReply:
    text: str
    prompt_tokens: int
    completion_tokens: int
    truncated: bool


def call_provider(
    settings: LLMSettings, system: str, prompt: str, max_tokens: int, schema: type[BaseModel] | None
) -> ProviderReply:
    """Send one request through the provider's SDK; SDK and transport errors propagate."""
    return PROVIDER_CALLS[settings.provider](settings, system, prompt, max_tokens, schema)


def _api_key(settings: LLMSettings) -> str:
    return settings.api_key.get_secret_value() if settings.api_key else PLACEHOLDER_KEY


def _httpx2_client(settings: LLMSettings):
    if settings.http_transport is None:
        return None
    import httpx2

    return httpx2.Client(transport=settings.http_transport, timeout=settings.timeout_s)


def _call_openai(
    settings: LLMSettings, system: str, prompt: str, max_tokens: int, schema: type[BaseModel] | None
) -> ProviderReply:
    import openai

    client = openai.OpenAI(
        api_key=_api_key(settings),
        base_url=settings.base_url,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        http_client=_httpx2_client(settings),
    )
    request: dict[str, Any] = {
        "model": settings.model,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        "max_tokens": max_tokens,
        "temperature": settings.temperature,
        "seed": settings.seed,
    }
    with client:
        if schema is None:
            body = client.chat.completions.with_raw_response.create(**request).http_response.json()
        else:
            raw = client.chat.completions.with_raw_response.parse(response_format=schema, **request)
            body = raw.http_response.json()
    choice = body["choices"][0]
    usage = body.get("usage") or {}
    return ProviderReply(
        text=choice["message"].get("content") or "",
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        truncated=choice.get("finish_reason") == "length",
    )


def _call_anthropic(
    settings: LLMSettings, system: str, prompt: str, max_tokens: int, schema: type[BaseModel] | None
) -> ProviderReply:
    import anthropic

    client = anthropic.Anthropic(
        api_key=_api_key(settings),
        base_url=settings.base_url,
        timeout=settings.timeout_s,
        max_retries=settings.max_retries,
        http_client=_httpx2_client(settings),
    )
    with client:
        message = client.messages.create(
            model=settings.model,
            max_tokens=max_tokens,
            system=system,
            messages=[{"role": "user", "content": prompt}],
        )
    text = "".join(block.text for block in message.content if getattr(block, "type", "") == "text")
    return ProviderReply(
        text=text,
        prompt_tokens=int(message.usage.input_tokens or 0),
        completion_tokens=int(message.usage.output_tokens or 0),
        truncated=message.stop_reason == "max_tokens",
    )


def _call_ollama(
    settings: LLMSettings, system: str, prompt: str, max_tokens: int, schema: type[BaseModel] | None
) -> ProviderReply:
    import httpx
    import ollama

    transport = settings.http_transport or httpx.HTTPTransport(retries=settings.max_retries)
    headers = {"authorization": f"Bearer {settings.api_key.get_secret_value()}"} if settings.api_key else None
    client = ollama.Client(
        host=settings.base_url, timeout=settings.timeout_s, transport=transport, headers=headers
    )
    response = client.chat(
        model=settings.model,
        messages=[{"role": "system", "content": system}, {"role": "user", "content": prompt}],
        format=schema.model_json_schema() if schema is not None else None,
        options={"temperature": settings.temperature, "seed": settings.seed, "num_predict": max_tokens},
    )
    return ProviderReply(
        text=response.message.content or "",
        prompt_tokens=int(response.prompt_eval_count or 0),
        completion_tokens=int(response.eval_count or 0),
        truncated=response.done_reason == "length",
    )


PROVIDER_CALLS: dict[str, Callable[..., ProviderReply]] = {
    "openai": _call_openai,
    "anthropic": _call_anthropic,
    "ollama": _call_ollama,
}
