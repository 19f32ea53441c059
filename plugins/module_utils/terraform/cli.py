"""The Terraform command runner, in the manner of community.general's CmdRunner: one object per
working directory that builds argv lists and runs them through ``common.runner`` with a deadline
(SIGINT first, so Terraform releases its lock)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..common.runner import CommandResult, LineHandler, require_binary, run_command

PLAN_NO_CHANGES = 0
PLAN_HAS_CHANGES = 2


@dataclass(frozen=True)
class TerraformCLI:
    """Terraform in ``working_dir`` with a private CLI config and a deadline on every call."""

    working_dir: Path
    cli_config: Path
    timeout_s: float
    binary: str = "terraform"
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str, on_line: LineHandler | None = None) -> CommandResult:
        binary = require_binary(self.binary, "run Terraform")
        return run_command(
            [binary, *args],
            timeout_s=self.timeout_s,
            cwd=self.working_dir,
            env=self.env(),
            on_stdout_line=on_line,
        )

    def init(self, backend_config: Mapping[str, object], lock_timeout_s: int) -> CommandResult:
        settings = [
            f"-backend-config={key}={_hcl_value(value)}" for key, value in sorted(backend_config.items())
        ]
        return self.run(
            "init", "-input=false", "-no-color", "-reconfigure", *_lock(lock_timeout_s), *settings
        )

    def workspace(self, name: str) -> CommandResult:
        return self.run("workspace", "select", "-or-create", "-no-color", name)

    def plan(
        self,
        out: Path,
        *,
        destroy: bool,
        parallelism: int,
        lock_timeout_s: int,
        targets: Sequence[str],
        refresh: bool = True,
    ) -> CommandResult:
        argv = ["plan", "-input=false", "-json", "-detailed-exitcode", f"-out={out}"]
        argv += [f"-parallelism={parallelism}", *_lock(lock_timeout_s), *_targets(targets)]
        if destroy:
            argv.append("-destroy")
        if not refresh:
            argv.append("-refresh=false")
        return self.run(*argv)

    def apply(
        self, plan_file: Path, *, parallelism: int, lock_timeout_s: int, on_line: LineHandler
    ) -> CommandResult:
        argv = ["apply", "-input=false", "-json", "-auto-approve", f"-parallelism={parallelism}"]
        return self.run(*argv, *_lock(lock_timeout_s), str(plan_file), on_line=on_line)

    def show_json(self, plan_file: Path) -> CommandResult:
        return self.run("show", "-json", "-no-color", str(plan_file))

    def state_pull(self) -> CommandResult:
        return self.run("state", "pull")

    def force_unlock(self, lock_id: str) -> CommandResult:
        return self.run("force-unlock", "-force", "-no-color", lock_id)

    def validate(self) -> CommandResult:
        return self.run("validate", "-json", "-no-color")


def _lock(lock_timeout_s: int) -> list[str]:
    return [f"-lock-timeout={lock_timeout_s}s"]


def _targets(targets: Sequence[str]) -> list[str]:
    return [f"-target={target}" for target in targets]


def _hcl_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
