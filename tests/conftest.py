"""Test-suite wiring: the collection importable as ``ansible_collections.agentic.k8s``, every
module of ``tests/support/`` loaded as a pytest plugin (shared fixtures: servers, playbook runs),
and a private AGENTIC_K8S_HOME per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COLLECTIONS = REPO / ".collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

pytest_plugins = sorted(
    f"tests.support.{path.stem}"
    for path in (REPO / "tests" / "support").glob("*.py")
    if path.stem != "__init__"
)


@pytest.fixture
def agentic_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh AGENTIC_K8S_HOME for one test."""
    home = tmp_path / "agentic-home"
    monkeypatch.setenv("AGENTIC_K8S_HOME", str(home))
    return home
