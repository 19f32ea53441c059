"""The accepted plan, stored with the cluster (``clusters/<key>/plan.json``) and copied to the
workflow: every later run for the cluster reuses it unless told to replan, so no LLM (and no
change of the sizing rules) resizes a running cluster on its own."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..common.errors import AgenticError
from ..common.home import atomic_write_text
from ..common.modeling import BaseModel, ConfigDict, ValidationError
from .models import Plan, PlanInputs

PLAN_FILE = "plan.json"


class StoredPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inputs_digest: str
    inputs: dict
    plan: Plan


def cluster_plan_path(home: Path, cluster_key: str) -> Path:
    return home / "clusters" / cluster_key / PLAN_FILE


def inputs_digest(inputs: PlanInputs) -> str:
    canonical = json.dumps(inputs.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_stored_plan(path: Path) -> StoredPlan | None:
    """The stored plan, None when there is none; an unreadable one is an error (never silently replanned)."""
    if not path.exists():
        return None
    try:
        return StoredPlan.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as error:
        raise AgenticError(
            f"the stored plan {path} cannot be read ({type(error).__name__}); fix or remove it, "
            "or run with replan=true to plan the cluster again",
            plan_file=str(path),
        ) from None


def plan_document(inputs: PlanInputs, plan: Plan) -> str:
    stored = StoredPlan(inputs_digest=inputs_digest(inputs), inputs=inputs.model_dump(mode="json"), plan=plan)
    return stored.model_dump_json(indent=2) + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` (0600, atomically) unless the file already holds it; True when written."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True
