"""The reusable roles pass their Molecule scenarios (extensions/molecule/<role>): converge,
idempotence (a second converge changes nothing) and verify, on localhost (default driver)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.playbook import REPO, playbook_env

SCENARIOS = sorted(path.parent.name for path in (REPO / "extensions" / "molecule").glob("*/molecule.yml"))


@pytest.mark.molecule
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_reusable_role_scenario_converges_idempotently_and_verifies(
    scenario: str, agentic_home: Path, tmp_path: Path
):
    # Molecule installs the collection under test into ~/.ansible/collections: a private HOME
    # keeps that copy from outliving the test and shadowing the checkout.
    result = subprocess.run(
        [str(Path(sys.executable).parent / "molecule"), "test", "-s", scenario, "--no-report"],
        cwd=REPO,
        env=playbook_env(
            agentic_home, {"MOLECULE_NO_LOG": "false", "NO_COLOR": "1", "HOME": str(tmp_path / "home")}
        ),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "idempotence" in result.stdout + result.stderr
