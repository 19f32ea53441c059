"""``ansible-test sanity`` over a copy of the collection, offline, and an import check of every
plugin without third-party libraries.

Offline: ansible-test bootstraps pip in its venvs with a downloaded get-pip.py; the cache is
seeded with a stand-in that uses the interpreter's bundled pip (ensurepip).

ansible-test's own ``import`` test is skipped: on this machine its venv bootstrap installed into
the base interpreter instead of the venv (it replaced the base PyYAML and pip). Its purpose,
"a plugin loads where only Python's standard library and ansible-core exist", is checked by
``test_plugins_import_with_only_the_standard_library_and_ansible`` below.
How modules use third-party libraries (pydantic, kubernetes, psycopg...): a module imports its
``module_utils`` package inside ``try/except ImportError`` and calls ``fail_json(msg=
missing_required_lib(...))`` from ``main()``; module_utils packages import what they need
directly (they run on the controller only, see tests/config.yml).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lint.conftest import tool_env
from tests.support.playbook import REPO

pytestmark = pytest.mark.lint
BIN = Path(sys.executable).parent
IMPORT_CHECKED = ("modules", "action", "callback", "doc_fragments", "lookup", "filter", "inventory")
ANSIBLE_CORE_LIBRARIES = (
    "ansible",
    "ansible_collections",
    "yaml",
    "jinja2",
    "markupsafe",
    "packaging",
    "resolvelib",
)

IMPORT_CHECK = """
import importlib, importlib.abc, sys
allowed = set(sys.stdlib_module_names) | set(sys.argv[1].split(","))
class OnlyAllowed(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in allowed:
            raise ImportError(f"{name} is a third-party library: import it guarded")
        return None
sys.meta_path.insert(0, OnlyAllowed())
failures = []
for module in sys.argv[2:]:
    try:
        importlib.import_module(module)
    except BaseException as error:
        failures.append(f"{module}: {error!r}")
print("\\n".join(failures))
sys.exit(1 if failures else 0)
"""


def seed_get_pip_cache() -> None:
    """``~/.ansible/test/cache/get_pip_<version>.py``: bootstrap pip with ensurepip, no download."""
    import ansible_test

    source = (Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
    version = re.search(r"pip='([0-9.]+)'", source)[1]
    cache = Path("~/.ansible/test/cache").expanduser() / f"get_pip_{version.replace('.', '_')}.py"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(
            '"""Offline stand-in for get-pip.py: the interpreter\'s bundled pip."""\n'
            "import subprocess\nimport sys\n\n"
            'subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])\n'
        )


def test_ansible_test_sanity_passes(collection_copy: Path):
    seed_get_pip_cache()
    run = subprocess.run(
        [
            str(BIN / "ansible-test"),
            "sanity",
            "--venv",
            "--python",
            f"{sys.version_info[0]}.{sys.version_info[1]}",
            "--skip-test",
            "import",
            "--color",
            "no",
        ],
        cwd=collection_copy,
        env=tool_env(collection_copy.parents[2]),
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-20000:]


def importable_plugins() -> list[str]:
    names = []
    for folder in IMPORT_CHECKED:
        for path in sorted((REPO / "plugins" / folder).glob("*.py")):
            if path.stem != "__init__":
                names.append(f"ansible_collections.agentic.k8s.plugins.{folder}.{path.stem}")
    return names


def test_plugins_import_with_only_the_standard_library_and_ansible():
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_CHECK, ",".join(ANSIBLE_CORE_LIBRARIES), *importable_plugins()],
        cwd=REPO,
        env={**tool_env(REPO / ".collections"), "PYTHONPATH": str(REPO / ".collections")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
