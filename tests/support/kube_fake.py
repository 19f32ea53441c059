"""Fixtures around the FAKE Kubernetes API server and the FAKE ``helm`` of ``tests/fakes/``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.kube_api import FakeKubeApi

FAKES = Path(__file__).resolve().parents[1] / "fakes"


@dataclass(frozen=True)
class FakeCluster:
    """A running fake API (``api``) and a kubeconfig pointing at it."""

    api: FakeKubeApi
    kubeconfig: Path

    def seed(self, *manifests: dict[str, Any]) -> None:
        self.api.seed(*manifests)


@dataclass(frozen=True)
class FakeHelm:
    """The fake helm on PATH; its recorded calls and its releases."""

    state_dir: Path

    def calls(self) -> list[list[str]]:
        path = self.state_dir / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def releases(self) -> dict[str, Any]:
        path = self.state_dir / "releases.json"
        return json.loads(path.read_text()) if path.exists() else {}


@pytest.fixture
def kube_fake(tmp_path: Path) -> Iterator[FakeCluster]:
    """A fresh fake Kubernetes API on loopback with namespace ``default``; stopped afterwards."""
    api = FakeKubeApi()
    api.start()
    api.seed({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    try:
        yield FakeCluster(api=api, kubeconfig=api.write_kubeconfig(tmp_path / "kubeconfig"))
    finally:
        api.stop()


@pytest.fixture
def fake_helm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHelm:
    """The fake ``helm`` first on PATH (for this process and its children), with private state."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    (bin_dir / "helm").symlink_to(FAKES / "helm")
    state_dir = tmp_path / "fake-helm-state"
    monkeypatch.setenv("FAKE_HELM_STATE_DIR", str(state_dir))
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    return FakeHelm(state_dir=state_dir)
