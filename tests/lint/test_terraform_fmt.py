"""``terraform fmt -check`` over terraform/ (the curated root modules)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.playbook import REPO

pytestmark = pytest.mark.lint


def test_terraform_files_are_formatted():
    if not (REPO / "terraform").is_dir():
        pytest.skip("no terraform/ folder in this checkout")
    terraform = shutil.which("terraform")
    assert terraform, "terraform is not on PATH"
    run = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", "terraform"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, f"unformatted Terraform files:\n{run.stdout}{run.stderr}"
