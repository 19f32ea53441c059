"""The documentation role works from a built and installed collection: the action plugin finds
the installed collection's templates/docs (not a checkout's), so the module renders from them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.docs.render import DOCUMENTS
from tests.support.recorded_workflow import FIXTURES

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MARKER = "Rendered from the installed collection's templates."

PLAYBOOK = """
- name: Document a recorded workflow with the installed collection
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Load the recorded facts
      ansible.builtin.set_fact:
        agentic_workflow: "{{ (lookup('ansible.builtin.file', recorded ~ '/agentic_workflow.json')
                               | from_json) | combine({'artifacts_dir': artifacts}) }}"
        agentic_plan: "{{ lookup('ansible.builtin.file', recorded ~ '/agentic_plan.json') | from_json }}"
        agentic_infra: "{{ lookup('ansible.builtin.file', recorded ~ '/agentic_infra.json') | from_json }}"
    - name: Phase 6
      ansible.builtin.include_role:
        name: agentic.k8s.documentation
"""


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed


def test_the_role_renders_from_the_installed_collections_templates(
    tmp_path: Path, agentic_home: Path
) -> None:
    collections = tmp_path / "collections"
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1", PATH=f"{BIN}:{env['PATH']}")
    run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(REPO)],
        tmp_path,
        env,
    )
    [tarball] = tmp_path.glob("agentic-k8s-*.tar.gz")
    run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "--no-deps",
            "-p",
            str(collections),
            str(tarball),
        ],
        tmp_path,
        env,
    )
    installed_templates = collections / "ansible_collections/agentic/k8s/templates/docs"
    readme_template = installed_templates / "README.md.j2"
    readme_template.write_text(readme_template.read_text() + f"\n{MARKER}\n")
    (tmp_path / "document.yml").write_text(PLAYBOOK)
    artifacts = tmp_path / "artifacts"

    run(
        [
            str(BIN / "ansible-playbook"),
            "-i", "localhost,",
            "-c", "local",
            "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"recorded={FIXTURES / 'completed'}",
            "-e", f"artifacts={artifacts}",
            "document.yml",
        ],
        tmp_path,
        env,
    )  # fmt: skip

    assert sorted(path.name for path in (artifacts / "docs").iterdir()) == sorted(DOCUMENTS)
    assert (artifacts / "docs" / "README.md").read_text().rstrip().endswith(MARKER)
