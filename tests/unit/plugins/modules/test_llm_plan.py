"""The llm_plan module: thin over the planner service, check mode, diff, errors as fail_json."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.agentic.k8s.plugins.modules import llm_plan
from tests.support.planner import SHIPPED_CATALOG


def run_module(capsys, **args) -> dict:
    with patch_module_args(args), pytest.raises(SystemExit):
        llm_plan.main()
    return json.loads(capsys.readouterr().out)


def base_args(home, **extra) -> dict:
    return {
        "platform": "gke",
        "cluster_env": "prod",
        "region": "europe-west4",
        "cluster_key": "gke-prod-web",
        "catalog_file": str(SHIPPED_CATALOG),
        "home": str(home),
        "llm_provider": "none",
        **extra,
    }


def test_plan_is_returned_with_findings_suggestions_usage_and_logs(capsys, tmp_path):
    result = run_module(capsys, **base_args(tmp_path))

    assert result["changed"] is True
    assert result["plan"]["platform"] == "gke"
    assert result["findings"] == result["plan"]["findings"]
    assert result["suggestions"] == {"accepted": [], "rejected": []}
    assert result["llm_usage"] == []
    assert result["logs"]
    assert (tmp_path / "clusters" / "gke-prod-web" / "plan.json").exists()


def test_second_run_is_idempotent(capsys, tmp_path):
    run_module(capsys, **base_args(tmp_path))
    assert run_module(capsys, **base_args(tmp_path))["changed"] is False


def test_check_and_diff_mode(capsys, tmp_path):
    result = run_module(capsys, **base_args(tmp_path), _ansible_check_mode=True, _ansible_diff=True)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["platform"] == "gke"
    assert not (tmp_path / "clusters").exists()


def test_bad_input_fails_naming_the_field(capsys, tmp_path):
    result = run_module(capsys, **base_args(tmp_path, region="westeurope"))

    assert result["failed"] is True
    assert result["field"] == "region"
    assert "europe-west4" in result["msg"]


def test_api_key_never_appears_in_the_result(capsys, tmp_path):
    result = run_module(
        capsys,
        **base_args(tmp_path, llm_provider="anthropic", llm_api_key="sk-ant-module-secret", region="nowhere"),
    )
    assert "sk-ant-module-secret" not in json.dumps(result)
