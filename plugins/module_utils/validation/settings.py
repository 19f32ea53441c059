"""The validation agent's inputs, validated once at the package edge."""

from __future__ import annotations

from typing import Any, Literal

from ..common.errors import AgenticError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, field_validator

LIVE_CHECK_NAMES = ("nodes", "pods", "endpoints", "networking", "security")
STATIC_CHECK_NAMES = ("manifests", "plan")
ALL_CHECK_NAMES = LIVE_CHECK_NAMES + STATIC_CHECK_NAMES
ENDPOINT_NAMES = ("prometheus", "alertmanager", "grafana")
DEFAULT_PORTS = {"prometheus": 9090, "alertmanager": 9093, "grafana": 80}
FAIL_ON = ("critical", "warning", "never")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Endpoint(_Strict):
    """One monitoring service: a URL, or a Service (namespace, name, port) for the API proxy."""

    url: str = ""
    service: str = ""
    port: int = Field(default=0, ge=0, le=65535)
    namespace: str = "monitoring"


class ProbeSettings(_Strict):
    """The in-cluster DNS/Service probe Job."""

    enabled: bool = True
    namespace: str = "default"
    image: str = "busybox:1.36"
    service_host: str = "kubernetes.default.svc"
    service_port: int = Field(default=443, ge=1, le=65535)
    timeout_s: float = Field(default=60, gt=0, le=600)


class ValidationSettings(_Strict):
    mode: Literal["auto", "live", "static"] = "auto"
    checks: list[str] = Field(default_factory=lambda: list(ALL_CHECK_NAMES))
    kubeconfig_path: str = ""
    context: str = ""
    namespaces: list[str] = Field(default_factory=lambda: ["kube-system", "monitoring"])
    endpoints: dict[str, Endpoint] = Field(default_factory=dict)
    expected_nodes: int | None = Field(default=None, ge=0)
    kubernetes_version: str | None = None
    restart_threshold: int = Field(default=5, ge=1)
    creator_subjects: list[str] = Field(default_factory=list)
    probe: ProbeSettings = Field(default_factory=ProbeSettings)
    plan: dict[str, Any] = Field(default_factory=dict)
    infra: dict[str, Any] = Field(default_factory=dict)
    manifests: list[str] = Field(default_factory=list)
    rendered_manifests: list[dict[str, Any]] = Field(default_factory=list)
    timeout_s: float = Field(default=10, gt=0, le=300)
    wait_timeout_s: float = Field(default=0, ge=0, le=3600)
    wait_interval_s: float = Field(default=10, gt=0, le=600)
    fail_on: Literal["critical", "warning", "never"] = "critical"
    sandbox: bool = False
    check_mode: bool = False

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, checks: list[str]) -> list[str]:
        unknown = sorted(set(checks) - set(ALL_CHECK_NAMES))
        if unknown:
            raise ValueError(f"unknown checks {unknown}; allowed: {', '.join(ALL_CHECK_NAMES)}")
        return list(dict.fromkeys(checks))

    @field_validator("endpoints")
    @classmethod
    def _known_endpoints(cls, endpoints: dict[str, Endpoint]) -> dict[str, Endpoint]:
        unknown = sorted(set(endpoints) - set(ENDPOINT_NAMES))
        if unknown:
            raise ValueError(f"unknown endpoints {unknown}; allowed: {', '.join(ENDPOINT_NAMES)}")
        return {
            name: endpoint.model_copy(update={"port": endpoint.port or DEFAULT_PORTS[name]})
            for name, endpoint in endpoints.items()
            if endpoint.url or endpoint.service
        }


def parse_settings(values: dict[str, Any]) -> ValidationSettings:
    """``ValidationSettings`` from module parameters; bad input names every field at fault."""
    try:
        return ValidationSettings.model_validate(values)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()
        ]
        raise AgenticError("invalid validation options: " + "; ".join(problems), problems=problems) from error
