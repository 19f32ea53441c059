"""Pure readers of Terraform's machine-readable output: ``-json`` UI streams, ``show -json``
plans, ``state pull`` documents and diagnostics."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .models import Diagnostic, LockInfo, ManagedResource, PlanSummary

SENSITIVE_MASK = "(sensitive value)"
LOCK_SUMMARY = "Error acquiring the state lock"
_LOCK_FIELD = re.compile(r"^\s*(ID|Path|Operation|Who|Created):\s*(.*?)\s*$", re.MULTILINE)
_ACTION_COUNTS = {"create": ("add",), "update": ("change",), "delete": ("destroy",)}


def parse_json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON objects of a ``-json`` stream; lines that are not JSON are skipped."""
    messages = []
    for line in text.splitlines():
        message = parse_json_line(line)
        if message is not None:
            messages.append(message)
    return messages


def parse_json_line(line: str) -> dict[str, Any] | None:
    line = line.strip()
    if not line.startswith("{"):
        return None
    try:
        message = json.loads(line)
    except json.JSONDecodeError:
        return None
    return message if isinstance(message, dict) else None


def diagnostic_from_json(raw: Mapping[str, Any]) -> Diagnostic:
    """One Terraform diagnostic (``diagnostic`` of a stream message, or of ``validate -json``)."""
    location = raw.get("range") or {}
    start = location.get("start") or {}
    return Diagnostic(
        severity=str(raw.get("severity", "error")),
        summary=str(raw.get("summary", "")),
        detail=str(raw.get("detail", "")),
        address=raw.get("address"),
        file=location.get("filename"),
        line=start.get("line"),
    )


def diagnostics_from_messages(messages: Iterable[Mapping[str, Any]]) -> list[Diagnostic]:
    return [diagnostic_from_json(m["diagnostic"]) for m in messages if m.get("type") == "diagnostic"]


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [diagnostic for diagnostic in diagnostics if diagnostic.severity == "error"]


def lock_info(diagnostics: Iterable[Diagnostic]) -> LockInfo | None:
    """The holder of the state lock when a diagnostic says the lock could not be acquired."""
    for diagnostic in diagnostics:
        if diagnostic.summary.startswith(LOCK_SUMMARY):
            fields = {name.lower(): value for name, value in _LOCK_FIELD.findall(diagnostic.detail)}
            if fields.get("id"):
                return LockInfo(**fields)
    return None


def summary_from_messages(messages: Iterable[Mapping[str, Any]]) -> PlanSummary:
    """Adds, changes and destroys of a ``plan -json`` stream, with the planned changes."""
    counts = {"add": 0, "change": 0, "destroy": 0}
    changes = []
    for message in messages:
        if message.get("type") == "change_summary":
            summary = message.get("changes", {})
            counts = {
                "add": int(summary.get("add", 0)),
                "change": int(summary.get("change", 0)),
                "destroy": int(summary.get("remove", 0)),
            }
        elif message.get("type") == "planned_change":
            change = message.get("change", {})
            resource = change.get("resource", {})
            changes.append(
                {
                    "address": resource.get("addr"),
                    "type": resource.get("resource_type"),
                    "action": change.get("action"),
                }
            )
    return PlanSummary(changes=changes, **counts)


def summarize_plan(plan: Mapping[str, Any]) -> PlanSummary:
    """Adds, changes and destroys of a ``show -json`` plan (a replacement counts as add + destroy)."""
    counts = {"add": 0, "change": 0, "destroy": 0}
    changes = []
    for resource_change in plan.get("resource_changes") or ():
        actions = resource_change.get("change", {}).get("actions", ())
        if actions in (["no-op"], ["read"]):
            continue
        for action in actions:
            for key in _ACTION_COUNTS.get(action, ()):
                counts[key] += 1
        changes.append(
            {
                "address": resource_change.get("address"),
                "type": resource_change.get("type"),
                "action": "replace" if len(actions) == 2 else actions[0],
            }
        )
    return PlanSummary(changes=changes, **counts)


def plan_diff(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Before/after of each changing resource of a ``show -json`` plan, sensitive values masked."""
    diff = []
    for resource_change in plan.get("resource_changes") or ():
        change = resource_change.get("change", {})
        if change.get("actions") in (["no-op"], ["read"]):
            continue
        diff.append(
            {
                "address": resource_change.get("address"),
                "actions": change.get("actions"),
                "before": mask_sensitive(change.get("before"), change.get("before_sensitive")),
                "after": mask_sensitive(change.get("after"), change.get("after_sensitive")),
            }
        )
    return diff


def mask_sensitive(value: Any, sensitive: Any) -> Any:
    """``value`` with every part that ``sensitive`` (Terraform's mirror structure) marks replaced."""
    if sensitive is True:
        return SENSITIVE_MASK
    if isinstance(value, Mapping) and isinstance(sensitive, Mapping):
        return {key: mask_sensitive(item, sensitive.get(key)) for key, item in value.items()}
    if isinstance(value, list) and isinstance(sensitive, list):
        padded = sensitive + [None] * (len(value) - len(sensitive))
        return [mask_sensitive(item, mark) for item, mark in zip(value, padded, strict=False)]
    return value


def apply_progress(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """A per-resource progress record of an ``apply -json`` message (start, complete, errored)."""
    kind = message.get("type")
    if kind not in ("apply_start", "apply_complete", "apply_errored"):
        return None
    hook = message.get("hook", {})
    record = {
        "event": kind,
        "address": hook.get("resource", {}).get("addr"),
        "action": hook.get("action"),
    }
    if "elapsed_seconds" in hook:
        record["duration_s"] = hook["elapsed_seconds"]
    if hook.get("id_value"):
        record["id"] = hook["id_value"]
    return record


def resources_from_state(state: Mapping[str, Any]) -> list[ManagedResource]:
    """The managed resources (address, type, id) of a ``state pull`` document (format 4)."""
    resources = []
    for entry in state.get("resources") or ():
        if entry.get("mode") != "managed":
            continue
        base = ".".join(part for part in (entry.get("module"), entry["type"], entry["name"]) if part)
        for instance in entry.get("instances") or ():
            address = base + _index_suffix(instance.get("index_key"))
            resources.append(
                ManagedResource(
                    address=address, type=entry["type"], id=instance.get("attributes", {}).get("id")
                )
            )
    return resources


def _index_suffix(index_key: Any) -> str:
    if index_key is None:
        return ""
    if isinstance(index_key, int):
        return f"[{index_key}]"
    return f"[{json.dumps(index_key)}]"


def outputs_from_state(state: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(non_sensitive, sensitive)`` output values of a ``state pull`` document."""
    plain, sensitive = {}, {}
    for name, output in (state.get("outputs") or {}).items():
        (sensitive if output.get("sensitive") else plain)[name] = output.get("value")
    return plain, sensitive
