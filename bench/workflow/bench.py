"""bench/workflow: the whole sandbox workflow (deterministic planner) against raw Terraform on the
same rendered EKS root module, and the no-op re-run against the first run. Not part of CI.

    python bench/workflow/bench.py [--rounds N]

Each round, on the same AWS emulator: (1) site.yml for a fresh cluster, (2) site.yml again (a
Terraform no-op), (3) playbooks/destroy.yml, (4) raw `terraform init`, `plan -out`, `apply` of a
copy of the root module the workflow rendered (same tfvars, provider mirror and emulator), then
`terraform destroy` (destroy.yml stops the emulator with the last cluster; the copy is pointed at
the restarted one). Prints the medians and the ratios; the goals are workflow / raw <= 1.3 and
re-run / first run <= 0.5.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / ".collections"), str(REPO)]

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator  # noqa: E402
from tests.support.playbook import playbook_env  # noqa: E402

PLUGIN_DIR = os.environ.get("AGENTIC_K8S_TF_PLUGIN_DIR", "/opt/tf-plugins")
ROOT_MODULE_FILES = ("*.tf", "terraform.tfvars.json", ".terraformrc")
ENDPOINT = re.compile(r"http://127\.0\.0\.1:[0-9]+")


def timed(argv: list[str], env: dict[str, str], cwd: Path = REPO) -> float:
    started = time.monotonic()
    completed = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv[:3])} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return time.monotonic() - started


def playbook(name: str, extra_vars: dict) -> list[str]:
    ansible = Path(sys.executable).parent / "ansible-playbook"
    return [str(ansible), str(REPO / "playbooks" / name), "-e", json.dumps(extra_vars)]


def newest_workflow_id(home: Path) -> str:
    return max((home / "workflows").iterdir(), key=lambda path: path.stat().st_mtime).name


def copy_root_module(home: Path, cluster_key: str, scratch: Path) -> Path:
    """The root module, tfvars and CLI configuration the workflow rendered, without its state."""
    workdir = scratch / f"raw-{cluster_key}"
    workdir.mkdir()
    for pattern in ROOT_MODULE_FILES:
        for path in (home / "clusters" / cluster_key / "terraform").glob(pattern):
            shutil.copy(path, workdir / path.name)
    return workdir


def raw_terraform(workdir: Path, home: Path, env: dict[str, str]) -> float:
    """init + plan + apply of the copied root module on the (restarted) emulator; destroyed afterwards."""
    endpoint = emulator.ensure_emulator(home).endpoint
    for path in workdir.glob("*.tf"):
        path.write_text(ENDPOINT.sub(endpoint, path.read_text()))
    tf_env = {**env, "TF_CLI_CONFIG_FILE": str(workdir / ".terraformrc"), "TF_IN_AUTOMATION": "1"}
    terraform = shutil.which("terraform") or "terraform"
    seconds = timed([terraform, "init", "-input=false", "-no-color"], tf_env, workdir)
    seconds += timed([terraform, "plan", "-input=false", "-no-color", "-out=raw.tfplan"], tf_env, workdir)
    seconds += timed([terraform, "apply", "-input=false", "-no-color", "raw.tfplan"], tf_env, workdir)
    timed([terraform, "destroy", "-auto-approve", "-input=false", "-no-color"], tf_env, workdir)
    return seconds


def one_round(home: Path, scratch: Path, index: int) -> dict[str, float]:
    env = playbook_env(home, {"AGENTIC_K8S_TF_PLUGIN_DIR": PLUGIN_DIR, "LLM_PROVIDER": "none"})
    name = f"bench{index}"
    key = f"eks-dev-{name}"
    site = {"platform": "eks", "sandbox": True, "cluster_name": name}
    first = timed(playbook("site.yml", site), env)
    rerun = timed(playbook("site.yml", site), env)
    workdir = copy_root_module(home, key, scratch)
    timed(playbook("destroy.yml", {"workflow_id": newest_workflow_id(home)}), env)
    raw = raw_terraform(workdir, home, env)
    return {"workflow": first, "rerun": rerun, "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as scratch_name:
        scratch = Path(scratch_name)
        home = scratch / "home"
        try:
            results = [one_round(home, scratch, index) for index in range(rounds)]
        finally:
            emulator.stop_emulator(home)
    median = {key: statistics.median(result[key] for result in results) for key in results[0]}
    print(f"rounds: {rounds}")
    for key, seconds in median.items():
        print(f"median {key:8s} {seconds:7.1f} s   (all: {', '.join(f'{r[key]:.1f}' for r in results)})")
    print(
        f"workflow / raw terraform init+plan+apply: {median['workflow'] / median['raw']:.2f}x (goal <= 1.3x)"
    )
    print(f"no-op re-run / first run: {median['rerun'] / median['workflow']:.2f}x (goal <= 0.5x)")


if __name__ == "__main__":
    main()
