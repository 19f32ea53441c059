"""The lint tier runs on a copy of the collection at ``<tmp>/ansible_collections/agentic/k8s``
(ansible-test and ansible-galaxy need that path), shared by the session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.playbook import REPO

COPY_IGNORES = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".collections",
    ".ansible",
    "output",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
    "*.tar.gz",
)


@pytest.fixture(scope="session")
def collection_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout copied to ``<tmp>/ansible_collections/agentic/k8s``."""
    target = tmp_path_factory.mktemp("lint") / "ansible_collections" / "agentic" / "k8s"
    shutil.copytree(REPO, target, ignore=COPY_IGNORES, symlinks=True)
    return target


def tool_env(collections_root: Path) -> dict[str, str]:
    """The environment of a lint tool: the venv first on PATH, the collection resolvable."""
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = str(collections_root)
    env["PATH"] = f"{Path(os.sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("ANSIBLE_CONFIG", None)
    return env
