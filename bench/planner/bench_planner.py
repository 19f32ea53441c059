"""Planner benchmark (not run by CI): deterministic plan latency per cluster (goal: median under
50 ms) and the cost of an LLM-optimised plan with the local model, cold and cached. Ratios are
against a baseline measured in the same run: loading and validating the catalog and the inputs
(what every plan pays before sizing).

    python bench/planner/bench_planner.py [--rounds 200] [--no-llm]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / ".collections"), str(REPO)]

from ansible_collections.agentic.k8s.plugins.module_utils.llm.settings import LLMSettings  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.planner.catalog import load_catalog  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.planner.models import parse_inputs  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.planner.service import (  # noqa: E402
    PlanRequest,
    plan_cluster,
)
from tests.support.llm_server import LOCAL_MODEL_NAME, local_llm_server  # noqa: E402
from tests.support.planner import DEFAULT_REGIONS, SHIPPED_CATALOG  # noqa: E402

GOAL_MS = 50.0
CLUSTERS = [
    {"platform": platform, "cluster_env": env, "region": DEFAULT_REGIONS[platform], "expected_pods": pods}
    for platform in DEFAULT_REGIONS
    for env in ("dev", "staging", "prod")
    for pods in (10, 400)
]


def timed_ms(action: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _round in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def baseline() -> None:
    for inputs in CLUSTERS:
        load_catalog(SHIPPED_CATALOG)
        parse_inputs(inputs)


def deterministic(home: Path) -> None:
    for index, inputs in enumerate(CLUSTERS):
        request = PlanRequest(
            inputs=inputs,
            catalog_file=str(SHIPPED_CATALOG),
            home=home,
            cluster_key=f"bench-{index}",
            replan=True,
        )
        plan_cluster(request, None, check_mode=True)


def llm_plan_ms(settings: LLMSettings, home: Path) -> tuple[float, dict]:
    request = PlanRequest(
        inputs=CLUSTERS[-1],
        catalog_file=str(SHIPPED_CATALOG),
        home=home,
        cluster_key="bench-llm",
        replan=True,
    )
    started = time.perf_counter()
    outcome = plan_cluster(request, settings, check_mode=True)
    return (time.perf_counter() - started) * 1000, outcome.llm_usage[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--no-llm", action="store_true", help="skip the local-model part")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-planner-"))
    per_cluster = len(CLUSTERS)

    base = statistics.median(timed_ms(baseline, args.rounds)) / per_cluster
    plan = timed_ms(lambda: deterministic(home), args.rounds)
    median = statistics.median(plan) / per_cluster
    p95 = statistics.quantiles(plan, n=20)[-1] / per_cluster
    print(f"clusters per round: {per_cluster}, rounds: {args.rounds}")
    print(f"baseline (catalog + inputs validation): {base:.3f} ms per cluster")
    print(f"deterministic plan: median {median:.3f} ms, p95 {p95:.3f} ms per cluster")
    print(f"  ratio to baseline: {median / base:.2f}x")
    print(f"goal median < {GOAL_MS:g} ms: {'met' if median < GOAL_MS else 'NOT met'}")
    if args.no_llm:
        return
    with local_llm_server() as base_url:
        settings = LLMSettings(
            provider="openai",
            model=LOCAL_MODEL_NAME,
            base_url=f"{base_url}/v1",
            cache_dir=home / "llm-cache",
            timeout_s=900,
            max_retries=0,
        )
        cold_ms, cold_usage = llm_plan_ms(settings, home)
        warm_ms, warm_usage = llm_plan_ms(settings, home)
    print(
        f"LLM-optimised plan, cold: {cold_ms:.0f} ms ({cold_ms / median:.0f}x deterministic), "
        f"{cold_usage['prompt_tokens']} prompt + {cold_usage['completion_tokens']} completion tokens"
    )
    print(
        f"LLM-optimised plan, cached: {warm_ms:.1f} ms ({warm_ms / median:.1f}x deterministic), "
        f"cached={warm_usage['cached']}"
    )


if __name__ == "__main__":
    main()
