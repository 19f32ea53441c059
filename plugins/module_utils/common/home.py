"""The home folder (DESIGN.md, Shared contracts, "Home") and safe file writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOME_VARIABLE = "AGENTIC_K8S_HOME"
DIR_MODE = 0o700
SECRET_FILE_MODE = 0o600


def agentic_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$AGENTIC_K8S_HOME``, else ``${XDG_STATE_HOME:-~/.local/state}/agentic-k8s``; made 0700."""
    environ = os.environ if environ is None else environ
    if environ.get(HOME_VARIABLE):
        home = Path(environ[HOME_VARIABLE]).expanduser()
    else:
        state_root = environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
        home = Path(state_root) / "agentic-k8s"
    return ensure_private_dir(home)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it 0700."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    return path


def cluster_key(platform: str, cluster_env: str, cluster_name: str) -> str:
    """The stable key of a cluster: ``<platform>-<cluster_env>-<cluster_name>``."""
    return f"{platform}-{cluster_env}-{cluster_name}"


@dataclass(frozen=True)
class ClusterPaths:
    root: Path
    terraform: Path
    secrets: Path


@dataclass(frozen=True)
class WorkflowPaths:
    root: Path
    manifests: Path
    docs: Path
    report: Path
    events: Path


def cluster_paths(home: Path, key: str) -> ClusterPaths:
    """``clusters/<key>/`` with its ``terraform/`` and ``secrets/`` folders (all 0700)."""
    root = ensure_private_dir(home / "clusters" / key)
    return ClusterPaths(
        root=root,
        terraform=ensure_private_dir(root / "terraform"),
        secrets=ensure_private_dir(root / "secrets"),
    )


def workflow_paths(artifacts_dir: Path) -> WorkflowPaths:
    """The layout of one workflow's artifacts folder (``workflows/<workflow_id>/`` by default)."""
    root = ensure_private_dir(artifacts_dir)
    return WorkflowPaths(
        root=root,
        manifests=root / "manifests",
        docs=root / "docs",
        report=root / "report",
        events=root / "events.jsonl",
    )


def default_artifacts_dir(home: Path, workflow_id: str) -> Path:
    return home / "workflows" / workflow_id


def atomic_write_text(path: Path, text: str, mode: int = SECRET_FILE_MODE) -> None:
    """Write ``text`` to ``path`` through a temp file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_secret_file(path: Path, content: str) -> Path:
    """A 0600 file for a secret (kubeconfig, token); only its path may travel further."""
    atomic_write_text(path, content, SECRET_FILE_MODE)
    return path


def json_line(record: Mapping[str, Any]) -> bytes:
    """One JSON object as a line of a JSON-lines file (keys sorted)."""
    return (json.dumps(record, sort_keys=True, default=str) + "\n").encode("utf-8")


def open_for_append(path: Path) -> int:
    """A descriptor appending to ``path`` (created 0600): with O_APPEND, each write of a whole
    line lands whole at the end, even with other writers at the same time."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, SECRET_FILE_MODE)


def append_json_line(path: Path, record: Mapping[str, Any]) -> None:
    """Append one JSON object as a line (O_APPEND: concurrent writers do not interleave lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = open_for_append(path)
    try:
        os.write(descriptor, json_line(record))
    finally:
        os.close(descriptor)


class JsonLinesAppender:
    """A JSON-lines file held open for a run's many appends (one write, no open/close, each)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = None

    def append(self, record: Mapping[str, Any]) -> None:
        if self._descriptor is None:
            self._descriptor = open_for_append(self.path)
        os.write(self._descriptor, json_line(record))

    def close(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None
