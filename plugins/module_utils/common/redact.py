"""Redaction of secrets from anything that is stored, logged or rendered.

The rule (DESIGN.md, Shared contracts, "Secrets"): a key is sensitive when one of its whole
segments (split on ``_``, ``-``, ``.`` and camelCase) or two consecutive segments match a
sensitive word; keys ending in ``_path``, ``_file``, ``_arn``, ``_id`` or ``_name`` and numeric
or boolean values are kept; any value equal to (or containing) a secret from the controller's
environment is always redacted.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

REDACTED = "**REDACTED**"

SENSITIVE_SEGMENTS = frozenset(
    {"password", "passwd", "secret", "token", "apikey", "kubeconfig", "credentials"}
)
SENSITIVE_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("secret", "key"), ("private", "key"), ("client", "secret")}
)
KEPT_SUFFIXES = ("_path", "_file", "_arn", "_id", "_name")
EXPLICIT_SECRET_VARIABLES = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "OLLAMA_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "ARM_CLIENT_SECRET",
    "GOOGLE_CREDENTIALS",
    "AGENTIC_K8S_STATE_DSN",
)
MIN_SECRET_LENGTH = 6

_SEGMENT_SPLIT = re.compile(r"[_\-.\s]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^:/@\s]+):[^@/\s]+@")
_AWS_ACCOUNT_ID = re.compile(r"(?<![0-9])[0-9]{12}(?![0-9])")


def key_segments(key: str) -> list[str]:
    """``'awsSecretAccess_key'`` -> ``['aws', 'secret', 'access', 'key']``."""
    spaced = _CAMEL_BOUNDARY.sub("_", key)
    return [segment.lower() for segment in _SEGMENT_SPLIT.split(spaced) if segment]


@lru_cache(maxsize=4096)
def is_sensitive_key(key: str) -> bool:
    """True when a value stored under ``key`` must be redacted (cached: results repeat their keys)."""
    if key.lower().endswith(KEPT_SUFFIXES):
        return False
    segments = key_segments(key)
    if any(segment in SENSITIVE_SEGMENTS for segment in segments):
        return True
    return any(pair in SENSITIVE_PAIRS for pair in itertools.pairwise(segments))


def known_secret_values(environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Values of the environment variables that hold secrets (by name or by the key rule)."""
    environ = os.environ if environ is None else environ
    values = set()
    for name, value in environ.items():
        if len(value) < MIN_SECRET_LENGTH:
            continue
        if name in EXPLICIT_SECRET_VARIABLES or is_sensitive_key(name):
            values.add(value)
    return frozenset(values)


def redact_text(text: str, secrets: Iterable[str] = (), mask_account_ids: bool = False) -> str:
    """Mask known secret values, URL passwords and, optionally, 12-digit AWS account ids."""
    return _redact_text(text, _longest_first(secrets), mask_account_ids)


def _longest_first(secrets: Iterable[str]) -> tuple[str, ...]:
    """Secrets in masking order: a secret that contains another is masked whole."""
    return tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))


def _redact_text(text: str, secrets: tuple[str, ...], mask_account_ids: bool) -> str:
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "://" in text:
        text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:{REDACTED}@", text)
    if mask_account_ids:
        text = _AWS_ACCOUNT_ID.sub("<account-id>", text)
    return text


def redact(data: Any, secrets: Iterable[str] | None = None, mask_account_ids: bool = False) -> Any:
    """A redacted deep copy of ``data`` (dicts, lists, tuples, strings, scalars)."""
    secret_values = known_secret_values() if secrets is None else secrets
    return _redact(data, _longest_first(secret_values), mask_account_ids)


def _redact(data: Any, secrets: tuple[str, ...], mask_account_ids: bool) -> Any:
    if isinstance(data, Mapping):
        return {key: _redact_item(str(key), value, secrets, mask_account_ids) for key, value in data.items()}
    if isinstance(data, (list, tuple, set, frozenset)):
        return [_redact(item, secrets, mask_account_ids) for item in data]
    if isinstance(data, str):
        return _redact_text(data, secrets, mask_account_ids)
    return data


def _redact_item(key: str, value: Any, secrets: tuple[str, ...], mask_account_ids: bool) -> Any:
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if not is_sensitive_key(key):
        return _redact(value, secrets, mask_account_ids)
    if isinstance(value, Mapping):
        return {inner: REDACTED for inner in value}
    return REDACTED
