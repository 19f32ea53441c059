"""A FAKE Kubernetes API server for tests (no real API server runs on this machine).

HTTP on loopback, in-memory, small on purpose: discovery (``/version``, ``/api``, ``/apis``, group
versions), get/list (label and simple field selectors)/create/replace/delete, server-side apply
(``application/apply-patch+yaml`` with a required ``fieldManager``; ``resourceVersion`` moves only
when the applied content changes, as on a real server), JSON merge patch, ``dryRun=All``,
``pods/log``, CustomResourceDefinitions that register their kinds and turn Established once they
have been read ``crd_established_after_reads`` times (deterministic, unlike a delay), and
namespaced writes refused in a namespace that does not exist.
Seed objects and pod logs with :meth:`FakeKubeApi.seed` and :meth:`FakeKubeApi.seed_pod_log`.
There is no controller: a created Job stays unfinished unless ``job_runner`` is set, a function
``(api, job) -> (succeeded, log)`` standing in for the Job controller and the kubelet: the fake
then records the Job's status and one pod (labelled ``job-name``) with that log.
The service proxy (``/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/...``) forwards GETs to
the URL registered in ``service_proxies[(ns, name, port)]`` (a real server on loopback), else
answers 503 "no endpoints available", as an API server does for a Service without endpoints.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAKE_TOKEN = "fake-kube-api-token"
FAKE_VERSION = {"major": "1", "minor": "31", "gitVersion": "v1.31.0-fake", "platform": "linux/amd64"}
SERVER_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")


@dataclass(frozen=True)
class Kind:
    group_version: str
    plural: str
    kind: str
    namespaced: bool
    subresources: tuple[str, ...] = ()


BUILTIN_KINDS = (
    Kind("v1", "namespaces", "Namespace", False),
    Kind("v1", "nodes", "Node", False),
    Kind("v1", "pods", "Pod", True, ("log",)),
    Kind("v1", "services", "Service", True),
    Kind("v1", "endpoints", "Endpoints", True),
    Kind("v1", "configmaps", "ConfigMap", True),
    Kind("v1", "secrets", "Secret", True),
    Kind("v1", "serviceaccounts", "ServiceAccount", True),
    Kind("v1", "events", "Event", True),
    Kind("v1", "persistentvolumeclaims", "PersistentVolumeClaim", True),
    Kind("apps/v1", "deployments", "Deployment", True),
    Kind("apps/v1", "daemonsets", "DaemonSet", True),
    Kind("apps/v1", "statefulsets", "StatefulSet", True),
    Kind("apps/v1", "replicasets", "ReplicaSet", True),
    Kind("batch/v1", "jobs", "Job", True),
    Kind("rbac.authorization.k8s.io/v1", "roles", "Role", True),
    Kind("rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", True),
    Kind("rbac.authorization.k8s.io/v1", "clusterroles", "ClusterRole", False),
    Kind("rbac.authorization.k8s.io/v1", "clusterrolebindings", "ClusterRoleBinding", False),
    Kind("apiextensions.k8s.io/v1", "customresourcedefinitions", "CustomResourceDefinition", False),
)
_SERVICE_PROXY = re.compile(
    r"^/api/v1/namespaces/(?P<namespace>[^/]+)/services/(?P<service>[^/:]+):(?P<port>[^/]+)/proxy(?P<rest>/.*)?$"
)
PROXY_TIMEOUT_S = 10
_PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))(?P<rest>(?:/[^/]+)*)$")


@dataclass(frozen=True)
class _Call:
    """One resource request, parsed."""

    method: str
    kind: Kind
    namespace: str
    name: str
    subresource: str
    query: dict[str, str]
    content_type: str
    body: bytes

    def payload(self) -> Any:
        return json.loads(self.body or b"null")


class FakeApiError(Exception):
    def __init__(self, code: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message

    def status(self) -> dict[str, Any]:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }


class FakeKubeApi:
    """The fake's state and its HTTP server; ``start()`` returns the base URL."""

    def __init__(self, crd_established_after_reads: int = 0) -> None:
        self.crd_established_after_reads = crd_established_after_reads
        self.kinds: dict[tuple[str, str], Kind] = {(k.group_version, k.plural): k for k in BUILTIN_KINDS}
        self.objects: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.pod_logs: dict[tuple[str, str], str] = {}
        self.requests: list[tuple[str, str]] = []
        self._crd_reads: dict[str, int] = {}
        self._versions = itertools.count(1)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.service_proxies: dict[tuple[str, str, str], str] = {}
        self.job_runner: Callable[[FakeKubeApi, dict[str, Any]], tuple[bool, str]] | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> str:
        handler = type("Handler", (_Handler,), {"api": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def write_kubeconfig(self, path: Path, context: str = "fake") -> Path:
        """A kubeconfig (JSON, which is YAML) pointing at this fake with a bearer token."""
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": context, "cluster": {"server": self.base_url}}],
            "users": [{"name": context, "user": {"token": FAKE_TOKEN}}],
            "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
            "current-context": context,
        }
        path.write_text(json.dumps(config, indent=1))
        path.chmod(0o600)
        return path

    # --- seeding and reading for tests -------------------------------------------------------
    def seed(self, *manifests: dict[str, Any]) -> None:
        """Store objects as if created (status included), bypassing HTTP."""
        for manifest in manifests:
            kind = self._kind_of(manifest["apiVersion"], manifest["kind"])
            namespace = manifest["metadata"].get("namespace", "") if kind.namespaced else ""
            self._store(kind, namespace, copy.deepcopy(manifest), previous=None)

    def seed_pod_log(self, namespace: str, name: str, text: str) -> None:
        self.pod_logs[(namespace, name)] = text

    def stored(self, api_version: str, kind: str, name: str, namespace: str = "") -> dict[str, Any] | None:
        found = self._kind_of(api_version, kind)
        return copy.deepcopy(self.objects.get((found.group_version, found.plural, namespace, name)))

    def stored_of_kind(self, api_version: str, kind: str) -> list[dict[str, Any]]:
        found = self._kind_of(api_version, kind)
        return [
            copy.deepcopy(obj)
            for (gv, plural, _namespace, _name), obj in sorted(self.objects.items())
            if (gv, plural) == (found.group_version, found.plural)
        ]

    def _kind_of(self, api_version: str, kind_name: str) -> Kind:
        for kind in self.kinds.values():
            if kind.group_version == api_version and kind.kind == kind_name:
                return kind
        raise FakeApiError(404, "NotFound", f"the server could not find the requested resource ({kind_name})")

    # --- request handling ----------------------------------------------------------------------
    def handle(self, method: str, url: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        parts = urlsplit(url)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        proxied = _SERVICE_PROXY.match(parts.path)
        if proxied and method == "GET":
            with self._lock:
                self.requests.append((method, parts.path))
            return self._proxy(proxied, parts.query)
        with self._lock:
            self.requests.append((method, parts.path))
            try:
                return 200, self._route(method, parts.path.rstrip("/") or "/", query, headers, body)
            except FakeApiError as error:
                return error.code, error.status()

    def _proxy(self, proxied: re.Match, query: str) -> tuple[int, Any]:
        """Forward a service-proxy GET to the registered loopback server, outside the lock."""
        namespace, service, port = proxied["namespace"], proxied["service"], proxied["port"]
        base_url = self.service_proxies.get((namespace, service, port))
        if base_url is None:
            error = FakeApiError(503, "ServiceUnavailable", f'no endpoints available for service "{service}"')
            return error.code, error.status()
        url = base_url.rstrip("/") + (proxied["rest"] or "/") + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=PROXY_TIMEOUT_S) as response:
                return response.status, _TextBody(response.read().decode())
        except urllib.error.HTTPError as error:
            return error.code, _TextBody(error.read().decode())
        except OSError as error:
            failure = FakeApiError(503, "ServiceUnavailable", f"error trying to reach service: {error}")
            return failure.code, failure.status()

    def _route(self, method: str, path: str, query: dict, headers: dict, body: bytes) -> Any:
        if method == "GET" and path in ("/version", "/api", "/apis"):
            return {"/version": lambda: FAKE_VERSION, "/api": _core_versions, "/apis": self._groups}[path]()
        match = _PATH.match(path)
        if match is None:
            raise FakeApiError(404, "NotFound", f"the server could not find the requested resource {path}")
        group_version = match["core"] or f"{match['group']}/{match['version']}"
        segments = [segment for segment in match["rest"].split("/") if segment]
        if not segments:
            return self._resource_list(group_version)
        namespace = ""
        if segments[0] == "namespaces" and len(segments) >= 3:
            namespace, segments = segments[1], segments[2:]
        kind = self.kinds.get((group_version, segments[0]))
        if kind is None:
            raise FakeApiError(404, "NotFound", f"the server could not find the requested resource {path}")
        call = _Call(
            method=method,
            kind=kind,
            namespace=namespace,
            name=segments[1] if len(segments) > 1 else "",
            subresource=segments[2] if len(segments) > 2 else "",
            query=query,
            content_type=headers.get("content-type", ""),
            body=body,
        )
        return self._dispatch(call)

    def _dispatch(self, call: _Call) -> Any:
        kind, namespace, name = call.kind, call.namespace, call.name
        if call.subresource == "log" and kind.plural == "pods" and call.method == "GET":
            self._get(kind, namespace, name)
            return _TextBody(self._log_tail(namespace, name, call.query))
        if call.subresource:
            raise FakeApiError(404, "NotFound", f"subresource {call.subresource} is not served by the fake")
        if call.method == "GET":
            return self._get(kind, namespace, name) if name else self._list(kind, namespace, call.query)
        if call.method == "POST":
            return self._create(call)
        if call.method == "PUT":
            return self._write(call, call.payload(), self._get(kind, namespace, name))
        if call.method == "PATCH":
            return self._patch(call)
        if call.method == "DELETE":
            return self._delete(kind, namespace, name)
        raise FakeApiError(405, "MethodNotAllowed", f"{call.method} is not allowed")

    def _groups(self) -> dict[str, Any]:
        group_versions = sorted({k.group_version for k in self.kinds.values() if "/" in k.group_version})
        groups = []
        for group_version in group_versions:
            group, version = group_version.split("/")
            entry = {"groupVersion": group_version, "version": version}
            groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

    def _resource_list(self, group_version: str) -> dict[str, Any]:
        kinds = [k for k in self.kinds.values() if k.group_version == group_version]
        if not kinds:
            raise FakeApiError(
                404, "NotFound", f"the server could not find the requested resource {group_version}"
            )
        resources = []
        for kind in kinds:
            verbs = ["create", "delete", "get", "list", "patch", "update", "watch"]
            resources.append(
                {"name": kind.plural, "kind": kind.kind, "namespaced": kind.namespaced, "verbs": verbs}
            )
            resources += [
                {
                    "name": f"{kind.plural}/{sub}",
                    "kind": kind.kind,
                    "namespaced": kind.namespaced,
                    "verbs": ["get"],
                }
                for sub in kind.subresources
            ]
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        }

    def _key(self, kind: Kind, namespace: str, name: str) -> tuple[str, str, str, str]:
        return (kind.group_version, kind.plural, namespace if kind.namespaced else "", name)

    def _get(self, kind: Kind, namespace: str, name: str) -> dict[str, Any]:
        found = self.objects.get(self._key(kind, namespace, name))
        if found is None:
            raise FakeApiError(404, "NotFound", f'{kind.plural} "{name}" not found')
        if kind.kind == "CustomResourceDefinition":
            self._crd_reads[name] = self._crd_reads.get(name, 0) + 1
        return self._with_live_status(kind, copy.deepcopy(found))

    def _list(self, kind: Kind, namespace: str, query: dict[str, str]) -> dict[str, Any]:
        labels = _selector(query.get("labelSelector", ""))
        fields = _selector(query.get("fieldSelector", ""))
        items = [
            self._with_live_status(kind, copy.deepcopy(obj))
            for (gv, plural, obj_namespace, _name), obj in sorted(self.objects.items())
            if (gv, plural) == (kind.group_version, kind.plural)
            and (not namespace or obj_namespace == namespace)
            and all(obj["metadata"].get("labels", {}).get(k) == v for k, v in labels.items())
            and all(_field(obj, k) == v for k, v in fields.items())
        ]
        return {
            "kind": f"{kind.kind}List",
            "apiVersion": kind.group_version,
            "metadata": {"resourceVersion": str(self._current_version())},
            "items": items,
        }

    def _create(self, call: _Call) -> dict[str, Any]:
        payload = call.payload()
        name = payload.get("metadata", {}).get("name", "")
        if self._key(call.kind, call.namespace, name) in self.objects:
            raise FakeApiError(409, "AlreadyExists", f'{call.kind.plural} "{name}" already exists')
        return self._write(replace(call, name=name), payload, previous=None)

    def _patch(self, call: _Call) -> dict[str, Any]:
        previous = self.objects.get(self._key(call.kind, call.namespace, call.name))
        if call.content_type.startswith("application/apply-patch"):
            manager = call.query.get("fieldManager", "")
            if not manager:
                message = "fieldManager: Required value: is required for apply patch"
                raise FakeApiError(422, "Invalid", message)
            return self._write(call, call.payload(), previous, manager)
        if previous is None:
            raise FakeApiError(404, "NotFound", f'{call.kind.plural} "{call.name}" not found')
        if call.content_type.startswith("application/merge-patch+json"):
            return self._write(call, _merge(copy.deepcopy(previous), call.payload()), previous)
        raise FakeApiError(415, "UnsupportedMediaType", f"the fake does not serve {call.content_type}")

    def _write(self, call: _Call, payload: Any, previous: dict | None, manager: str = "") -> dict[str, Any]:
        kind, namespace = call.kind, call.namespace
        self._check_identity(kind, namespace, call.name, payload)
        if kind.namespaced and self._key(self.kinds[("v1", "namespaces")], "", namespace) not in self.objects:
            raise FakeApiError(404, "NotFound", f'namespaces "{namespace}" not found')
        if call.query.get("dryRun") == "All":
            return self._with_server_fields(copy.deepcopy(payload), previous, manager, bump=False)
        return self._store(kind, namespace, payload, previous, manager)

    def _store(self, kind, namespace, payload, previous, manager="") -> dict[str, Any]:
        content_changed = previous is None or _user_content(previous) != _user_content(payload)
        stored = self._with_server_fields(copy.deepcopy(payload), previous, manager, bump=content_changed)
        name = stored["metadata"]["name"]
        self.objects[self._key(kind, namespace, name)] = stored
        if kind.kind == "CustomResourceDefinition":
            self._register_crd(stored)
        if kind.kind == "Job" and previous is None and self.job_runner is not None:
            stored["status"] = self._run_job(stored)
        return self._with_live_status(kind, copy.deepcopy(stored))

    def _with_server_fields(self, obj, previous, manager, bump: bool) -> dict[str, Any]:
        metadata = obj.setdefault("metadata", {})
        old_metadata = (previous or {}).get("metadata", {})
        for field in SERVER_METADATA:
            if field in old_metadata:
                metadata[field] = old_metadata[field]
        metadata.setdefault("uid", str(uuid.uuid4()))
        metadata.setdefault("creationTimestamp", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        if bump:
            metadata["resourceVersion"] = str(next(self._versions))
            metadata["generation"] = int(old_metadata.get("generation", 0)) + 1
        if manager:
            metadata["managedFields"] = [
                {"manager": manager, "operation": "Apply", "apiVersion": obj.get("apiVersion")}
            ]
        if previous is not None and "status" in previous and "status" not in obj:
            obj["status"] = copy.deepcopy(previous["status"])
        return obj

    def _check_identity(self, kind: Kind, namespace: str, name: str, payload: dict) -> None:
        if not isinstance(payload, dict) or payload.get("kind") != kind.kind:
            raise FakeApiError(400, "BadRequest", f"body kind must be {kind.kind}")
        metadata = payload.get("metadata", {})
        if metadata.get("name") != name:
            raise FakeApiError(400, "BadRequest", "the name of the object does not match the name on the URL")
        if kind.namespaced and metadata.get("namespace", namespace) != namespace:
            raise FakeApiError(400, "BadRequest", "the namespace of the object does not match the URL")

    def _delete(self, kind: Kind, namespace: str, name: str) -> dict[str, Any]:
        removed = self.objects.pop(self._key(kind, namespace, name), None)
        if removed is None:
            raise FakeApiError(404, "NotFound", f'{kind.plural} "{name}" not found')
        return {"kind": "Status", "apiVersion": "v1", "status": "Success", "details": {"name": name}}

    def _register_crd(self, crd: dict[str, Any]) -> None:
        spec = crd["spec"]
        for version in spec.get("versions", []):
            if version.get("served", True):
                kind = Kind(
                    f"{spec['group']}/{version['name']}",
                    spec["names"]["plural"],
                    spec["names"]["kind"],
                    spec.get("scope", "Namespaced") == "Namespaced",
                )
                self.kinds[(kind.group_version, kind.plural)] = kind
        self._crd_reads.setdefault(crd["metadata"]["name"], 0)

    def _run_job(self, job: dict[str, Any]) -> dict[str, Any]:
        """What the Job controller and the kubelet would do: one pod, its log, the Job's status."""
        succeeded, log = self.job_runner(self, copy.deepcopy(job))
        namespace, name = job["metadata"]["namespace"], job["metadata"]["name"]
        pod_name = f"{name}-{uuid.uuid4().hex[:5]}"
        phase = "Succeeded" if succeeded else "Failed"
        self.seed(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": pod_name, "namespace": namespace, "labels": {"job-name": name}},
                "spec": job["spec"]["template"]["spec"],
                "status": {"phase": phase},
            }
        )
        self.seed_pod_log(namespace, pod_name, log)
        condition = {"type": "Complete" if succeeded else "Failed", "status": "True"}
        return {"succeeded" if succeeded else "failed": 1, "conditions": [condition]}

    def _with_live_status(self, kind: Kind, obj: dict[str, Any]) -> dict[str, Any]:
        if kind.kind == "CustomResourceDefinition":
            ready = self._crd_reads.get(obj["metadata"]["name"], 0) > self.crd_established_after_reads
            obj["status"] = {
                "conditions": [
                    {"type": "NamesAccepted", "status": "True"},
                    {"type": "Established", "status": "True" if ready else "False"},
                ]
            }
        return obj

    def _log_tail(self, namespace: str, name: str, query: dict[str, str]) -> str:
        lines = self.pod_logs.get((namespace, name), "").splitlines(keepends=True)
        tail = int(query.get("tailLines", len(lines) or 1))
        return "".join(lines[-tail:]) if tail else ""

    def _current_version(self) -> int:
        return max((int(o["metadata"].get("resourceVersion", 0)) for o in self.objects.values()), default=0)


class _TextBody(str):
    """A plain-text answer (pods/log)."""


class _Handler(BaseHTTPRequestHandler):
    api: FakeKubeApi
    wbufsize = 1 << 16
    """Buffered: headers and body leave in one write (no Nagle/delayed-ACK stall of ~40 ms per call)."""

    def _serve(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {FAKE_TOKEN}":
            self._send(401, {"kind": "Status", "status": "Failure", "reason": "Unauthorized", "code": 401})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        code, answer = self.api.handle(self.command, self.path, headers, body)
        self._send(code, answer)

    def _send(self, code: int, answer: Any) -> None:
        is_text = isinstance(answer, _TextBody)
        data = str(answer).encode() if is_text else json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain" if is_text else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's requests are in ``FakeKubeApi.requests``."""


def _core_versions() -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"]}


def _user_content(obj: dict[str, Any]) -> dict[str, Any]:
    content = {key: value for key, value in obj.items() if key != "status"}
    content["metadata"] = {k: v for k, v in obj.get("metadata", {}).items() if k not in SERVER_METADATA}
    return content


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386 JSON merge patch."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
    return target


def _selector(text: str) -> dict[str, str]:
    """Equality selectors only: ``a=b,c==d``."""
    pairs = [term.replace("==", "=").split("=", 1) for term in text.split(",") if "=" in term]
    return {key.strip(): value.strip() for key, value in pairs}


def _field(obj: dict[str, Any], dotted: str) -> str:
    value: Any = obj
    for part in dotted.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return str(value)
