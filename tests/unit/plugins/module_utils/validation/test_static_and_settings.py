"""Static mode's checks (the plan against the provisioning outputs, the rendered manifests through
the monitoring agent's validator) and the validation of the agent's inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import AgenticError
from ansible_collections.agentic.k8s.plugins.module_utils.validation.models import Severity
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import parse_settings
from ansible_collections.agentic.k8s.plugins.module_utils.validation.static import (
    check_manifests,
    check_plan_against_infra,
    load_manifests,
    planned_node_count,
)

PLAN = {
    "platform": "eks",
    "region": "us-east-1",
    "kubernetes_version": "1.30",
    "node_groups": [{"desired_size": 2}, {"desired_size": 3}],
}


def test_provisioned_outputs_matching_the_plan_have_no_findings():
    infra = {
        "platform": "eks",
        "outputs": {"region": "us-east-1", "cluster_version": "1.30", "node_count": "5"},
        "resources": [{"address": "aws_eks_cluster.this"}],
    }

    assert planned_node_count(PLAN) == 5
    assert check_plan_against_infra(PLAN, infra) == []


def test_drift_between_plan_and_outputs_is_reported():
    infra = {
        "platform": "k3s",
        "outputs": {"region": "eu-west-3", "kubernetes_version": "1.29.8"},
        "resources": [],
    }

    findings = check_plan_against_infra(PLAN, infra)

    assert [(f.severity, f.message) for f in findings] == [
        (Severity.CRITICAL, "Provisioned platform k3s differs from the planned eks"),
        (Severity.WARNING, "Provisioned region eu-west-3 differs from the planned us-east-1"),
        (Severity.WARNING, "Provisioned Kubernetes version 1.29.8 differs from the planned 1.30"),
        (Severity.WARNING, "Provisioning reported no resources"),
    ]
    assert check_plan_against_infra(PLAN, {})[0].message.startswith("No provisioning outputs")


def test_rendered_manifests_are_loaded_from_folders_and_lists_and_validated(tmp_path: Path):
    good = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok", "namespace": "m"}, "data": {}}
    bad = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "bad", "namespace": "m"},
        "spec": {"prots": []},
    }
    (tmp_path / "nested").mkdir()
    (tmp_path / "a.yaml").write_text(yaml.safe_dump_all([good, None]))
    (tmp_path / "nested" / "b.yml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [bad]})
    )
    (tmp_path / "notes.txt").write_text("not a manifest")

    manifests = load_manifests([tmp_path])
    findings = check_manifests(manifests, "1.30.4")

    assert [m["metadata"]["name"] for m in manifests] == ["ok", "bad"]
    assert len(findings) == 1
    assert findings[0].severity is Severity.CRITICAL
    assert findings[0].evidence["object"] == "Service/m/bad" and "prots" in findings[0].message


def test_missing_or_broken_manifest_files_are_clear_errors(tmp_path: Path):
    with pytest.raises(AgenticError, match="does not exist"):
        load_manifests([tmp_path / "absent.yml"])
    (tmp_path / "broken.yml").write_text("a: [")
    with pytest.raises(AgenticError, match=r"broken\.yml is not valid YAML"):
        load_manifests([tmp_path / "broken.yml"])


def test_bad_options_name_every_field_and_the_allowed_values():
    with pytest.raises(AgenticError) as raised:
        parse_settings(
            {"checks": ["nodes", "dns"], "endpoints": {"grafanna": {"url": "http://x"}}, "timeout_s": 0}
        )

    message = raised.value.message
    assert "checks: Value error, unknown checks ['dns']; allowed: nodes, pods" in message
    assert (
        "endpoints: Value error, unknown endpoints ['grafanna']; allowed: prometheus, alertmanager, grafana"
        in message
    )
    assert "timeout_s: Input should be greater than 0" in message


def test_endpoints_get_default_ports_and_empty_ones_are_dropped():
    settings = parse_settings(
        {"endpoints": {"prometheus": {"service": "prometheus-operated"}, "grafana": {}}}
    )

    assert list(settings.endpoints) == ["prometheus"]
    assert settings.endpoints["prometheus"].port == 9090
