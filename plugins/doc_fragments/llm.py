"""Documentation of the LLM options shared by every agentic.k8s module that may call an LLM."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  llm_provider:
    description:
      - The LLM provider. V(openai) also serves any OpenAI-compatible server through O(llm_base_url).
      - Defaults to the environment variable E(LLM_PROVIDER) (or the same name in the C(.env) file).
        No provider (or V(none)) means no LLM call at all; the module takes its deterministic path
        and says so in its result.
    type: str
    choices: [openai, anthropic, ollama, none]
  llm_model:
    description:
      - The model name. Defaults to E(LLM_MODEL), then the provider's variable (E(OPENAI_MODEL),
        E(ANTHROPIC_MODEL), E(OLLAMA_MODEL)), then C(gpt-4o-mini), C(claude-haiku-4-5) or C(llama3.2).
    type: str
  llm_base_url:
    description:
      - The provider's API endpoint. Defaults to E(LLM_BASE_URL), then E(OPENAI_BASE_URL),
        E(ANTHROPIC_BASE_URL) or E(OLLAMA_HOST), then the provider's public endpoint.
    type: str
  llm_api_key:
    description:
      - The API key. Defaults to E(LLM_API_KEY), then E(OPENAI_API_KEY), E(ANTHROPIC_API_KEY) or
        E(OLLAMA_API_KEY) from the environment or the C(.env) file. It is never logged, stored or
        sent anywhere but to the provider, and is redacted from every prompt.
    type: str
  llm_timeout:
    description:
      - Deadline of one LLM request in seconds (the SDK retries with backoff within it, twice).
        Defaults to E(LLM_TIMEOUT), then 60.
    type: float
  llm_env_file:
    description:
      - A C(.env) file (python-dotenv syntax) with the variables above. Defaults to E(LLM_ENV_FILE),
        then C(.env) in the working folder when there is one. The environment wins over the file,
        module options win over both.
    type: path
  llm_cache:
    description:
      - Cache answers under C($AGENTIC_K8S_HOME/llm-cache), keyed by provider, model, prompt and
        schema, so a re-run with the same inputs calls no LLM (its C(llm_usage) entry says
        C(cached=true)).
    type: bool
    default: true
notes:
  - Every call uses a fixed temperature (E(LLM_TEMPERATURE), default 0.7) and seed (E(LLM_SEED),
    default 42) where the provider's API accepts them (the anthropic SDK 2.x takes neither).
  - Secrets from the environment, the API key, URL passwords and 12-digit account ids are redacted
    from every prompt before it leaves the controller.
  - LLM answers are data, validated against a schema (enforced by the API for openai and ollama,
    parsed and validated for anthropic); they never become code.
"""
