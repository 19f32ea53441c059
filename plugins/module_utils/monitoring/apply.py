"""The cluster side of mode=apply: the Grafana admin Secret (created once, never written or
logged), the chart through helm, then our objects by server-side apply once the operator's CRDs
are Established. In check mode the same steps only read and dry-run."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kube.client import KubeClient, KubeError, object_ref
from .helm import HelmTarget, release_is_current, release_state, upgrade_install
from .spec import GRAFANA_ADMIN_PASSWORD_KEY, GRAFANA_ADMIN_USER_KEY, OPERATOR_CRDS, MonitoringSpec
from .stack import DesiredState, common_labels

CRD_WAIT_S = 180.0
GRAFANA_ADMIN_USER = "admin"
PASSWORD_BYTES = 24


@dataclass(frozen=True)
class ObjectChange:
    ref: str
    action: str
    """created, configured, unchanged; in check mode: would create, would configure, unchanged."""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


@dataclass
class ApplyOutcome:
    objects: list[ObjectChange] = field(default_factory=list)
    helm: dict[str, Any] = field(default_factory=dict)
    helm_values_before: dict[str, Any] | None = None
    grafana_secret: str = "unchanged"
    logs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return (
            any(change.changed for change in self.objects)
            or self.helm.get("action") not in ("unchanged", None)
            or self.grafana_secret != "unchanged"
        )


def apply_stack(
    desired: DesiredState, kube: KubeClient, target: HelmTarget, values_file: Path, *, check: bool
) -> ApplyOutcome:
    """Bring the cluster to ``desired`` (or, with ``check``, say what that would change)."""
    outcome = ApplyOutcome()
    namespace, *others = desired.manifests
    outcome.objects.append(_apply_object(kube, namespace, check))
    outcome.grafana_secret = _ensure_grafana_secret(kube, desired.spec, check)
    outcome.logs.append(f"Grafana admin Secret {desired.spec.grafana_admin_secret}: {outcome.grafana_secret}")
    _sync_release(desired, target, values_file, check, outcome)
    if not check:
        kube.wait_crds_established(OPERATOR_CRDS, timeout_s=CRD_WAIT_S)
        outcome.logs.append(f"CRDs Established: {', '.join(OPERATOR_CRDS)}")
    outcome.objects += [_apply_object(kube, manifest, check) for manifest in others]
    outcome.logs += [f"{change.ref}: {change.action}" for change in outcome.objects]
    return outcome


def _sync_release(
    desired: DesiredState, target: HelmTarget, values_file: Path, check: bool, outcome: ApplyOutcome
) -> None:
    state = release_state(target)
    outcome.helm_values_before = state.values if state else None
    if release_is_current(state, target, desired.values):
        outcome.helm = {"release": target.release, "action": "unchanged", "revision": state.revision}
    elif check:
        action = "would upgrade" if state else "would install"
        outcome.helm = {
            "release": target.release,
            "action": action,
            "revision": state.revision if state else 0,
        }
    else:
        upgrade_install(target, values_file)
        after = release_state(target)
        action = "upgraded" if state else "installed"
        outcome.helm = {
            "release": target.release,
            "action": action,
            "revision": after.revision if after else 0,
        }
    outcome.logs.append(f"helm release {target.namespace}/{target.release}: {outcome.helm['action']}")


def _apply_object(kube: KubeClient, manifest: dict[str, Any], check: bool) -> ObjectChange:
    ref = object_ref(manifest)
    metadata = manifest["metadata"]
    try:
        live = kube.get(manifest["apiVersion"], manifest["kind"], metadata["name"], metadata.get("namespace"))
    except KubeError as error:
        if check and error.status == 404:
            return ObjectChange(ref, "would create (after the chart installs its CRDs)", None, manifest)
        raise
    before = pruned(live, manifest) if live is not None else None
    if check:
        if before == manifest:
            return ObjectChange(ref, "unchanged", before, manifest)
        if live is not None or _namespace_exists(kube, metadata.get("namespace")):
            kube.apply(manifest, dry_run=True)
        return ObjectChange(ref, "would configure" if live else "would create", before, manifest)
    applied = kube.apply(manifest)
    if live is None:
        return ObjectChange(ref, "created", None, pruned(applied, manifest))
    same = applied["metadata"].get("resourceVersion") == live["metadata"].get("resourceVersion")
    return ObjectChange(ref, "unchanged" if same else "configured", before, pruned(applied, manifest))


def _namespace_exists(kube: KubeClient, namespace: str | None) -> bool:
    return namespace is None or kube.get("v1", "Namespace", namespace) is not None


def _ensure_grafana_secret(kube: KubeClient, spec: MonitoringSpec, check: bool) -> str:
    """Create the Grafana admin Secret with a random password when it does not exist yet."""
    if kube.get("v1", "Secret", spec.grafana_admin_secret, spec.namespace) is not None:
        return "unchanged"
    if check:
        return "would create"
    encoded = {
        GRAFANA_ADMIN_USER_KEY: GRAFANA_ADMIN_USER,
        GRAFANA_ADMIN_PASSWORD_KEY: secrets.token_urlsafe(PASSWORD_BYTES),
    }
    kube.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": spec.grafana_admin_secret,
                "namespace": spec.namespace,
                "labels": common_labels(spec),
            },
            "type": "Opaque",
            "data": {key: base64.b64encode(value.encode()).decode() for key, value in encoded.items()},
        }
    )
    return "created"


def pruned(live: Any, desired: Any) -> Any:
    """``live`` reduced to the fields ``desired`` sets (server defaults and status left out)."""
    if isinstance(live, dict) and isinstance(desired, dict):
        return {key: pruned(live[key], value) for key, value in desired.items() if key in live}
    if isinstance(live, list) and isinstance(desired, list) and len(live) == len(desired):
        return [pruned(item, wanted) for item, wanted in zip(live, desired, strict=True)]
    return live
