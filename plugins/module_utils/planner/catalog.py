"""The curated per-platform catalog (instance types, regions, limits, prices, phase durations).
It is data, loaded from a YAML file users can replace: a platform is an entry, not Python."""

from __future__ import annotations

from pathlib import Path

from ..common.errors import InputError
from ..common.modeling import BaseModel, ConfigDict, Field, ValidationError, model_validator


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InstanceType(_Data):
    vcpu: int = Field(ge=1)
    memory_gib: float = Field(gt=0)
    max_pods: int = Field(ge=1)
    hourly_usd: float = Field(ge=0)


class Region(_Data):
    zones: list[str] = Field(min_length=1)
    price_factor: float = Field(default=1.0, gt=0)
    instance_types: list[str] | None = None
    """The instance types offered there; None means every type of the platform."""


class KubernetesVersions(_Data):
    supported: list[str] = Field(min_length=1)
    default: str


class Limits(_Data):
    max_nodes_per_group: int = Field(ge=1, le=1000)
    min_disk_gib: int = Field(ge=1)
    max_disk_gib: int = Field(ge=1)
    min_zones: int = Field(default=1, ge=1, le=3)
    """The fewest zones the platform accepts (EKS wants subnets in at least two)."""


class PlatformCatalog(_Data):
    display_name: str
    kubernetes_versions: KubernetesVersions
    control_plane_hourly_usd: float = Field(ge=0)
    storage_gib_month_usd: float = Field(ge=0)
    log_types: list[str]
    limits: Limits
    phase_seconds: dict[str, int]
    regions: dict[str, Region] = Field(min_length=1)
    instance_types: dict[str, InstanceType] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PlatformCatalog:
        if self.kubernetes_versions.default not in self.kubernetes_versions.supported:
            raise ValueError("kubernetes_versions.default must be one of kubernetes_versions.supported")
        for name, region in self.regions.items():
            unknown = set(region.instance_types or ()) - set(self.instance_types)
            if unknown:
                raise ValueError(f"region {name} lists unknown instance types: {', '.join(sorted(unknown))}")
        return self

    def region_instance_types(self, region: str) -> dict[str, InstanceType]:
        offered = self.regions[region].instance_types
        if offered is None:
            return dict(self.instance_types)
        return {name: self.instance_types[name] for name in offered}


class Catalog(_Data):
    prices_as_of: str
    currency: str = "USD"
    platforms: dict[str, PlatformCatalog] = Field(min_length=1)

    def platform(self, name: str) -> PlatformCatalog:
        if name not in self.platforms:
            raise InputError("platform", name, ", ".join(sorted(self.platforms)))
        return self.platforms[name]


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog file; a missing or invalid file names ``catalog_file``."""
    import yaml

    source = Path(path).expanduser()
    try:
        data = yaml.load(
            source.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except OSError as error:
        raise InputError("catalog_file", str(source), f"a readable catalog file ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise InputError("catalog_file", str(source), f"valid YAML ({error})") from None
    try:
        return Catalog.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise InputError(
            "catalog_file",
            str(source),
            f"a catalog as documented in roles/planner/README.md ({location}: {first['msg']})",
        ) from None
