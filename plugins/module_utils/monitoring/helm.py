"""The helm CLI through the one command runner: read a release, ``upgrade --install`` it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import AgenticError
from ..common.redact import redact_text
from ..common.runner import CommandResult, require_binary, run_command
from .spec import CHART_NAME

READ_TIMEOUT_S = 60.0
HELM_PURPOSE = "install the kube-prometheus-stack chart (mode=apply)"


@dataclass(frozen=True)
class HelmTarget:
    release: str
    namespace: str
    chart_repo: str
    chart_version: str
    kubeconfig_path: str
    context: str = ""
    timeout_s: float = 600.0


@dataclass(frozen=True)
class ReleaseState:
    chart_version: str
    revision: int
    status: str
    values: dict[str, Any]


def _connection_args(target: HelmTarget) -> list[str]:
    args = ["--namespace", target.namespace, "--kubeconfig", target.kubeconfig_path]
    return args + (["--kube-context", target.context] if target.context else [])


def _helm(target: HelmTarget, args: list[str], timeout_s: float = READ_TIMEOUT_S) -> CommandResult:
    helm = require_binary("helm", HELM_PURPOSE)
    result = run_command([helm, *args, *_connection_args(target)], timeout_s=timeout_s)
    if result.rc != 0:
        raise AgenticError(
            f"helm {args[0]} failed (rc {result.rc}): {redact_text(result.stderr.strip()[-2000:])}",
            argv=[*args[:2]],
        )
    return result


def release_state(target: HelmTarget) -> ReleaseState | None:
    """The deployed release (chart version, revision, user values), or None when absent."""
    listing = _helm(target, ["list", "--filter", f"^{target.release}$", "--output", "json"])
    entries = [entry for entry in json.loads(listing.stdout or "[]") if entry.get("name") == target.release]
    if not entries:
        return None
    entry = entries[0]
    values = _helm(target, ["get", "values", target.release, "--output", "json"])
    return ReleaseState(
        chart_version=str(entry.get("chart", "")).removeprefix(f"{CHART_NAME}-"),
        revision=int(entry.get("revision", 0)),
        status=str(entry.get("status", "")),
        values=json.loads(values.stdout or "null") or {},
    )


def upgrade_install(target: HelmTarget, values_file: Path) -> CommandResult:
    """``helm upgrade --install --atomic --wait`` with the pinned chart and the values file."""
    args = [
        "upgrade",
        "--install",
        target.release,
        CHART_NAME,
        "--repo",
        target.chart_repo,
        "--version",
        target.chart_version,
        "--values",
        str(values_file),
        "--create-namespace",
        "--atomic",
        "--wait",
        "--timeout",
        f"{int(target.timeout_s)}s",
    ]
    return _helm(target, args, timeout_s=target.timeout_s + 60)


def release_is_current(state: ReleaseState | None, target: HelmTarget, values: dict[str, Any]) -> bool:
    """True when the deployed release has the pinned chart, the same values and is deployed."""
    return (
        state is not None
        and state.status == "deployed"
        and state.chart_version == target.chart_version
        and json.loads(json.dumps(values)) == state.values
    )
