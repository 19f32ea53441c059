"""The whole workflow (playbooks/site.yml) in the sandbox, for the end-to-end tests: one home and
one AWS emulator per test session, one applied EKS stack shared by the tests that only read it,
and readers for the state store and the emulator."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from ansible_collections.agentic.k8s.plugins.module_utils.state.info import read_workflows
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings
from tests.support.playbook import REPO, playbook_env, run_playbook

PLUGIN_DIR = Path(os.environ.get("AGENTIC_K8S_TF_PLUGIN_DIR", "/opt/tf-plugins"))
AGENT_MODULES = ("llm_plan", "tf_provision", "monitoring_stack", "cluster_validate", "docs_generate")
WORKFLOW_TIMEOUT_S = 900
WORKFLOW_LINE = re.compile(r"Workflow ([a-z0-9][-a-z0-9]*[a-z0-9]):")


@dataclass
class SandboxSession:
    """One AGENTIC_K8S_HOME (state store, clusters, emulator) shared by the end-to-end tests."""

    home: Path

    @property
    def env(self) -> dict[str, str]:
        return {"AGENTIC_K8S_TF_PLUGIN_DIR": str(PLUGIN_DIR)}

    def site(self, extra_vars: Mapping[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
        return self.playbook("playbooks/site.yml", {"platform": "eks", "sandbox": True, **extra_vars}, *args)

    def playbook(
        self, playbook: str, extra_vars: Mapping[str, Any], *args: str
    ) -> subprocess.CompletedProcess[str]:
        return run_playbook(playbook, self.home, extra_vars, *args, env=self.env, timeout=WORKFLOW_TIMEOUT_S)

    def start_site(self, extra_vars: Mapping[str, Any], log: Path) -> subprocess.Popen:
        """site.yml in the background, in its own process group (for kill -9), output to ``log``."""
        argv = [str(Path(sys.executable).parent / "ansible-playbook"), str(REPO / "playbooks" / "site.yml")]
        argv += ["-e", json.dumps({"platform": "eks", "sandbox": True, **extra_vars})]
        with log.open("w") as output:
            return subprocess.Popen(
                argv,
                cwd=REPO,
                env=playbook_env(self.home, self.env),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def workflows(self, workflow_id: str | None = None) -> list[dict[str, Any]]:
        return read_workflows(StoreSettings(backend="sqlite"), self.home, workflow_id=workflow_id)[
            "workflows"
        ]

    def workflow(self, workflow_id: str) -> dict[str, Any]:
        (workflow,) = self.workflows(workflow_id)
        return workflow

    def tagged(self, cluster_key: str) -> list[str]:
        """What the emulator holds with the stable cluster-key tag."""
        from tests.support.terraform_sandbox import tagged_in_emulator

        return tagged_in_emulator(emulator.ensure_emulator(self.home).endpoint, cluster_key)

    def events(self, workflow_id: str) -> list[dict[str, Any]]:
        path = self.home / "workflows" / workflow_id / "events.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def workflow_id_of(result: subprocess.CompletedProcess[str]) -> str:
    """The workflow id the run's report printed (``Workflow <id>: ...``)."""
    found = WORKFLOW_LINE.search(result.stdout)
    assert found, f"no workflow id in the output:\n{result.stdout[-3000:]}"
    return found.group(1)


def executions_by_agent(workflow: Mapping[str, Any], attempt: int | None = None) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for execution in workflow["executions"]:
        if attempt is None or execution["attempt"] == attempt:
            found.setdefault(execution["agent_name"], []).append(execution)
    return found


@pytest.fixture(scope="session")
def sandbox_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxSession]:
    """The session's home; its emulator is stopped at the end."""
    if shutil.which("terraform") is None or not PLUGIN_DIR.is_dir():
        pytest.fail("terraform and the aws provider mirror are needed (see ENVIRONMENT.md)")
    home = tmp_path_factory.mktemp("sandbox-workflow-home")
    os.environ.setdefault("AGENTIC_K8S_TF_PLUGIN_DIR", str(PLUGIN_DIR))
    yield SandboxSession(home)
    emulator.stop_emulator(home)


@dataclass
class AppliedWorkflow:
    session: SandboxSession
    result: subprocess.CompletedProcess[str]
    workflow_id: str
    cluster_key: str


@pytest.fixture(scope="session")
def applied_workflow(sandbox_session: SandboxSession) -> Iterator[AppliedWorkflow]:
    """One complete sandbox workflow (cluster eks-dev-shared), read by several tests, destroyed with
    playbooks/destroy.yml at the end of the session."""
    result = sandbox_session.site({"cluster_name": "shared"})
    applied = AppliedWorkflow(sandbox_session, result, workflow_id_of(result), "eks-dev-shared")
    yield applied
    destroyed = sandbox_session.playbook("playbooks/destroy.yml", {"workflow_id": applied.workflow_id})
    assert destroyed.returncode == 0, destroyed.stdout[-3000:]
