"""Benchmarks of tf_provision (not run by CI); every ratio is against a baseline of the same run.

1. tf_provision's first run vs raw ``terraform init`` + ``plan -out`` + ``apply`` of the same
   module in the sandbox (goal: at most 1.10x);
2. tf_provision's no-op re-run vs its first run (goal: at most 0.5x);
3. summarising a 5,000-resource ``show -json`` plan (goal: under 1 s).

Run from the checkout after ``source scripts/setup.sh --test``:
``python bench/terraform/bench_tf_provision.py [--platform k3s|eks]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / ".collections"), str(REPO)]

from ansible_collections.agentic.k8s.plugins.module_utils.common.home import cluster_paths  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.terraform import parse, render  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.cli import TerraformCLI  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import (  # noqa: E402
    input_variables,
    provision,
    sandbox_env,
)
from tests.support.terraform_sandbox import sandbox_request  # noqa: E402

PLAN_RESOURCES = 5000


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def raw_terraform(home: Path, platform: str) -> float:
    """init + plan -out + apply of the same module, rendered the same way, with plain Terraform."""
    request = sandbox_request(home, platform=platform, cluster_name="raw")
    request = request.model_copy(update={"sandbox_endpoint": emulator.ensure_emulator(home).endpoint})
    paths = cluster_paths(home, request.cluster_key)
    workdir = render.prepare(request, paths.terraform, input_variables(request, paths))
    cli = TerraformCLI(workdir.path, workdir.cli_config, 1800, extra_env=sandbox_env(request))
    plan_file = workdir.path / "raw.tfplan"

    def run() -> None:
        for argv in (
            ("init", "-input=false", "-no-color"),
            ("plan", "-input=false", "-no-color", f"-out={plan_file}"),
            ("apply", "-input=false", "-no-color", "-auto-approve", str(plan_file)),
        ):
            result = cli.run(*argv)
            if result.rc != 0:
                raise SystemExit(f"raw terraform {argv[0]} failed: {result.stderr[-2000:]}")

    seconds, _result = timed(run)
    cli.run("destroy", "-input=false", "-no-color", "-auto-approve")
    return seconds


def synthetic_plan(count: int) -> dict:
    attributes = {f"attribute_{index}": f"value-{index}" for index in range(12)}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": f"module.m{index % 50}.aws_instance.node[{index}]",
                "type": "aws_instance",
                "change": {
                    "actions": ["create"] if index % 3 else ["update"],
                    "before": None if index % 3 else attributes,
                    "after": {**attributes, "user_data": "secret"},
                    "before_sensitive": False if index % 3 else {},
                    "after_sensitive": {"user_data": True},
                },
            }
            for index in range(count)
        ],
    }


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--platform", choices=["k3s", "eks"], default="k3s")
    platform = arguments.parse_args().platform
    with tempfile.TemporaryDirectory(prefix="bench-terraform-") as folder:
        home = Path(folder)
        try:
            raw_s = raw_terraform(home, platform)
            request = sandbox_request(home, platform=platform, cluster_name="bench")
            first_s, first = timed(lambda: provision(request))
            rerun_s, rerun = timed(lambda: provision(request))
            provision(request.model_copy(update={"state": "absent"}))
        finally:
            emulator.stop_emulator(home)
    assert first["changed"] and not rerun["changed"]
    plan_text = json.dumps(synthetic_plan(PLAN_RESOURCES))
    summary_s, summary = timed(lambda: parse.summarize_plan(json.loads(plan_text)))
    diff_s, _diff = timed(lambda: parse.plan_diff(json.loads(plan_text)))
    print(f"platform {platform}: {len(first['resources'])} resources")
    print(f"raw terraform init+plan+apply   {raw_s:7.1f} s")
    print(f"tf_provision first run          {first_s:7.1f} s   ratio {first_s / raw_s:.2f}x (goal <= 1.10x)")
    print(f"tf_provision no-op re-run       {rerun_s:7.1f} s   ratio {rerun_s / first_s:.2f}x (goal <= 0.5x)")
    print(f"summarise {PLAN_RESOURCES}-resource plan    {summary_s:7.3f} s   (goal < 1 s; add={summary.add})")
    print(f"diff of {PLAN_RESOURCES}-resource plan      {diff_s:7.3f} s")


if __name__ == "__main__":
    main()
