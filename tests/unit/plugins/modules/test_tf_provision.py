"""tf_provision's parameters become a validated request; bad input is refused naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from ansible_collections.agentic.k8s.plugins.modules import tf_provision


def params(**overrides) -> dict:
    defaults = {name: spec.get("default") for name, spec in tf_provision.ARGUMENT_SPEC.items()}
    return {
        **defaults,
        "platform": "eks",
        "cluster_name": "payments",
        "region": "eu-west-3",
        "modules_path": "/collection/terraform",
        "templates_path": "/collection/templates/terraform",
        **overrides,
    }


def test_parameters_become_a_request_with_the_cluster_key_and_backend(tmp_path):
    request = tf_provision.build_request(
        params(
            home=str(tmp_path),
            cluster_env="prod",
            backend="s3",
            backend_config={"bucket": "states", "use_lockfile": True},
            lock_timeout=30,
            timeout=600,
            llm_provider="openai",
        )
    )

    assert request.cluster_key == "eks-prod-payments"
    assert request.backend.type == "s3" and request.backend.config == {
        "bucket": "states",
        "use_lockfile": True,
    }
    assert (request.lock_timeout_s, request.timeout_s) == (30, 600)
    assert request.module_source == Path("/collection/terraform/eks")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cluster_name": "Payments_1"}, "cluster_name"),
        ({"region": "eu west 3"}, "region"),
        ({"assume_role_arn": "arn:aws:iam::12:user/x"}, "assume_role_arn"),
        ({"backend_config": {"bucket; rm": "x"}}, "backend.config"),
        ({"platform": "aks", "sandbox": True}, ""),
        ({"plan_only": True, "plan_file": "/tmp/x.tfplan"}, ""),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(overrides, field, tmp_path):
    with pytest.raises(ValidationError) as raised:
        tf_provision.build_request(params(home=str(tmp_path), **overrides))
    first = raised.value.errors()[0]
    assert ".".join(str(part) for part in first["loc"]) == field
