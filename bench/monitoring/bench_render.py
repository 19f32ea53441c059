"""Benchmark (not run by CI): build + validate + render the whole monitoring stack.

Goal: under 2 s, cold included. Prints, in one run:
  baseline - serialising the same manifests to YAML, the least any render must do (median);
  interpreter - a fresh ``python -c pass``: the floor of any cold figure, and a gauge of the
               machine's load during the run (median, for reference);
  cold     - a fresh interpreter (this script with ``--cold-child``) importing the collection's
             modules, the kubernetes-validate schemas and the prometheus-operator models, and
             running one render+validate: the process's wall time, median and spread of several;
  warm     - render+validate again in this process (median).
and the ratios of cold and warm to the baseline.

    python bench/monitoring/bench_render.py [repeats] [--cold-runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / ".collections"))

from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.render import (  # noqa: E402
    rendered_files,
    to_yaml,
)
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.spec import build_spec  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.stack import desired_state  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.monitoring.validate import (  # noqa: E402
    validate_manifests,
)

GOAL_S = 2.0
PLAN = {"monitoring": {"retention_days": 30, "storage_gib": 200, "prometheus_cpu_request": "2"}}


def render_and_validate(dest: Path) -> int:
    desired = desired_state(build_spec({"platform": "eks"}, PLAN))
    findings = validate_manifests([*desired.manifests, *desired.gitops])
    assert not [f for f in findings if f.severity == "error"], findings
    return len(rendered_files(desired, dest).files)


def timed(function: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def process_seconds(*arguments: str) -> float:
    """Wall time of a fresh interpreter running ``arguments``, start-up and exit included."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True)
    return time.perf_counter() - started


def median_and_spread(samples: list[float]) -> str:
    return (
        f"{statistics.median(samples) * 1000:8.1f} ms  "
        f"(min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f} of {len(samples)})"
    )


def main(repeats: int, cold_runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as scratch:
        measure(Path(scratch), repeats, cold_runs)


def measure(dest: Path, repeats: int, cold_runs: int) -> None:
    cold = [process_seconds(__file__, "--cold-child", str(dest)) for _run in range(cold_runs)]
    interpreter = [process_seconds("-c", "pass") for _run in range(cold_runs)]
    render_and_validate(dest)
    warm = statistics.median(timed(render_and_validate, dest) for _repeat in range(repeats))
    manifests = desired_state(build_spec({"platform": "eks"}, PLAN)).manifests
    baseline = statistics.median(timed(lambda: [to_yaml(m) for m in manifests]) for _repeat in range(repeats))
    cold_median = statistics.median(cold)
    files = render_and_validate(dest)
    print(f"stack: {len(manifests)} manifests, {files} files; {cold_runs} cold runs, {repeats} warm repeats")
    print(f"baseline (YAML dump only):  {baseline * 1000:8.1f} ms")
    print(f"interpreter start-up:       {median_and_spread(interpreter)}")
    print(f"cold render+validate:       {median_and_spread(cold)}  {cold_median / baseline:6.1f}x baseline")
    print(f"warm render+validate:       {warm * 1000:8.1f} ms  {warm / baseline:6.1f}x baseline")
    verdicts = {
        name: "met" if seconds < GOAL_S else "MISSED"
        for name, seconds in (("cold", cold_median), ("warm", warm))
    }
    print(f"goal {GOAL_S:.1f} s: cold (median) {verdicts['cold']}, warm {verdicts['warm']}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repeats", nargs="?", type=int, default=5, help="warm (and baseline) repeats")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh interpreters to time")
    parser.add_argument("--cold-child", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    options = arguments()
    if options.cold_child:
        render_and_validate(options.cold_child)
    else:
        main(options.repeats, options.cold_runs)
