"""The response cache under ``<home>/llm-cache``: one 0600 JSON file per answer, keyed by
provider, model, the (redacted) prompt and the schema, so a re-run with the same inputs calls no LLM."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..common.home import atomic_write_text


def cache_key(**parts: Any) -> str:
    """A stable digest of everything that decides an answer."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_cached(cache_dir: Path | None, key: str) -> str | None:
    """The cached answer text, or None (no cache, a miss, or an unreadable entry)."""
    if cache_dir is None:
        return None
    try:
        return json.loads((cache_dir / f"{key}.json").read_text(encoding="utf-8"))["text"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cached(cache_dir: Path | None, key: str, text: str, provider: str, model: str) -> None:
    if cache_dir is None:
        return
    record = {"provider": provider, "model": model, "text": text}
    atomic_write_text(cache_dir / f"{key}.json", json.dumps(record, sort_keys=True))
