"""Running real ``ansible-playbook`` from the checkout in tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


def playbook_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a playbook run: this checkout's ansible.cfg, the venv first on PATH."""
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "AGENTIC_K8S_HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.update(extra or {})
    return env


def run_playbook(
    playbook: str | Path,
    home: Path,
    extra_vars: Mapping[str, Any] | None = None,
    *args: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """``ansible-playbook <playbook> -e <json extra vars> <args>``; output captured as text."""
    argv = [str(Path(sys.executable).parent / "ansible-playbook"), str(REPO / playbook)]
    if extra_vars:
        argv += ["-e", json.dumps(dict(extra_vars))]
    argv += list(args)
    return subprocess.run(
        argv,
        cwd=REPO,
        env=playbook_env(home, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def playbook_runner(agentic_home: Path):
    """``playbook_runner("playbooks/site.yml", {"platform": "eks"}, "--check")``."""

    def runner(playbook: str | Path, extra_vars=None, *args: str, env=None, timeout: float = 600):
        return run_playbook(playbook, agentic_home, extra_vars, *args, env=env, timeout=timeout)

    return runner
