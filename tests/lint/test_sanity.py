"""``ansible-test sanity`` over a copy of the collection, offline, every test included.

Offline: ansible-test bootstraps pip in its venvs with a downloaded get-pip.py; the cache is
seeded with a stand-in that bootstraps the interpreter's bundled pip (ensurepip) and then
installs the pip version ansible-test asked for from the package index.

The ``import`` test loads every plugin and ``module_utils`` file where only the standard library
(and, for non-module plugins, ansible-core) exists: third-party libraries are imported through
``module_utils/common/requirements.py`` and ``common/modeling.py`` (pydantic).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lint.conftest import tool_env

pytestmark = pytest.mark.lint
BIN = Path(sys.executable).parent
GET_PIP_STAND_IN = '''"""Offline stand-in for get-pip.py: the bundled pip, then the requested packages."""
import subprocess
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
requested = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
subprocess.check_call([sys.executable, "-m", "pip", "install", *requested])
'''


def seed_get_pip_cache() -> None:
    """``~/.ansible/test/cache/get_pip_<version>.py``: the stand-in, unless a real script is cached."""
    import ansible_test

    source = (Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py").read_text()
    version = re.search(r"pip='([0-9.]+)'", source)[1]
    cache = Path("~/.ansible/test/cache").expanduser() / f"get_pip_{version.replace('.', '_')}.py"
    if not cache.exists() or cache.read_text().startswith('"""Offline stand-in'):
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(GET_PIP_STAND_IN)


def test_ansible_test_sanity_passes(collection_copy: Path):
    seed_get_pip_cache()
    run = subprocess.run(
        [
            str(BIN / "ansible-test"),
            "sanity",
            "--venv",
            "--python",
            f"{sys.version_info[0]}.{sys.version_info[1]}",
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
