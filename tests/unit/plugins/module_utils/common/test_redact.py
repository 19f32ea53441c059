"""The one redaction rule (DESIGN.md, "Secrets")."""

from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.redact import (
    REDACTED,
    is_sensitive_key,
    known_secret_values,
    redact,
)


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "db_passwd",
        "client_secret",
        "api_key",
        "apiKey",
        "OPENAI_API_KEY",
        "aws_secret_access_key",
        "kubeconfig",
        "private_key",
        "token",
        "credentials",
    ],
)
def test_sensitive_keys(key: str):
    assert is_sensitive_key(key)


@pytest.mark.parametrize(
    "key",
    ["kms_key_arn", "kubeconfig_path", "prompt_tokens", "secrets_encryption", "token_file", "cluster_name"],
)
def test_ordinary_keys_survive(key: str):
    assert not is_sensitive_key(key)


def test_values_of_sensitive_keys_are_redacted_but_numbers_and_booleans_kept():
    data = {"password": "hunter2", "token": 12, "nested": [{"api_key": "abc"}], "name": "x"}
    assert redact(data, secrets=()) == {
        "password": REDACTED,
        "token": 12,
        "nested": [{"api_key": REDACTED}],
        "name": "x",
    }


def test_a_secret_from_the_environment_is_redacted_wherever_it_appears():
    secrets = known_secret_values({"MY_API_TOKEN": "s3cr3t-value", "HOME": "/root", "SHORT_TOKEN": "abc"})
    assert secrets == frozenset({"s3cr3t-value"})
    assert redact({"note": "use s3cr3t-value here"}, secrets) == {"note": f"use {REDACTED} here"}


def test_url_passwords_and_optionally_account_ids_are_masked():
    assert redact("postgresql://app:pw@db/x", secrets=()) == f"postgresql://app:{REDACTED}@db/x"
    assert redact("arn:aws:iam::123456789012:role/x", secrets=(), mask_account_ids=True) == (
        "arn:aws:iam::<account-id>:role/x"
    )
