"""mode=render: files written only when their content changes, stale files removed, diff mode,
check mode writing nothing."""

from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.run import build_request, run_monitoring
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec

SPEC = build_spec({"platform": "gke"})


def test_render_writes_every_file_then_a_rerun_changes_nothing(tmp_path):
    first = run_monitoring(SPEC, build_request(dest=str(tmp_path)))
    assert first["changed"] is True and first["applied"] is False
    kinds = [yaml.safe_load(Path(path).read_text())["kind"] for path in first["manifests"]]
    assert kinds[0] == "Namespace" and kinds[-1] == "PrometheusRule"
    assert (tmp_path / "gitops").is_dir() and (tmp_path / "values.yaml").is_file()
    again = run_monitoring(SPEC, build_request(dest=str(tmp_path), diff=True))
    assert again["changed"] is False and again["diff"] == []


def test_a_changed_spec_rewrites_only_what_changed_and_removes_stale_files(tmp_path):
    run_monitoring(SPEC, build_request(dest=str(tmp_path)))
    renamed = SPEC.model_copy(update={"release_name": "kps", "retention_days": 9})
    result = run_monitoring(renamed, build_request(dest=str(tmp_path), diff=True))
    assert result["changed"] is True
    headers = {d["after_header"] for d in result["diff"]}
    assert str(tmp_path / "values.yaml") in headers
    assert str(tmp_path / "manifests" / "00-namespace-monitoring.yaml") in headers
    assert not (tmp_path / "gitops" / "00-application-kube-prometheus-stack.yaml").exists()
    assert (tmp_path / "gitops" / "00-application-kps.yaml").exists()


def test_check_mode_writes_nothing_and_returns_the_manifests(tmp_path):
    result = run_monitoring(SPEC, build_request(dest=str(tmp_path / "out"), check_mode=True))
    assert result["changed"] is True
    assert not (tmp_path / "out").exists()
    assert result["rendered_values"]["kubeScheduler"] == {"enabled": False}
    assert len(result["rendered_manifests"]) == len(result["manifests"])


def test_the_logs_say_what_was_validated(tmp_path):
    logs = " ".join(run_monitoring(SPEC, build_request(dest=str(tmp_path)))["logs"])
    assert "validated 15 manifests" in logs
    assert "promtool check rules: SUCCESS" in logs
    assert "mode=render: nothing applied" in logs
