"""``ansible-galaxy collection build`` makes a tarball that installs, and ``ansible-doc`` shows
every module and plugin of the installed collection."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.lint.conftest import tool_env
from tests.support.playbook import REPO

pytestmark = pytest.mark.lint
BIN = Path(sys.executable).parent
PLUGIN_TYPES = {"modules": "module", "callback": "callback", "lookup": "lookup", "filter": "filter"}


def run(argv: list[str], cwd: Path, collections_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=tool_env(collections_root),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def documented_plugins() -> list[tuple[str, str]]:
    plugins = []
    for folder, plugin_type in PLUGIN_TYPES.items():
        for path in sorted((REPO / "plugins" / folder).glob("*.py")):
            if path.stem != "__init__":
                plugins.append((plugin_type, f"agentic.k8s.{path.stem}"))
    return plugins


@pytest.fixture(scope="module")
def installed_collection(collection_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("build")
    built = run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(build_dir)],
        collection_copy,
        collection_copy.parents[2],
    )
    assert built.returncode == 0, built.stdout + built.stderr
    [tarball] = build_dir.glob("agentic-k8s-*.tar.gz")
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    assert "plugins/callback/state_recorder.py" in names
    assert not [name for name in names if name.startswith(("tests/output", ".venv", ".collections"))]
    install_root = tmp_path_factory.mktemp("installed")
    installed = run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "--no-deps",
            "-p",
            str(install_root),
            str(tarball),
        ],
        build_dir,
        install_root,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return install_root


@pytest.mark.parametrize(("plugin_type", "name"), documented_plugins())
def test_ansible_doc_shows_every_plugin_of_the_installed_collection(
    installed_collection: Path, plugin_type: str, name: str
):
    shown = run(
        [str(BIN / "ansible-doc"), "-t", plugin_type, "--json", name],
        installed_collection,
        installed_collection,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert str(installed_collection) in shown.stdout
    assert '"short_description"' in shown.stdout
