"""The curated modules are formatted and parse (all four), and the aws ones validate with the
offline provider mirror (azurerm and google are not available here)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

from tests.support.terraform_sandbox import PLUGIN_DIR, REPO

MODULES = REPO / "terraform"
CURATED = [MODULES / name for name in ("eks", "k3s", "aks", "gke")]


@pytest.mark.lint
def test_every_module_and_fixture_is_terraform_formatted():
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    paths = [str(MODULES), str(REPO / "tests" / "fixtures" / "terraform")]
    run = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", *paths], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, f"not formatted: {run.stdout}"


@pytest.mark.parametrize("module", CURATED, ids=lambda path: path.name)
def test_every_module_parses_and_documents_its_variables_and_outputs(module: Path):
    variables, outputs = {}, {}
    for path in module.glob("*.tf"):
        with path.open(encoding="utf-8") as stream:
            document = hcl2.load(stream)
        for block in document.get("variable", []):
            variables.update(block)
        for block in document.get("output", []):
            outputs.update(block)

    assert variables and outputs
    undocumented = [name for name, body in {**variables, **outputs}.items() if not body.get("description")]
    assert undocumented == []
    assert (module / "README.md").is_file()


@pytest.mark.terraform
@pytest.mark.parametrize("platform", ["eks", "k3s"])
def test_the_aws_modules_validate(platform: str, tmp_path: Path, terraform_available: None):
    shutil.copytree(MODULES / platform, tmp_path, dirs_exist_ok=True)
    cli_config = tmp_path / "terraformrc"
    cli_config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{\n    path = "{PLUGIN_DIR}"\n  }}\n}}\n'
    )
    env = {
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    init = subprocess.run(
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    validate = subprocess.run(
        ["terraform", "validate", "-json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(validate.stdout)
    assert report["valid"] is True, report["diagnostics"]
