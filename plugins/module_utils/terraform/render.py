"""The working directory of a cluster's Terraform: the module's files, the provider and backend
file rendered from ``templates/terraform/``, the CLI config, and ``terraform.tfvars.json``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import InputError
from ..common.home import atomic_write_text
from ..common.requirements import requirement
from .models import ProvisionRequest

with requirement("Jinja2"):
    import jinja2

PROVIDERS_FILE = "_agentic_providers.tf"
CLI_CONFIG_FILE = ".terraformrc"
TFVARS_FILE = "terraform.tfvars.json"
INIT_STAMP_FILE = ".agentic-init.sha256"
PROVIDER_TEMPLATES = {"eks": "aws.tf.j2", "k3s": "aws.tf.j2", "aks": "azurerm.tf.j2", "gke": "google.tf.j2"}
SANDBOX_SERVICES = ("dynamodb", "ec2", "eks", "iam", "kms", "logs", "s3", "ssm", "sts")
COPIED_SUFFIXES = (".tf", ".tftpl", ".tpl", ".sh")


@dataclass(frozen=True)
class WorkingDir:
    path: Path
    cli_config: Path
    init_digest: str

    @property
    def initialised(self) -> bool:
        stamp = self.path / INIT_STAMP_FILE
        return (
            (self.path / ".terraform").is_dir() and stamp.exists() and stamp.read_text() == self.init_digest
        )

    def mark_initialised(self) -> None:
        atomic_write_text(self.path / INIT_STAMP_FILE, self.init_digest)


def prepare(request: ProvisionRequest, terraform_dir: Path, variables: dict[str, Any]) -> WorkingDir:
    """Write the module, the rendered provider/backend file, the CLI config and the tfvars."""
    source = request.module_source
    if not source.is_dir():
        raise InputError(
            "project_path" if request.project_path else "platform", str(source), "a Terraform module folder"
        )
    copied = _copy_module(source, terraform_dir)
    providers = _render(request, PROVIDER_TEMPLATES[request.platform], _provider_context(request))
    cli_config = _render(request, "terraformrc.j2", {"plugin_dir": request.plugin_dir})
    _write_if_changed(terraform_dir / PROVIDERS_FILE, providers)
    _write_if_changed(terraform_dir / CLI_CONFIG_FILE, cli_config)
    _write_if_changed(terraform_dir / TFVARS_FILE, json.dumps(variables, indent=2, sort_keys=True) + "\n")
    digest = hashlib.sha256()
    for part in (providers, cli_config, json.dumps(request.backend.model_dump(), sort_keys=True), *copied):
        digest.update(part.encode())
    return WorkingDir(
        path=terraform_dir, cli_config=terraform_dir / CLI_CONFIG_FILE, init_digest=digest.hexdigest()
    )


def _provider_context(request: ProvisionRequest) -> dict[str, Any]:
    return {
        "backend_type": request.backend.type,
        "region": request.region,
        "profile": request.profile,
        "assume_role_arn": request.assume_role_arn,
        "cluster_key": request.cluster_key,
        "sandbox_endpoint": request.sandbox_endpoint if request.sandbox else None,
        "sandbox_services": SANDBOX_SERVICES,
    }


def _render(request: ProvisionRequest, template_name: str, context: dict[str, Any]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(request.templates_path)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    return environment.get_template(template_name).render(**context)


def _copy_module(source: Path, target: Path) -> list[str]:
    """Copy the module's files (``*.tf`` and templates) into ``target``; their names and contents."""
    parts = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or path.suffix not in COPIED_SUFFIXES or relative.parts[0].startswith("."):
            continue
        text = path.read_text(encoding="utf-8")
        _write_if_changed(target / relative, text)
        parts += [str(relative), text]
    return parts


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    atomic_write_text(path, text)
