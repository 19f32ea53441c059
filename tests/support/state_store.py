"""Recording real playbook runs into a state store, and reading back what was recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store

RECORD_PLAYBOOK = "tests/integration/playbooks/record.yml"
PROBE = "recorded_probe"
RECORDED_EXECUTIONS_PER_RUN = 7
"""record.yml: plan, hold (skipped unless probe_sleep), two loop items, ready (retried),
validation (failed, ignored), the no_log task."""


@dataclass
class Recording:
    """Where a test's runs record: the backend's environment for ansible-playbook, and the store."""

    home: Path
    settings: StoreSettings
    env: dict[str, str] = field(default_factory=dict)

    def workflows(self, **filters: Any) -> list[dict[str, Any]]:
        store = open_store(self.settings, self.home)
        try:
            return store.list_workflows(**filters)
        finally:
            store.close()


def recording_for(backend: str, home: Path, dsn: str = "") -> Recording:
    env = {"AGENTIC_K8S_RECORDED_MODULES": PROBE, "AGENTIC_K8S_STATE_BACKEND": backend}
    if dsn:
        env["AGENTIC_K8S_STATE_DSN"] = dsn
    return Recording(home=home, settings=StoreSettings(backend=backend, dsn=dsn), env=env)


@pytest.fixture(params=["sqlite", "postgres", "file"])
def recording(request: pytest.FixtureRequest, agentic_home: Path) -> Recording:
    """Each test using it runs once per backend."""
    dsn = request.getfixturevalue("postgres_dsn") if request.param == "postgres" else ""
    return recording_for(request.param, agentic_home, dsn)


@pytest.fixture
def sqlite_recording(agentic_home: Path) -> Recording:
    return recording_for("sqlite", agentic_home)
