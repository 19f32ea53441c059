"""One store per backend: every test of the store interface runs on sqlite, postgres and file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store


@pytest.fixture(params=["sqlite", "postgres", "file"])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> StoreSettings:
    if request.param == "postgres":
        return StoreSettings(backend="postgres", dsn=request.getfixturevalue("postgres_dsn"))
    return StoreSettings(backend=request.param)


@pytest.fixture
def store(store_settings: StoreSettings, agentic_home: Path):
    opened = open_store(store_settings, agentic_home)
    yield opened
    opened.close()
