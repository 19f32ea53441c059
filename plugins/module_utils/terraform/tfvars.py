"""The plan's choices as Terraform input variables: validated, mapped per platform, and written
only as ``terraform.tfvars.json`` (LLM output never becomes HCL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..common.errors import AgenticError, InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, model_validator
from ..common.requirements import requirement
from .credentials import K3sCredentials

with requirement("python-hcl2"):
    import hcl2

DEFAULT_ZONE_SUFFIXES = ("a", "b", "c")
EKS_MIN_ZONES = 2
OPEN_CIDRS = ("0.0.0.0/0",)
K3S_RELEASES = {"1.31": "v1.31.4+k3s1", "1.32": "v1.32.5+k3s1", "1.33": "v1.33.1+k3s1"}
"""The k3s release installed for each Kubernetes minor version a plan may choose."""


class _PlanPart(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class PlanNodeGroup(_PlanPart):
    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    instance_type: str = Field(pattern=r"^[A-Za-z0-9._-]{2,64}$")
    min_size: int = Field(ge=0, le=1000)
    desired_size: int = Field(ge=0, le=1000)
    max_size: int = Field(ge=1, le=1000)
    disk_gib: int = Field(default=50, ge=20, le=16384)

    @model_validator(mode="after")
    def _ordered(self) -> PlanNodeGroup:
        if not self.min_size <= self.desired_size <= self.max_size:
            raise ValueError("needs min_size <= desired_size <= max_size")
        return self


class PlanControlPlane(_PlanPart):
    endpoint_public_access: bool = True
    endpoint_private_access: bool = True
    public_access_cidrs: list[str] = Field(default_factory=lambda: ["0.0.0.0/0"])
    log_types: list[str] = Field(default_factory=lambda: ["api", "audit", "authenticator"])
    secrets_encryption: bool = True


class PlanChoices(_PlanPart):
    """The parts of ``agentic_plan`` that reach Terraform."""

    kubernetes_version: str = Field(default="1.31", pattern=r"^1\.[0-9]{2}$")
    zones: list[str] = Field(default_factory=list, max_length=3)
    node_groups: list[PlanNodeGroup] = Field(min_length=1)
    control_plane: PlanControlPlane = Field(default_factory=PlanControlPlane)


def plan_choices(plan: dict[str, Any]) -> PlanChoices:
    try:
        return PlanChoices.model_validate(plan)
    except ValidationError as error:
        first = error.errors()[0]
        field = "plan." + ".".join(str(part) for part in first["loc"])
        raise InputError(field, first.get("input"), first["msg"]) from error


def zones_for(choices: PlanChoices, region: str, count: int, minimum: int = 1) -> list[str]:
    """The plan's zones (at most ``count``) completed up to ``minimum`` from the region's first zones;
    without zones in the plan, the region's first ``count``."""
    zones = list(choices.zones[:count])
    target = max(minimum, 1) if zones else count
    for zone in (f"{region}{suffix}" for suffix in DEFAULT_ZONE_SUFFIXES):
        if len(zones) >= target:
            break
        if zone not in zones:
            zones.append(zone)
    return zones


def allowed_cidrs(control_plane: PlanControlPlane) -> list[str]:
    """The plan's API CIDRs; an empty list means unrestricted, as AWS's own default."""
    return control_plane.public_access_cidrs or list(OPEN_CIDRS)


def eks_variables(choices: PlanChoices, name: str, region: str, sandbox: bool) -> dict[str, Any]:
    control_plane = choices.control_plane
    variables: dict[str, Any] = {
        "cluster_name": name,
        "kubernetes_version": choices.kubernetes_version,
        "zones": zones_for(choices, region, 3, minimum=EKS_MIN_ZONES),
        "node_groups": [group.model_dump() for group in choices.node_groups],
        "endpoint_public_access": control_plane.endpoint_public_access,
        "endpoint_private_access": control_plane.endpoint_private_access,
        "public_access_cidrs": allowed_cidrs(control_plane),
        "log_types": control_plane.log_types,
        "secrets_encryption": control_plane.secrets_encryption,
    }
    if sandbox:
        variables.update(enable_addons=False, enable_access_entries=False, node_update_max_unavailable=None)
    return variables


def k3s_variables(
    choices: PlanChoices, name: str, region: str, credentials: K3sCredentials
) -> dict[str, Any]:
    first_group = choices.node_groups[0]
    return {
        "cluster_name": name,
        "zone": zones_for(choices, region, 1)[0],
        "server_instance_type": first_group.instance_type,
        "agent_instance_type": first_group.instance_type,
        "agent_count": max(sum(group.desired_size for group in choices.node_groups) - 1, 0),
        "disk_gib": first_group.disk_gib,
        "api_cidrs": allowed_cidrs(choices.control_plane),
        "k3s_version": k3s_release(choices.kubernetes_version),
        "ssh_public_key": credentials.ssh_public_key,
        "k3s_token": credentials.token,
        "server_ca_cert": credentials.server_ca_cert,
        "server_ca_key": credentials.server_ca_key,
        "client_ca_cert": credentials.client_ca_cert,
        "client_ca_key": credentials.client_ca_key,
    }


def k3s_release(kubernetes_version: str) -> str:
    if kubernetes_version not in K3S_RELEASES:
        raise InputError("plan.kubernetes_version", kubernetes_version, ", ".join(sorted(K3S_RELEASES)))
    return K3S_RELEASES[kubernetes_version]


def aks_variables(choices: PlanChoices, name: str, region: str) -> dict[str, Any]:
    first_group = choices.node_groups[0]
    return {
        "cluster_name": name,
        "location": region,
        "kubernetes_version": choices.kubernetes_version,
        "system_node_vm_size": first_group.instance_type,
        "system_node_min_count": max(first_group.min_size, 1),
        "system_node_max_count": first_group.max_size,
    }


def gke_variables(choices: PlanChoices, name: str, region: str) -> dict[str, Any]:
    first_group = choices.node_groups[0]
    return {
        "cluster_name": name,
        "region": region,
        "kubernetes_version": choices.kubernetes_version,
        "machine_type": first_group.instance_type,
        "min_node_count": first_group.min_size,
        "max_node_count": first_group.max_size,
        "disk_gib": first_group.disk_gib,
    }


def declared_variables(module_dir: Path) -> set[str]:
    """The names of the ``variable`` blocks of a Terraform module (python-hcl2)."""
    names: set[str] = set()
    for path in sorted(module_dir.glob("*.tf")):
        with path.open(encoding="utf-8") as stream:
            try:
                document = hcl2.load(stream)
            except Exception as error:
                raise AgenticError(f"{path} is not valid HCL: {error}", file=str(path)) from error
        for block in document.get("variable", []):
            names.update(key.strip('"') for key in block)
    return names


def check_declared(variables: dict[str, Any], module_dir: Path) -> None:
    """An early error naming any variable the module does not declare."""
    declared = declared_variables(module_dir)
    for name in sorted(variables):
        if name not in declared:
            raise InputError(f"variables.{name}", name, ", ".join(sorted(declared)) or "(none declared)")
