"""Where LLM settings come from: module options over the environment over the .env file."""

from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import InputError
from ansible_collections.agentic.k8s.plugins.module_utils.llm.options import (
    LLM_ARGUMENT_SPEC,
    settings_from_params,
)
from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import DEFAULT_MODELS

NO_OPTIONS = {name: spec.get("default") for name, spec in LLM_ARGUMENT_SPEC.items()}


def params(**options):
    return {**NO_OPTIONS, **options}


def test_no_provider_anywhere_means_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert settings_from_params(params(), home=tmp_path, environ={}) is None
    assert not (tmp_path / "llm-cache").exists()


def test_provider_none_disables_a_provider_from_the_environment(tmp_path):
    environ = {"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-environment-key"}
    assert settings_from_params(params(llm_provider="none"), home=tmp_path, environ=environ) is None


def test_environment_configures_provider_model_key_and_cache(tmp_path):
    environ = {
        "LLM_PROVIDER": "anthropic",
        "ANTHROPIC_API_KEY": "sk-ant-123456",
        "ANTHROPIC_MODEL": "claude-x",
    }

    settings = settings_from_params(params(), home=tmp_path, environ=environ)

    assert (settings.provider, settings.model) == ("anthropic", "claude-x")
    assert settings.api_key.get_secret_value() == "sk-ant-123456"
    assert settings.cache_dir == tmp_path / "llm-cache"
    assert (settings.cache_dir.stat().st_mode & 0o777) == 0o700
    assert "sk-ant-123456" not in repr(settings)
    assert "sk-ant-123456" not in settings.model_dump_json()


def test_env_file_is_read_and_the_environment_wins_over_it(tmp_path):
    env_file = tmp_path / "llm.env"
    env_file.write_text("LLM_PROVIDER=ollama\nOLLAMA_MODEL=from-file\nOLLAMA_HOST=http://file:11434\n")
    environ = {"OLLAMA_MODEL": "from-environment"}

    settings = settings_from_params(params(llm_env_file=str(env_file)), home=tmp_path, environ=environ)

    assert (settings.provider, settings.model, settings.base_url) == (
        "ollama",
        "from-environment",
        "http://file:11434",
    )


def test_module_options_override_environment(tmp_path):
    environ = {"LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": "sk-ant-123456", "LLM_TIMEOUT": "5"}
    options = params(
        llm_provider="openai",
        llm_model="local",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_timeout=12.5,
        llm_cache=False,
    )

    settings = settings_from_params(options, home=tmp_path, environ=environ)

    assert (settings.provider, settings.model, settings.base_url) == (
        "openai",
        "local",
        "http://127.0.0.1:9/v1",
    )
    assert settings.timeout_s == 12.5
    assert settings.cache_dir is None
    assert settings.api_key is None


def test_default_model_per_provider(tmp_path):
    settings = settings_from_params(params(llm_provider="ollama"), home=tmp_path, environ={})
    assert settings.model == DEFAULT_MODELS["ollama"]


@pytest.mark.parametrize(
    ("options", "environ", "field"),
    [
        ({}, {"LLM_PROVIDER": "gemini"}, "llm_provider"),
        ({"llm_provider": "openai"}, {}, "llm_api_key"),
        ({"llm_provider": "ollama"}, {"LLM_TIMEOUT": "soon"}, "llm_timeout"),
        ({"llm_provider": "ollama", "llm_env_file": "/nonexistent/.env"}, {}, "llm_env_file"),
    ],
)
def test_bad_configuration_names_the_field(tmp_path, options, environ, field):
    with pytest.raises(InputError) as raised:
        settings_from_params(params(**options), home=tmp_path, environ=environ)
    assert raised.value.field == field
