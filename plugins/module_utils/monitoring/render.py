"""Files of the desired state: the values file, one YAML file per manifest of our own, and the
GitOps objects; written only when their content changed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.home import atomic_write_text
from ..common.requirements import requirement
from .stack import DesiredState

with requirement("PyYAML"):
    import yaml

FILE_MODE = 0o644
_UNSAFE = re.compile(r"[^a-z0-9.-]+")


@dataclass(frozen=True)
class RenderedFiles:
    values_file: Path
    manifests_dir: Path
    gitops_dir: Path
    files: dict[Path, str]
    """Every file's path and text: the values, the manifests, the GitOps objects."""

    @property
    def manifest_paths(self) -> list[str]:
        return [str(path) for path in self.files if path.parent == self.manifests_dir]


@dataclass(frozen=True)
class FileChange:
    path: Path
    before: str
    after: str


def to_yaml(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False, width=1000)


def rendered_files(desired: DesiredState, dest: Path) -> RenderedFiles:
    """Pure: the files the desired state is written as, under ``dest``."""
    manifests_dir = dest / "manifests"
    gitops_dir = dest / "gitops"
    files: dict[Path, str] = {dest / "values.yaml": to_yaml(desired.values)}
    for index, manifest in enumerate(desired.manifests):
        files[manifests_dir / _file_name(index, manifest)] = to_yaml(manifest)
    for index, manifest in enumerate(desired.gitops):
        files[gitops_dir / _file_name(index, manifest)] = to_yaml(manifest)
    return RenderedFiles(dest / "values.yaml", manifests_dir, gitops_dir, files)


def _file_name(index: int, manifest: dict[str, Any]) -> str:
    name = _UNSAFE.sub("-", f"{manifest['kind']}-{manifest['metadata']['name']}".lower())
    return f"{index:02d}-{name}.yaml"


def pending_changes(rendered: RenderedFiles) -> list[FileChange]:
    """The files whose content differs from what is on disk (missing files included)."""
    changes = []
    for path, text in rendered.files.items():
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        if before != text:
            changes.append(FileChange(path, before, text))
    return changes


def write_changes(changes: list[FileChange]) -> None:
    for change in changes:
        atomic_write_text(change.path, change.after, FILE_MODE)


def stale_files(rendered: RenderedFiles) -> list[Path]:
    """YAML files left in our folders by an earlier render that this one no longer produces."""
    stale = []
    for folder in (rendered.manifests_dir, rendered.gitops_dir):
        if folder.is_dir():
            stale += [path for path in sorted(folder.glob("*.yaml")) if path not in rendered.files]
    return stale
