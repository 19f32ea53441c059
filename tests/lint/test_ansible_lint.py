"""ansible-lint, production profile, over the whole collection (offline, see .ansible-lint)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.lint.conftest import tool_env
from tests.support.playbook import REPO

pytestmark = pytest.mark.lint


def test_ansible_lint_production_profile_passes():
    run = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-lint"), "--nocolor", "-f", "pep8"],
        cwd=REPO,
        env=tool_env(REPO / ".collections"),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Profile 'production' was required, and it passed" in run.stdout + run.stderr
