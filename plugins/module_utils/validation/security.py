"""The security check over RBAC objects: the workflow grants cluster-admin to nobody but the
cluster's creator, and nothing this collection created holds a wildcard rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..kube.client import DEFAULT_FIELD_MANAGER
from .models import Finding, Severity

CHECK = "security"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
COLLECTION_MANAGER = DEFAULT_FIELD_MANAGER
"""The collection's ``managed-by`` label value and server-side-apply field manager (``agentic-k8s``)."""
CLUSTER_ADMIN = "cluster-admin"
RULE_FIELDS = ("apiGroups", "resources", "verbs")


def created_by_collection(obj: dict[str, Any], manager: str = COLLECTION_MANAGER) -> bool:
    """Labelled ``app.kubernetes.io/managed-by: <manager>`` or applied with that field manager."""
    metadata = obj.get("metadata", {})
    if (metadata.get("labels") or {}).get(MANAGED_BY_LABEL) == manager:
        return True
    return any(entry.get("manager") == manager for entry in metadata.get("managedFields") or [])


def _subject_names(binding: dict[str, Any]) -> list[str]:
    return [
        f"{s.get('kind', '')}:{s['namespace'] + '/' if s.get('namespace') else ''}{s.get('name', '')}"
        for s in binding.get("subjects") or []
    ]


def check_cluster_admin_bindings(
    bindings: Iterable[dict[str, Any]], creator_subjects: Iterable[str] = ()
) -> list[Finding]:
    """A collection-made ClusterRoleBinding to cluster-admin whose subjects are not all the creator's.

    ``creator_subjects`` are names as ``Kind:name`` or ``Kind:namespace/name`` (``User:admin``).
    """
    allowed = set(creator_subjects)
    findings = []
    for binding in bindings:
        if binding.get("roleRef", {}).get("name") != CLUSTER_ADMIN or not created_by_collection(binding):
            continue
        extra = [subject for subject in _subject_names(binding) if subject not in allowed]
        if extra:
            name = binding.get("metadata", {}).get("name", "")
            findings.append(
                Finding(
                    check=CHECK,
                    severity=Severity.CRITICAL,
                    message=f"ClusterRoleBinding {name} grants cluster-admin to {', '.join(extra)}",
                    evidence={"binding": name, "subjects": extra, "allowed": sorted(allowed)},
                    fix=f"Delete the binding (kubectl delete clusterrolebinding {name}) and grant a "
                    "least-privilege ClusterRole instead.",
                )
            )
    return findings


def check_wildcard_rules(roles: Iterable[dict[str, Any]]) -> list[Finding]:
    """A Role or ClusterRole this collection created with ``*`` in apiGroups, resources or verbs."""
    findings = []
    for role in roles:
        if not created_by_collection(role):
            continue
        wildcards = [
            {"rule": index, "fields": fields}
            for index, rule in enumerate(role.get("rules") or [])
            if (fields := [key for key in RULE_FIELDS if "*" in (rule.get(key) or [])])
        ]
        if wildcards:
            metadata = role.get("metadata", {})
            name = metadata.get("name", "")
            where = f"{metadata['namespace']}/" if metadata.get("namespace") else ""
            findings.append(
                Finding(
                    check=CHECK,
                    severity=Severity.CRITICAL,
                    message=f"{role.get('kind', 'Role')} {where}{name} has wildcard rules",
                    evidence={"kind": role.get("kind", ""), "name": name, "rules": wildcards},
                    fix="List the API groups, resources and verbs the component needs instead of '*'.",
                )
            )
    return findings
