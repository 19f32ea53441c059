"""The manifest validator: strict core schemas, prometheus-operator models for custom resources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.validate import validate_manifests

CONFIG_MAP = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "c", "namespace": "m"},
    "data": {},
}
RULE = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "PrometheusRule",
    "metadata": {"name": "r", "namespace": "m"},
    "spec": {
        "groups": [
            {
                "name": "g",
                "rules": [{"alert": "A", "expr": "up == 0", "for": "5m", "labels": {"severity": "warning"}}],
            }
        ]
    },
}
MONITOR = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "s", "namespace": "m"},
    "spec": {"selector": {"matchLabels": {"app": "x"}}, "endpoints": [{"port": "http", "interval": "30s"}]},
}


def test_valid_core_and_operator_manifests_have_no_findings():
    assert validate_manifests([CONFIG_MAP, RULE, MONITOR]) == []


def test_a_misspelled_core_field_is_an_error_naming_the_object():
    findings = validate_manifests([{**CONFIG_MAP, "dat": {"a": "b"}}])
    assert [(f.ref, f.severity) for f in findings] == [("ConfigMap/m/c", "error")]
    assert "dat" in findings[0].message


def test_a_wrong_core_type_is_an_error_with_its_path():
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "m"},
        "spec": {"replicas": "two", "selector": {}, "template": {}},
    }
    findings = validate_manifests([deployment])
    assert findings[0].path == "spec.replicas"


def test_an_unknown_field_deep_in_a_rule_is_an_error():
    rule = {
        **RULE,
        "spec": {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "sevrity": "x"}]}]},
    }
    findings = validate_manifests([rule])
    assert [f.path for f in findings] == ["spec.groups[0].rules[0].sevrity"]


def test_an_operator_type_error_is_reported():
    monitor = {**MONITOR, "spec": {"selector": {}, "endpoints": "http"}}
    findings = validate_manifests([monitor])
    assert findings and all(f.severity == "error" for f in findings)
    assert any(f.path.startswith("spec.endpoints") for f in findings)


def test_an_unknown_custom_resource_only_warns():
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    findings = validate_manifests([widget])
    assert [(f.severity, f.ref) for f in findings] == [("warning", "Widget/w")]


def test_a_manifest_without_name_is_an_error():
    findings = validate_manifests([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}])
    assert findings[0].message == "missing required fields: metadata.name"


def test_a_version_newer_than_the_schemas_is_checked_against_the_newest_schemas():
    assert validate_manifests([CONFIG_MAP], kubernetes_version="1.99") == []
    assert validate_manifests([{**CONFIG_MAP, "dat": {}}], kubernetes_version="1.99")


def test_a_version_older_than_every_schema_is_refused():
    with pytest.raises(kubernetes_validate.utils.VersionNotSupportedError):
        validate_manifests([CONFIG_MAP], kubernetes_version="1.20")


@pytest.mark.parametrize(
    "manifest",
    [
        {**CONFIG_MAP, "dat": {"a": "b"}},
        {**CONFIG_MAP, "data": {"a": 1}},
        {**CONFIG_MAP, "metadata": {"name": "c", "labels": "x"}},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "r"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verb": ["get"]}],
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "d"},
            "spec": {"replicas": "two", "selector": {}, "template": {}},
        },
    ],
)
def test_core_findings_are_the_errors_kubernetes_validate_raises(manifest):
    with pytest.raises(kubernetes_validate.ValidationError) as raised:
        kubernetes_validate.validate(manifest, "1.31", strict=True)
    expected = (raised.value.message, ".".join(str(part) for part in raised.value.path))
    assert [(f.message, f.path) for f in validate_manifests([manifest], "1.31")] == [expected]


def test_a_kind_checked_before_is_checked_afresh_for_each_manifest():
    manifests = [{**CONFIG_MAP, "dat": {}}, CONFIG_MAP, {**CONFIG_MAP, "binaryDta": {}}]
    findings = validate_manifests(manifests)
    assert [f.message for f in findings] == [
        "Additional properties are not allowed ('dat' was unexpected)",
        "Additional properties are not allowed ('binaryDta' was unexpected)",
    ]


ONLY_V1_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[2])
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.validate import validate_manifests
assert validate_manifests([json.loads(sys.argv[1])]) == []
package = "cloudcoil.models.prometheus_operator"
print(sorted(name for name in sys.modules if name.startswith(package)))
loaded = sys.modules[package + ".v1"]
from cloudcoil.models.prometheus_operator import v1
print(v1 is loaded)
"""


def test_only_the_operator_v1_models_are_imported_and_the_package_shares_them_later():
    collections = Path(__file__).resolve().parents[5] / ".collections"
    child = subprocess.run(
        [sys.executable, "-c", ONLY_V1_SCRIPT, json.dumps(RULE), str(collections)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert child.stdout.splitlines() == ["['cloudcoil.models.prometheus_operator.v1']", "True"]
