"""Overhead of the state_recorder callback on a 300-task localhost playbook (not run by CI).

Variants, run interleaved (shuffled each round), ``--runs`` rounds each:
  none      no recording callback (the baseline, measured in the same rounds);
  noop      a callback whose hooks do nothing: what any callback costs (Ansible copies each task
            result for every callback that has a hook for it) plus this machine's noise;
  sqlite    state_recorder into SQLite;
  postgres  state_recorder into a throwaway PostgreSQL 15 (initdb/pg_ctl);
  ara       ARA's callback (offline client, SQLite), when ``pip install ara`` works here, against
            its own baseline (``ara-none``: the same temp venv without the callback);
  sqlite@ref, postgres@ref  with ``--reference DIR``, the recorder of another checkout.
Every task is recorded: ``recorded_modules`` is set to ``debug``, so each of the 300 tasks becomes
an agent execution row and two events.jsonl lines (the worst case; agent playbooks record a
handful of tasks). Prints median wall and CPU (user+sys of the children) per variant, the
median per-round ratio to the baseline with its min-max spread, and a 95% bootstrap confidence
interval of that median (the rounds resampled): a goal is shown met when the interval's upper
bound is under it.

    python bench/callback_overhead/run.py --runs 10
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
TASKS = 300
BOOTSTRAP_SAMPLES = 2000
NOOP_CALLBACK = """
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "noop"
    CALLBACK_NEEDS_ENABLED = True

    def v2_runner_on_start(self, host, task):
        pass

    def v2_runner_on_ok(self, result):
        pass
"""


@dataclass
class Variant:
    name: str
    ansible_playbook: Path
    env: dict[str, str]
    baseline: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


def write_playbook(folder: Path) -> Path:
    tasks = [
        {"name": "Pick a workflow id", "ansible.builtin.set_fact": {"bench_id": "{{ 999999999 | random }}"}},
        {
            "name": "Open the workflow",
            "ansible.builtin.set_fact": {
                "agentic_workflow": {
                    "id": "bench-{{ bench_id }}",
                    "platform": "eks",
                    "cluster_env": "dev",
                    "inputs": {"platform": "eks"},
                    "status": "RUNNING",
                    "artifacts_dir": "{{ lookup('env', 'AGENTIC_K8S_HOME') }}/workflows/bench-{{ bench_id }}",
                }
            },
        },
    ]
    tasks += [{"name": f"Task {n}", "ansible.builtin.debug": {"msg": f"task {n}"}} for n in range(TASKS)]
    playbook = folder / "bench.yml"
    playbook.write_text(
        json.dumps([{"name": "Bench", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])
    )
    return playbook


def write_config(folder: Path) -> Path:
    """This checkout's ansible.cfg without the recorder enabled (variants enable their callback)."""
    lines = [
        line.replace("= .collections", f"= {REPO / '.collections'}").replace(
            "= inventories/", f"= {REPO}/inventories/"
        )
        for line in (REPO / "ansible.cfg").read_text().splitlines()
        if not line.startswith("callbacks_enabled")
    ]
    config = folder / "ansible.cfg"
    config.write_text("\n".join(lines) + "\n")
    return config


def base_env(home: Path, config: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ANSIBLE_CALLBACKS_ENABLED", None)
    env.update(
        {
            "ANSIBLE_CONFIG": str(config),
            "AGENTIC_K8S_HOME": str(home),
            "AGENTIC_K8S_RECORDED_MODULES": "debug",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.minimal",
            "ANSIBLE_NOCOLOR": "1",
        }
    )
    return env


def noop_variant(ansible_playbook: Path, env: dict[str, str], folder: Path) -> Variant:
    """A callback with the recorder's per-task hooks, doing nothing: the floor of any callback."""
    plugins = folder / "callback_plugins"
    plugins.mkdir()
    (plugins / "noop.py").write_text(NOOP_CALLBACK)
    noop_env = {**env, "ANSIBLE_CALLBACK_PLUGINS": str(plugins), "ANSIBLE_CALLBACKS_ENABLED": "noop"}
    return Variant("noop", ansible_playbook, noop_env, "none")


def recorder_variants(
    ansible_playbook: Path, env: dict[str, str], dsn: str, suffix: str = ""
) -> list[Variant]:
    """The recorder into SQLite and into PostgreSQL, each against the ``none`` baseline."""
    recording = {**env, "ANSIBLE_CALLBACKS_ENABLED": "agentic.k8s.state_recorder"}
    postgres = {**recording, "AGENTIC_K8S_STATE_BACKEND": "postgres", "AGENTIC_K8S_STATE_DSN": dsn}
    return [
        Variant(f"sqlite{suffix}", ansible_playbook, recording, "none"),
        Variant(f"postgres{suffix}", ansible_playbook, postgres, "none"),
    ]


def run_once(variant: Variant, playbook: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(variant.ansible_playbook), str(playbook)],
        cwd=REPO,
        env=variant.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{variant.name} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    variant.walls.append(wall)
    variant.cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def ara_variants(scratch: Path, env: dict[str, str]) -> list[Variant]:
    """ARA's callback and its baseline, from a temp venv with ansible-core and ara."""
    venv = scratch / "ara-venv"
    python = venv / "bin" / "python"
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300
        )
        core = next(
            line
            for line in (REPO / "requirements.txt").read_text().splitlines()
            if line.startswith("ansible-core")
        )
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", core, "ara[server]"],
            check=True,
            capture_output=True,
            timeout=900,
        )
        plugins = subprocess.run(
            [str(python), "-m", "ara.setup.callback_plugins"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
    except (subprocess.SubprocessError, StopIteration) as error:
        print(f"ARA not measured: {error}")
        return []
    ara_env = {
        **env,
        "ANSIBLE_CALLBACK_PLUGINS": plugins,
        "ANSIBLE_CALLBACKS_ENABLED": "ara_default",
        "ARA_API_CLIENT": "offline",
        "ARA_BASE_DIR": str(scratch / "ara"),
    }
    playbook = venv / "bin" / "ansible-playbook"
    return [Variant("ara-none", playbook, env, "ara-none"), Variant("ara", playbook, ara_env, "ara-none")]


def postgres_dsn(scratch: Path) -> tuple[str, Callable[[], None]]:
    from tests.support.postgres import PostgresServer, free_port

    root = scratch / "pg"
    root.mkdir()
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root=root, port=free_port())
    server.init()
    server.start()
    return server.create_database(), server.stop


def report(variants: list[Variant]) -> None:
    by_name = {variant.name: variant for variant in variants}
    print(
        f"{'variant':<12} {'wall s':>7} {'cpu s':>7} {'wall ratio (95% CI) [min-max]':>42} "
        f"{'cpu ratio (95% CI) [min-max]':>42}"
    )
    for variant in variants:
        base = by_name[variant.baseline]
        wall_ratios = [w / b for w, b in zip(variant.walls, base.walls, strict=True)]
        cpu_ratios = [c / b for c, b in zip(variant.cpus, base.cpus, strict=True)]
        wall, cpu = statistics.median(variant.walls), statistics.median(variant.cpus)
        ratios = f"{_ratio(wall_ratios):>42} {_ratio(cpu_ratios):>42}"
        print(f"{variant.name:<12} {wall:>7.2f} {cpu:>7.2f} {ratios}")


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """A bootstrap confidence interval of the median of ``values`` (percentile method)."""
    sampler = random.Random(0)
    medians = sorted(
        statistics.median(sampler.choices(values, k=len(values))) for _resample in range(BOOTSTRAP_SAMPLES)
    )
    tail = (1 - confidence) / 2
    return medians[int(tail * BOOTSTRAP_SAMPLES)], medians[int((1 - tail) * BOOTSTRAP_SAMPLES) - 1]


def _ratio(ratios: list[float]) -> str:
    low, high = median_interval(ratios)
    return f"{statistics.median(ratios):.3f}x ({low:.3f}-{high:.3f}) [{min(ratios):.3f}-{max(ratios):.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-ara", action="store_true", help="skip installing and measuring ARA")
    parser.add_argument(
        "--reference",
        type=Path,
        help="another checkout (set up with scripts/setup.sh, say a worktree of main) whose recorder"
        " is measured too, as sqlite@ref and postgres@ref, in the same rounds",
    )
    arguments = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="agentic-bench-"))
    os.chmod(scratch, 0o755)  # PostgreSQL runs as user postgres under it
    stop_postgres: Callable[[], None] | None = None
    try:
        home = scratch / "home"
        playbook = write_playbook(scratch)
        ansible_playbook = Path(sys.executable).parent / "ansible-playbook"
        env = base_env(home, write_config(scratch))
        dsn, stop_postgres = postgres_dsn(scratch)
        variants = [
            Variant("none", ansible_playbook, env, "none"),
            noop_variant(ansible_playbook, env, scratch),
            *recorder_variants(ansible_playbook, env, dsn),
        ]
        if arguments.reference:
            collections = {"ANSIBLE_COLLECTIONS_PATH": str(arguments.reference.resolve() / ".collections")}
            variants += recorder_variants(ansible_playbook, {**env, **collections}, dsn, suffix="@ref")
        if not arguments.no_ara:
            variants += ara_variants(scratch, env)
        for variant in variants:
            run_once(variant, playbook)
            variant.walls.clear()
            variant.cpus.clear()
        for round_number in range(arguments.runs):
            for variant in random.sample(variants, len(variants)):
                run_once(variant, playbook)
            print(f"round {round_number + 1}/{arguments.runs} done", file=sys.stderr)
        ara_database = scratch / "ara" / "ansible.sqlite"
        if any(variant.name == "ara" for variant in variants) and not ara_database.exists():
            print(f"ARA recorded nothing ({ara_database} missing): its figures are left out")
            variants = [variant for variant in variants if not variant.name.startswith("ara")]
        print(f"{TASKS}-task localhost playbook, every task recorded, {arguments.runs} interleaved runs each")
        report(variants)
    finally:
        if stop_postgres is not None:
            stop_postgres()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
