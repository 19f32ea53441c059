"""The one offline manifest validator (the validation agent's static mode reuses it).

Core kinds are checked by ``kubernetes-validate`` against the Kubernetes OpenAPI schemas in strict
mode (a misspelled field is an error); the prometheus-operator custom resources against the
operator's models (``cloudcoil-models-prometheus-operator``): types and required fields through
pydantic, unknown fields by a walk of the model, as strict as the core kinds. Any other custom
resource gets a warning that no schema is known for it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import re
import sys
import typing
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from types import ModuleType
from typing import Any, Literal

from ..common.modeling import BaseModel, ValidationError
from ..common.requirements import ensure_available, requirement
from ..kube.client import object_ref

with requirement("kubernetes-validate"):
    import kubernetes_validate

if typing.TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry

DEFAULT_KUBERNETES_VERSION = "1.31"
OPERATOR_API_VERSION = "monitoring.coreos.com/v1"
OPERATOR_MODELS_PACKAGE = "cloudcoil.models.prometheus_operator"
OPERATOR_KINDS = ("PrometheusRule", "ServiceMonitor", "PodMonitor", "Probe", "Prometheus", "Alertmanager")


class ManifestFinding(BaseModel):
    """One problem of one manifest: ``ref`` is ``Kind/namespace/name``, ``path`` the field."""

    ref: str
    severity: Literal["error", "warning"]
    message: str
    path: str = ""


def validate_manifests(
    manifests: Iterable[Mapping[str, Any]], kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
) -> list[ManifestFinding]:
    """Every finding of every manifest; an empty list means all of them are valid."""
    findings: list[ManifestFinding] = []
    for manifest in manifests:
        findings += _validate_one(dict(manifest), kubernetes_version)
    return findings


def _validate_one(manifest: dict[str, Any], kubernetes_version: str) -> list[ManifestFinding]:
    ref = object_ref(manifest)
    missing = [key for key in ("apiVersion", "kind") if not manifest.get(key)]
    if missing or not manifest.get("metadata", {}).get("name"):
        fields = ", ".join(
            [*missing, *([] if manifest.get("metadata", {}).get("name") else ["metadata.name"])]
        )
        return [ManifestFinding(ref=ref, severity="error", message=f"missing required fields: {fields}")]
    if manifest["apiVersion"] == OPERATOR_API_VERSION and manifest["kind"] in OPERATOR_KINDS:
        return _validate_operator_resource(manifest, ref)
    return _validate_core(manifest, ref, kubernetes_version)


def _validate_core(manifest: dict[str, Any], ref: str, kubernetes_version: str) -> list[ManifestFinding]:
    ensure_available("kubernetes-validate")
    validator = _core_validator(manifest["apiVersion"], manifest["kind"], _schema_release(kubernetes_version))
    if validator is None:
        message = f"no schema is known for {manifest['kind']} ({manifest['apiVersion']}); not validated"
        return [ManifestFinding(ref=ref, severity="warning", message=message)]
    error = next(validator.iter_errors(manifest), None)
    if error is None:
        return []
    path = ".".join(str(part) for part in error.path)
    return [ManifestFinding(ref=ref, severity="error", message=error.message, path=path)]


@cache
def _core_validator(api_version: str, kind: str, release: str) -> Validator | None:
    """The strict schema of a kind as ``kubernetes_validate.validate`` builds it (its first error is
    the one that function raises), but read and compiled once per kind; ``None``: no schema known."""
    from jsonschema.validators import Draft202012Validator
    from referencing import Resource

    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = kubernetes_validate.utils.schema_contents(
            f"{_schema_dir(release)}/{kind.lower()}-{group_version}.json", release
        )
    except FileNotFoundError:
        return None
    registry = Resource.from_contents(schema) @ _definitions(release)
    return Draft202012Validator(schema, registry=registry)


@cache
def _definitions(release: str) -> Registry:
    """The shared definitions of a release's schemas (1.3 MB of JSON: read once, not per manifest)."""
    import referencing

    contents = kubernetes_validate.utils.schema_contents(f"{_schema_dir(release)}/_definitions.json", release)
    return referencing.Resource.from_contents(contents) @ referencing.Registry()


def _schema_dir(release: str) -> str:
    return f"kubernetes-json-schema/v{release}-local-strict"


@cache
def _schema_release(kubernetes_version: str) -> str:
    """The newest schema release at or below the requested version (for a version newer than every
    schema, the newest of all)."""
    wanted = _as_tuple(kubernetes_version)
    releases = [
        release for release in kubernetes_validate.utils.all_versions() if _as_tuple(release) <= wanted
    ]
    if not releases:
        raise kubernetes_validate.utils.VersionNotSupportedError(kubernetes_version)
    return releases[-1]


def _as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split(".")[:2])


def _validate_operator_resource(manifest: dict[str, Any], ref: str) -> list[ManifestFinding]:
    model = _operator_models()[manifest["kind"]]
    findings = [
        ManifestFinding(ref=ref, severity="error", message=f"unknown field {path}", path=path)
        for path in _unknown_fields(model, manifest, "")
    ]
    try:
        model.model_validate(manifest)
    except ValidationError as error:
        findings += [
            ManifestFinding(
                ref=ref,
                severity="error",
                message=issue["msg"],
                path=".".join(str(part) for part in issue["loc"]),
            )
            for issue in error.errors()
        ]
    return findings


@cache
def _operator_models() -> dict[str, type[BaseModel]]:
    """The operator's models, imported on first use (the module is large)."""
    v1 = _operator_v1_module()
    return {kind: getattr(v1, kind) for kind in OPERATOR_KINDS}


def _operator_v1_module() -> ModuleType:
    """``cloudcoil.models.prometheus_operator.v1`` alone: the package's ``__init__`` also imports
    its ``v1alpha1`` models, about as costly again and never used here."""
    name = f"{OPERATOR_MODELS_PACKAGE}.v1"
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec(OPERATOR_MODELS_PACKAGE)
    spec = None
    if package is not None:
        spec = importlib.machinery.PathFinder.find_spec(name, package.submodule_search_locations)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _unknown_fields(model: type[BaseModel], data: Any, path: str) -> Iterator[str]:
    """Dotted paths of the keys in ``data`` that ``model`` (recursively) does not define."""
    if not isinstance(data, Mapping):
        return
    known = _fields_by_key(model)
    for key, value in data.items():
        here = f"{path}.{key}" if path else str(key)
        annotation = known.get(key)
        if annotation is None:
            yield here
            continue
        for inner in _models_in(annotation):
            items = enumerate(value) if isinstance(value, list) else [(None, value)]
            for index, item in items:
                yield from _unknown_fields(inner, item, here if index is None else f"{here}[{index}]")


@cache
def _fields_by_key(model: type[BaseModel]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        fields[name] = field.annotation
        if field.alias:
            fields[field.alias] = field.annotation
    return fields


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (``Optional[List[Rule]]`` -> ``[Rule]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None or origin in (dict, Mapping):
        return []
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]
