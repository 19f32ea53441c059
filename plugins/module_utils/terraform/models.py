"""The typed edge of the terraform package: what ``tf_provision`` asks for, and what it returns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from ..common.modeling import BaseModel, ConfigDict, Field, field_validator, model_validator

PLATFORMS = ("eks", "k3s", "aks", "gke")
AWS_PLATFORMS = ("eks", "k3s")
BACKENDS = ("local", "s3", "azurerm", "gcs", "pg")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
REGION = re.compile(r"^[a-z]{2,}(-[a-z]+)*-?[a-z]*[0-9]+$|^[a-z]+[a-z0-9]*$")
PROFILE = re.compile(r"^[A-Za-z0-9_.+=,@-]{1,64}$")
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}$")
CONFIG_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BackendSettings(Strict):
    """Where the state lives: ``local`` (the cluster's folder) or a remote backend's settings."""

    type: Literal["local", "s3", "azurerm", "gcs", "pg"] = "local"
    config: dict[str, str | int | bool] = Field(default_factory=dict)

    @field_validator("config")
    @classmethod
    def _keys_are_names(cls, config: dict[str, Any]) -> dict[str, Any]:
        for key in config:
            if not CONFIG_KEY.match(key):
                raise ValueError(f"backend_config key {key!r} is not a Terraform backend setting name")
        return config


class ProvisionRequest(Strict):
    """One ``tf_provision`` call, validated."""

    state: Literal["present", "absent"] = "present"
    platform: Literal["eks", "k3s", "aks", "gke"]
    cluster_env: str = "dev"
    cluster_name: str
    region: str
    home: Path
    modules_path: Path
    templates_path: Path
    project_path: Path | None = None
    plan: dict[str, Any] = Field(default_factory=dict)
    variables: dict[str, Any] = Field(default_factory=dict)
    backend: BackendSettings = Field(default_factory=BackendSettings)
    workspace: str = "default"
    plugin_dir: Path | None = None
    terraform_binary: str = "terraform"
    parallelism: int = Field(default=10, ge=1, le=256)
    lock_timeout_s: int = Field(default=0, ge=0, le=3600)
    timeout_s: int = Field(default=3600, ge=10, le=86400)
    targets: list[str] = Field(default_factory=list)
    check_destroy: bool = False
    plan_only: bool = False
    plan_file: Path | None = None
    force_unlock: str | None = None
    sandbox: bool = False
    sandbox_endpoint: str | None = None
    profile: str | None = None
    assume_role_arn: str | None = None
    events_path: Path | None = None
    workflow_id: str = ""
    existed_marker: Path | None = None

    @field_validator("cluster_env", "cluster_name", "workspace")
    @classmethod
    def _dns_label(cls, value: str) -> str:
        if not DNS_LABEL.match(value):
            raise ValueError("must be a DNS-1123 label (lowercase letters, digits, '-', at most 63)")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION.match(value):
            raise ValueError("must be a cloud region such as us-east-1, westeurope or us-central1")
        return value

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str | None) -> str | None:
        if value is not None and not PROFILE.match(value):
            raise ValueError("must be an AWS profile name (letters, digits, _.+=,@-)")
        return value

    @field_validator("assume_role_arn")
    @classmethod
    def _role_arn(cls, value: str | None) -> str | None:
        if value is not None and not ROLE_ARN.match(value):
            raise ValueError("must be an IAM role ARN such as arn:aws:iam::123456789012:role/deployer")
        return value

    @field_validator("sandbox_endpoint")
    @classmethod
    def _loopback(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^http://127\.0\.0\.1:[0-9]{2,5}$", value):
            raise ValueError("must be http://127.0.0.1:<port>")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ProvisionRequest:
        if self.sandbox and self.platform not in AWS_PLATFORMS:
            raise ValueError(f"sandbox: only {', '.join(AWS_PLATFORMS)} run in the sandbox")
        if self.plan_only and self.plan_file is not None:
            raise ValueError(
                "plan_only and plan_file: give one (plan_only saves a plan, plan_file applies one)"
            )
        return self

    @property
    def cluster_key(self) -> str:
        return f"{self.platform}-{self.cluster_env}-{self.cluster_name}"

    @property
    def module_source(self) -> Path:
        return self.project_path or self.modules_path / self.platform


class Diagnostic(Strict):
    severity: str
    summary: str
    detail: str = ""
    address: str | None = None
    file: str | None = None
    line: int | None = None


class PlanSummary(Strict):
    add: int = 0
    change: int = 0
    destroy: int = 0
    changes: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.add or self.change or self.destroy)


class ManagedResource(Strict):
    address: str
    type: str
    id: str | None = None


class LockInfo(Strict):
    id: str
    who: str = ""
    operation: str = ""
    created: str = ""
    path: str = ""
