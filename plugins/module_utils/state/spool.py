"""The local journal of records written while the store is down, replayed on the next run.

One ``spool/<run_id>.jsonl`` (0600) per run that met an outage; lines are already redacted.
A replaying run claims a file by renaming it, so two runs never replay the same file at once;
a replay that fails puts the file back for the next run. Records are idempotent, so a file
replayed twice (a replayer killed half-way) duplicates nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..common.home import append_json_line, ensure_private_dir
from ..common.processes import pid_alive
from .records import Record, record_from_dict, record_to_dict
from .store import StateStore

CLAIM_MARK = ".claimed-"


class Spool:
    def __init__(self, directory: Path, run_id: str) -> None:
        self.directory = directory
        self.path = directory / f"{run_id}.jsonl"

    def append(self, record: Record) -> None:
        ensure_private_dir(self.directory)
        append_json_line(self.path, record_to_dict(record))

    def pending(self) -> list[Path]:
        """Other runs' spool files, oldest first (claims of dead replayers are released)."""
        if not self.directory.is_dir():
            return []
        for claimed in self.directory.glob(f"*.jsonl{CLAIM_MARK}*"):
            if not pid_alive(int(claimed.name.rsplit(CLAIM_MARK, 1)[1])):
                _rename_quietly(claimed, claimed.with_name(claimed.name.split(CLAIM_MARK, 1)[0]))
        files = [path for path in self.directory.glob("*.jsonl") if path != self.path]
        return sorted(files, key=lambda path: path.stat().st_mtime)

    def replay(self, store: StateStore) -> int:
        """Write every pending record to ``store``; return how many were replayed."""
        replayed = 0
        for path in self.pending():
            claimed = path.with_name(f"{path.name}{CLAIM_MARK}{os.getpid()}")
            if not _rename_quietly(path, claimed):
                continue
            try:
                for line in claimed.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        store.write(record_from_dict(json.loads(line)))
                        replayed += 1
            except BaseException:
                _rename_quietly(claimed, path)
                raise
            claimed.unlink()
        return replayed


def _rename_quietly(source: Path, target: Path) -> bool:
    try:
        os.rename(source, target)
    except FileNotFoundError:
        return False
    return True
