"""The phases of site.yml are data (`agentic_phases`): order, policies and notification, proven
with a test agent role (tests/fixtures/roles/record_phase) in place of the real agents."""

from __future__ import annotations

from pathlib import Path

from tests.support.playbook import REPO

FIXTURE_ROLES = REPO / "tests" / "fixtures" / "roles"


def phases(*entries: tuple[str, str, str]) -> list[dict[str, str]]:
    return [
        {"name": name, "role": "record_phase", "section": section, "policy": policy}
        for name, section, policy in entries
    ] + [{"name": "finalization", "role": "agentic.k8s.finalize", "section": "always", "policy": "none"}]


def run_phases(playbook_runner, tmp_path: Path, agentic_phases, **extra):
    log = tmp_path / "phases.log"
    result = playbook_runner(
        "playbooks/site.yml",
        {"platform": "eks", "agentic_phases": agentic_phases, "phase_log": str(log), **extra},
        env={"ANSIBLE_ROLES_PATH": f"{FIXTURE_ROLES}:{REPO / 'roles'}"},
    )
    ran = log.read_text().split() if log.exists() else []
    return result, ran


def test_added_phase_runs_in_its_place(playbook_runner, tmp_path):
    result, ran = run_phases(
        playbook_runner,
        tmp_path,
        phases(("planning", "block", "fail"), ("security_scan", "block", "fail"), ("docs", "always", "warn")),
    )
    assert result.returncode == 0, result.stdout
    assert ran == ["planning", "security_scan", "docs"]
    assert ": COMPLETED" in result.stdout


def test_failed_phase_stops_the_block_runs_always_phases_and_notifies(playbook_runner, tmp_path):
    notice = tmp_path / "notice.txt"
    result, ran = run_phases(
        playbook_runner,
        tmp_path,
        phases(("planning", "block", "fail"), ("validation", "block", "fail"), ("docs", "always", "warn")),
        fail_phase="planning",
        agentic_notify={
            "module": "ansible.builtin.copy",
            "args": {
                "dest": str(notice),
                "mode": "0600",
                "content": "{{ agentic_workflow.status }} {{ agentic_workflow.failed_phase }}",
            },
        },
    )
    assert result.returncode != 0
    assert ran == ["planning", "docs"]
    assert "Nothing was destroyed: the policy of the failed phase is fail." in result.stdout
    assert notice.read_text() == "FAILED planning"


def test_warn_phase_failure_completes_with_warnings(playbook_runner, tmp_path):
    notice = tmp_path / "notice.txt"
    result, ran = run_phases(
        playbook_runner,
        tmp_path,
        phases(("planning", "block", "fail"), ("docs", "always", "warn")),
        fail_phase="docs",
        agentic_notify={"module": "ansible.builtin.copy", "args": {"dest": str(notice), "content": "x"}},
    )
    assert result.returncode == 0, result.stdout
    assert ran == ["planning", "docs"]
    assert "COMPLETED_WITH_WARNINGS" in result.stdout
    assert not notice.exists()


def test_rollback_phase_failure_with_rollback_false_keeps_resources(playbook_runner, tmp_path):
    result, ran = run_phases(
        playbook_runner,
        tmp_path,
        phases(("provisioning", "block", "rollback"), ("validation", "block", "fail")),
        fail_phase="provisioning",
        rollback=False,
    )
    assert result.returncode != 0
    assert ran == ["provisioning"]
    assert "Nothing was destroyed: rollback=false was given." in result.stdout
    assert "ended FAILED" in result.stdout
    assert "is undefined" not in result.stdout + result.stderr
