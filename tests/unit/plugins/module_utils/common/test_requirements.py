"""Third-party libraries imported guarded: a missing one is reported by name, not by a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common import requirements
from tests.support.playbook import REPO

BLOCKED_IMPORTS_RUN = """
import importlib.abc, runpy, sys
blocked = set(sys.argv.pop(1).split(","))
class Blocked(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None
sys.meta_path.insert(0, Blocked())
runpy.run_module(sys.argv.pop(1), run_name="__main__", alter_sys=True)
"""


@pytest.fixture
def no_missing(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    missing: dict[str, str] = {}
    monkeypatch.setattr(requirements, "MISSING_REQUIREMENTS", missing)
    return missing


def test_a_failed_import_is_recorded_under_its_package_and_raised_on_use(no_missing: dict[str, str]):
    with requirements.requirement("not-installed-lib"):
        import not_installed_lib  # noqa: F401

    assert list(no_missing) == ["not-installed-lib"]
    assert "ModuleNotFoundError" in no_missing["not-installed-lib"]
    with pytest.raises(requirements.MissingLibraryError, match="'not-installed-lib' is required"):
        requirements.ensure_available("not-installed-lib")


def test_an_installed_library_is_available(no_missing: dict[str, str]):
    with requirements.requirement("PyYAML"):
        import yaml

    assert yaml.safe_load("a: 1") == {"a": 1}
    requirements.ensure_available("PyYAML")
    assert no_missing == {}


def run_module_without(blocked: list[str], module: str, args: dict, tmp_path) -> dict:
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    run = subprocess.run(
        [sys.executable, "-c", BLOCKED_IMPORTS_RUN, ",".join(blocked), module, str(args_file)],
        env={"PYTHONPATH": str(REPO / ".collections"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize(
    ("module", "args", "packages"),
    [
        (
            "llm_plan",
            {"platform": "eks", "region": "us-east-1", "catalog_file": "c", "cluster_key": "k"},
            ["pydantic"],
        ),
        ("monitoring_stack", {"platform": "eks", "dest": "out"}, ["PyYAML", "kubernetes", "pydantic"]),
        ("docs_generate", {"workflow": {}}, ["Jinja2", "PyYAML", "pydantic"]),
    ],
)
def test_a_module_without_its_libraries_fails_naming_each_of_them(module, args, packages, tmp_path):
    result = run_module_without(
        ["pydantic", "yaml", "jinja2", "kubernetes"],
        f"ansible_collections.agentic.k8s.plugins.modules.{module}",
        args,
        tmp_path,
    )

    assert result["failed"] is True
    assert "Failed to import the required Python library" in result["msg"]
    for package in packages:
        assert package in result["msg"]
