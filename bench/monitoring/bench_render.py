"""Benchmark (not run by CI): build + validate + render the whole monitoring stack.

Goal: under 2 s. Prints the cold figure (first run in a fresh process, imports of the
kubernetes-validate schemas and the prometheus-operator models included), the warm median, and
their ratios to a baseline measured in the same run: serialising the same manifests to YAML, the
least any render must do.

    python bench/monitoring/bench_render.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
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


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main(repeats: int) -> None:
    dest = Path(tempfile.mkdtemp(prefix="bench-monitoring-"))
    cold = timed(render_and_validate, dest)
    warm = statistics.median(timed(render_and_validate, dest) for _repeat in range(repeats))
    manifests = desired_state(build_spec({"platform": "eks"}, PLAN)).manifests
    baseline = statistics.median(timed(lambda: [to_yaml(m) for m in manifests]) for _repeat in range(repeats))
    files = render_and_validate(dest)
    print(f"stack: {len(manifests)} manifests, {files} files; {repeats} warm repeats")
    print(f"baseline (YAML dump only): {baseline * 1000:8.1f} ms")
    print(f"cold render+validate:      {cold * 1000:8.1f} ms  ({cold / baseline:6.1f}x baseline)")
    print(f"warm render+validate:      {warm * 1000:8.1f} ms  ({warm / baseline:6.1f}x baseline)")
    verdicts = {
        name: "met" if seconds < GOAL_S else "MISSED" for name, seconds in (("cold", cold), ("warm", warm))
    }
    print(f"goal {GOAL_S:.1f} s: cold {verdicts['cold']}, warm {verdicts['warm']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
