"""The LLM layer against recorded HTTP, through each provider's official SDK."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import httpx2
import pytest
from pydantic import BaseModel, Field

from ansible_collections.agentic.k8s.plugins.module_utils.llm.client import ask_structured, ask_text
from ansible_collections.agentic.k8s.plugins.module_utils.llm.errors import LLMError
from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings

FIXTURES = Path(__file__).resolve().parents[5] / "tests" / "fixtures" / "llm"
USAGE_KEYS = {"provider", "model", "latency_ms", "prompt_tokens", "completion_tokens", "cached"}


class Greeting(BaseModel):
    greeting: str = Field(max_length=20)
    n: int = Field(ge=1, le=5)


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class Replay:
    """A transport handler that answers every request with one recorded response and keeps the requests."""

    def __init__(self, response_module, body: dict, status: int = 200) -> None:
        self.response_module = response_module
        self.body = body
        self.status = status
        self.requests: list[dict] = []

    def __call__(self, request):
        self.requests.append({"path": request.url.path, "json": json.loads(request.content)})
        return self.response_module.Response(self.status, json=self.body)


def settings_for(provider: str, transport, tmp_path: Path | None, **extra) -> LLMSettings:
    return LLMSettings(
        provider=provider,
        model="recorded-model",
        base_url="http://llm.invalid/v1" if provider == "openai" else "http://llm.invalid",
        api_key="sk-unit-test-key-123456",
        http_transport=transport,
        cache_dir=tmp_path,
        max_retries=0,
        **extra,
    )


def test_openai_structured_sends_schema_seed_temperature_and_validates(tmp_path):
    replay = Replay(httpx2, recorded("openai_structured")["response"])
    settings = settings_for("openai", httpx2.MockTransport(replay), tmp_path)

    answer = ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)

    assert isinstance(answer.parsed, Greeting)
    assert set(answer.usage) == USAGE_KEYS
    assert answer.usage["cached"] is False
    assert (answer.usage["prompt_tokens"], answer.usage["completion_tokens"]) == (20, 25)
    sent = replay.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["json"]["seed"] == settings.seed
    assert sent["json"]["temperature"] == settings.temperature
    assert sent["json"]["response_format"]["type"] == "json_schema"
    assert sent["json"]["response_format"]["json_schema"]["schema"]["properties"]["n"]["maximum"] == 5


def test_second_identical_call_is_served_from_the_cache_without_http(tmp_path):
    replay = Replay(httpx2, recorded("openai_structured")["response"])
    settings = settings_for("openai", httpx2.MockTransport(replay), tmp_path)

    first = ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)
    second = ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)

    assert len(replay.requests) == 1
    assert second.usage["cached"] is True
    assert (second.usage["prompt_tokens"], second.usage["completion_tokens"]) == (0, 0)
    assert second.parsed == first.parsed
    cache_files = list(tmp_path.glob("*.json"))
    assert len(cache_files) == 1
    assert cache_files[0].stat().st_mode & 0o777 == 0o600


def test_a_different_prompt_or_schema_misses_the_cache(tmp_path):
    replay = Replay(httpx2, recorded("openai_structured")["response"])
    settings = settings_for("openai", httpx2.MockTransport(replay), tmp_path)

    class OtherGreeting(Greeting):
        extra: int | None = None

    ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)
    ask_structured(settings, system="You plan.", prompt="Say hello", schema=Greeting)
    ask_structured(settings, system="You plan.", prompt="Say hi", schema=OtherGreeting)

    assert len(replay.requests) == 3


def test_anthropic_text_answer_and_usage(tmp_path):
    replay = Replay(httpx2, recorded("anthropic_text")["response"])
    settings = settings_for("anthropic", httpx2.MockTransport(replay), None)

    answer = ask_text(settings, system="Be brief.", prompt="Say hi", max_tokens=48)

    assert answer.parsed is None
    assert answer.text == recorded("anthropic_text")["response"]["content"][0]["text"]
    assert replay.requests[0]["path"] == "/v1/messages"
    assert replay.requests[0]["json"]["max_tokens"] == 48
    assert answer.usage["completion_tokens"] == 48


def test_anthropic_structured_puts_the_schema_in_the_prompt_and_rejects_prose(tmp_path):
    replay = Replay(httpx2, recorded("anthropic_text")["response"])
    settings = settings_for("anthropic", httpx2.MockTransport(replay), tmp_path)

    with pytest.raises(LLMError) as raised:
        ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)

    assert "JSON schema" in replay.requests[0]["json"]["system"]
    assert raised.value.usage is not None
    assert raised.value.usage["cached"] is False
    assert list(tmp_path.iterdir()) == []


def test_ollama_structured_sends_format_and_options():
    replay = Replay(httpx, recorded("ollama_structured")["response"])
    settings = settings_for("ollama", httpx.MockTransport(replay), None)

    answer = ask_structured(settings, system="You plan.", prompt="Say hi", schema=Greeting)

    assert answer.parsed == Greeting(greeting="hello", n=3)
    assert (answer.usage["prompt_tokens"], answer.usage["completion_tokens"]) == (31, 14)
    sent = replay.requests[0]
    assert sent["path"] == "/api/chat"
    assert sent["json"]["format"]["properties"]["n"]["maximum"] == 5
    assert sent["json"]["options"]["seed"] == settings.seed
    assert sent["json"]["options"]["temperature"] == settings.temperature


def test_prompt_is_redacted_before_it_leaves(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY")
    replay = Replay(httpx2, recorded("openai_structured")["response"])
    settings = settings_for("openai", httpx2.MockTransport(replay), None)

    ask_structured(
        settings,
        system="Account 123456789012 uses key sk-unit-test-key-123456.",
        prompt="secret wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY at https://bob:hunter2@example.com/",
        schema=Greeting,
    )

    sent = json.dumps(replay.requests[0]["json"])
    for leaked in (
        "123456789012",
        "sk-unit-test-key-123456",
        "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY",
        "hunter2",
    ):
        assert leaked not in sent


def test_truncated_structured_answer_is_an_error_with_usage():
    body = recorded("openai_structured")["response"]
    body = {**body, "choices": [{**body["choices"][0], "finish_reason": "length"}]}
    settings = settings_for("openai", httpx2.MockTransport(Replay(httpx2, body)), None)

    with pytest.raises(LLMError, match="truncated") as raised:
        ask_structured(settings, system="s", prompt="p", schema=Greeting)

    assert raised.value.usage["completion_tokens"] == 25


def test_provider_http_error_becomes_llm_error_without_the_key():
    error_body = {"error": {"message": "invalid key sk-unit-test-key-123456", "type": "auth"}}
    settings = settings_for("openai", httpx2.MockTransport(Replay(httpx2, error_body, status=401)), None)

    with pytest.raises(LLMError, match="openai") as raised:
        ask_text(settings, system="s", prompt="p")

    assert "sk-unit-test-key-123456" not in raised.value.message
    assert "sk-unit-test-key-123456" not in repr(settings)
    assert raised.value.usage["prompt_tokens"] == 0


def test_anthropic_json_inside_prose_and_fences_is_parsed_and_validated(tmp_path):
    body = recorded("anthropic_text")["response"]
    text = 'Here you go:\n```json\n{"greeting": "hi", "n": 2}\n```\nAnything else?'
    body = {**body, "stop_reason": "end_turn", "content": [{"type": "text", "text": text}]}
    settings = settings_for("anthropic", httpx2.MockTransport(Replay(httpx2, body)), tmp_path)

    answer = ask_structured(settings, system="s", prompt="p", schema=Greeting)

    assert answer.parsed == Greeting(greeting="hi", n=2)


def test_ollama_error_becomes_llm_error():
    settings = settings_for(
        "ollama", httpx.MockTransport(Replay(httpx, {"error": "model not found"}, status=404)), None
    )

    with pytest.raises(LLMError, match="model not found") as raised:
        ask_structured(settings, system="s", prompt="p", schema=Greeting)

    assert raised.value.usage["provider"] == "ollama"
