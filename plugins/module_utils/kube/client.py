"""The one Kubernetes client layer: a thin wrapper over the official ``kubernetes`` client.

Built from a kubeconfig path (and an optional context); every call has a deadline; objects are
raw JSON dicts (``_preload_content=False``: no model deserialisation, fast on big lists);
writes are server-side apply with a field manager; resources are found through discovery, so
custom resources work as soon as their CRD is Established.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..common.errors import AgenticError
from ..common.requirements import ensure_available, requirement

with requirement("PyYAML"):
    import yaml
with requirement("kubernetes"):
    import urllib3
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config import new_client_from_config
    from kubernetes.config.config_exception import ConfigException

DEFAULT_FIELD_MANAGER = "agentic-k8s"
DEFAULT_TIMEOUT_S = 30.0
APPLY_CONTENT_TYPE = "application/apply-patch+yaml"
CRD_API_VERSION = "apiextensions.k8s.io/v1"


class KubeError(AgenticError):
    """A Kubernetes API call failed; ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0, **details: Any) -> None:
        super().__init__(message, status=status, **details)
        self.status = status


class KubeUnreachableError(KubeError):
    """The API server did not answer within the deadline (or refused the connection)."""


@dataclass(frozen=True)
class ApiResource:
    """One resource type from discovery: ``apps/v1`` ``deployments`` (``Deployment``)."""

    group_version: str
    plural: str
    kind: str
    namespaced: bool

    def path(self, namespace: str | None = None, name: str | None = None, subresource: str = "") -> str:
        prefix = "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"
        parts = [prefix]
        if self.namespaced and namespace:
            parts += ["namespaces", namespace]
        parts.append(self.plural)
        if name:
            parts.append(name)
        if subresource:
            parts.append(subresource)
        return "/".join(parts)


def object_ref(manifest: Mapping[str, Any]) -> str:
    """``Kind/namespace/name`` (or ``Kind/name``) of a manifest, for messages and results."""
    metadata = manifest.get("metadata", {})
    namespace = metadata.get("namespace")
    name = metadata.get("name", "?")
    return (
        f"{manifest.get('kind', '?')}/{namespace}/{name}"
        if namespace
        else f"{manifest.get('kind', '?')}/{name}"
    )


class KubeClient:
    """A client for one cluster (kubeconfig path + context) with a deadline on every call."""

    def __init__(
        self,
        kubeconfig_path: str,
        context: str | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        field_manager: str = DEFAULT_FIELD_MANAGER,
    ) -> None:
        ensure_available("kubernetes")
        try:
            self._api = new_client_from_config(
                config_file=kubeconfig_path, context=context or None, persist_config=False
            )
        except (ConfigException, OSError, ValueError, TypeError, yaml.YAMLError) as error:
            raise KubeError(
                f"cannot load kubeconfig {kubeconfig_path!r} (context {context or 'current'}): {error}",
                kubeconfig_path=kubeconfig_path,
            ) from error
        self._api.configuration.retries = False
        self.timeout_s = timeout_s
        self.field_manager = field_manager
        self._discovered: dict[str, dict[str, ApiResource]] = {}

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> KubeClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Iterable[tuple[str, str]] = (),
        body: Any = None,
        content_type: str = "application/json",
        as_text: bool = False,
    ) -> Any:
        """One HTTP call to the API server: parsed JSON (or text), KubeError on failure."""
        headers = {"Accept": "*/*" if as_text else "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        try:
            response = self._api.call_api(
                path,
                method,
                query_params=list(query),
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
                _request_timeout=self.timeout_s,
            )
        except ApiException as error:
            raise _api_error(method, path, error) from error
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise KubeUnreachableError(
                f"Kubernetes API {self._api.configuration.host} did not answer {method} {path} "
                f"within {self.timeout_s:g} s: {error}",
            ) from error
        text = response.data.decode("utf-8")
        return text if as_text else json.loads(text or "null")

    def version(self) -> dict[str, Any]:
        return self.request("GET", "/version")

    def reachable(self) -> bool:
        """True when the API server answers ``/version`` within the deadline."""
        try:
            self.version()
        except KubeError:
            return False
        return True

    def resource(self, api_version: str, kind: str) -> ApiResource:
        """The resource type of ``kind`` in ``api_version`` (discovery, refreshed once on a miss)."""
        found = self._group_resources(api_version).get(kind)
        if found is None:
            self._discovered.pop(api_version, None)
            found = self._group_resources(api_version).get(kind)
        if found is None:
            raise KubeError(
                f"the API server does not serve {kind} in {api_version} (is its CRD installed?)",
                status=404,
            )
        return found

    def _group_resources(self, api_version: str) -> dict[str, ApiResource]:
        if api_version not in self._discovered:
            path = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
            try:
                listing = self.request("GET", path)
            except KubeError as error:
                if error.status != 404:
                    raise
                listing = {"resources": []}
            self._discovered[api_version] = {
                entry["kind"]: ApiResource(api_version, entry["name"], entry["kind"], entry["namespaced"])
                for entry in listing.get("resources", [])
                if "/" not in entry["name"]
            }
        return self._discovered[api_version]

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict | None:
        """The object as a dict, or None when it does not exist."""
        path = self.resource(api_version, kind).path(namespace, name)
        try:
            return self.request("GET", path)
        except KubeError as error:
            if error.status == 404:
                return None
            raise

    def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str = "",
        field_selector: str = "",
    ) -> list[dict]:
        """The items of a list call (all namespaces when ``namespace`` is None)."""
        query = [("labelSelector", label_selector)] if label_selector else []
        query += [("fieldSelector", field_selector)] if field_selector else []
        path = self.resource(api_version, kind).path(namespace)
        return self.request("GET", path, query=query).get("items") or []

    def apply(self, manifest: Mapping[str, Any], *, dry_run: bool = False, force: bool = True) -> dict:
        """Server-side apply ``manifest`` with this client's field manager; the object returned."""
        metadata = manifest.get("metadata", {})
        resource = self.resource(manifest["apiVersion"], manifest["kind"])
        query = [("fieldManager", self.field_manager), ("force", "true" if force else "false")]
        if dry_run:
            query.append(("dryRun", "All"))
        path = resource.path(metadata.get("namespace"), metadata["name"])
        return self.request("PATCH", path, query=query, body=dict(manifest), content_type=APPLY_CONTENT_TYPE)

    def delete(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> bool:
        """Delete an object; False when it did not exist."""
        path = self.resource(api_version, kind).path(namespace, name)
        try:
            self.request("DELETE", path, query=[("propagationPolicy", "Background")])
        except KubeError as error:
            if error.status == 404:
                return False
            raise
        return True

    def pod_log(
        self, name: str, namespace: str, *, container: str = "", tail_lines: int = 50, previous: bool = False
    ) -> str:
        """The last ``tail_lines`` lines of a pod's (container's) log; ``previous``: of its last crash."""
        query = [("tailLines", str(tail_lines))] + ([("container", container)] if container else [])
        query += [("previous", "true")] if previous else []
        path = self.resource("v1", "Pod").path(namespace, name, "log")
        return self.request("GET", path, query=query, as_text=True)

    def wait_crds_established(self, names: Iterable[str], timeout_s: float, poll_s: float = 0.5) -> None:
        """Wait until every named CRD reports condition Established=True, or raise KubeError."""
        pending = set(names)
        deadline = time.monotonic() + timeout_s
        while pending:
            pending = {name for name in pending if not self._crd_established(name)}
            if not pending:
                return
            if time.monotonic() >= deadline:
                raise KubeError(
                    f"CRDs not Established within {timeout_s:g} s: {', '.join(sorted(pending))}",
                    pending=sorted(pending),
                )
            time.sleep(poll_s)

    def _crd_established(self, name: str) -> bool:
        crd = self.get(CRD_API_VERSION, "CustomResourceDefinition", name)
        conditions = (crd or {}).get("status", {}).get("conditions", [])
        return any(c.get("type") == "Established" and c.get("status") == "True" for c in conditions)


def _api_error(method: str, path: str, error: ApiException) -> KubeError:
    message = error.reason or "no answer"
    try:
        status_body = json.loads(error.body or "{}")
        message = status_body.get("message") or message
    except (ValueError, TypeError):
        pass
    if error.status == 0:
        return KubeUnreachableError(f"Kubernetes API: {method} {path}: {message}")
    return KubeError(f"Kubernetes API: {method} {path}: {error.status} {message}", status=error.status)
