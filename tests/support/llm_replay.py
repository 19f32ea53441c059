"""Recorded LLM HTTP for tests: an OpenAI-compatible chat completion whose answer text a test
chooses, replayed through the openai SDK's own HTTP client (``httpx2.MockTransport``)."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RECORDED_OPENAI = REPO / "tests" / "fixtures" / "llm" / "openai_structured.json"


class OpenAIReplay:
    """Answers every chat completion with ``content``; counts the requests it served."""

    def __init__(self, content: str, finish_reason: str = "stop") -> None:
        recorded = json.loads(RECORDED_OPENAI.read_text())["response"]
        choice = {**recorded["choices"][0], "finish_reason": finish_reason}
        choice["message"] = {**choice["message"], "content": content}
        self.body = {**recorded, "choices": [choice]}
        self.requests: list[dict] = []

    def __call__(self, request):
        import httpx2

        self.requests.append(json.loads(request.content))
        return httpx2.Response(200, json=self.body)

    def settings(self, cache_dir: Path | None = None):
        import httpx2

        from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings

        return LLMSettings(
            provider="openai",
            model="recorded-model",
            base_url="http://llm.invalid/v1",
            http_transport=httpx2.MockTransport(self),
            cache_dir=cache_dir,
            max_retries=0,
        )


class RefusingTransport:
    """A transport that fails the test if any request is sent (proves an answer came from a cache)."""

    def __call__(self, request):
        raise AssertionError(f"unexpected LLM request to {request.url}")
