"""Whether the state held resources before a workflow's first provisioning: read once, kept."""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.terraform.models import ProvisionRequest
from ansible_collections.agentic.k8s.plugins.module_utils.terraform.provision import first_state_answer


def request(tmp_path: Path, **fields) -> ProvisionRequest:
    return ProvisionRequest(
        platform="eks",
        cluster_name="demo",
        region="us-east-1",
        home=tmp_path,
        modules_path=tmp_path,
        templates_path=tmp_path,
        **fields,
    )


def test_the_first_answer_is_written_and_later_attempts_keep_it(tmp_path):
    marker = tmp_path / "workflow" / "first_attempt.json"

    assert first_state_answer(request(tmp_path, existed_marker=marker), False, check_mode=False) is False
    assert json.loads(marker.read_text()) == {"state_existed_before": False}
    assert marker.stat().st_mode & 0o777 == 0o600
    # attempt 2 finds the resources attempt 1 created: the workflow still created them
    assert first_state_answer(request(tmp_path, existed_marker=marker), True, check_mode=False) is False


def test_check_mode_answers_without_writing(tmp_path):
    marker = tmp_path / "first_attempt.json"

    assert first_state_answer(request(tmp_path, existed_marker=marker), True, check_mode=True) is True
    assert not marker.exists()


def test_a_destroy_neither_reads_nor_writes_the_marker(tmp_path):
    marker = tmp_path / "first_attempt.json"
    marker.write_text(json.dumps({"state_existed_before": False}))

    assert first_state_answer(
        request(tmp_path, state="absent", existed_marker=marker), True, check_mode=False
    )


def test_without_a_marker_the_answer_is_this_run_s(tmp_path):
    assert first_state_answer(request(tmp_path), True, check_mode=False) is True
    assert first_state_answer(request(tmp_path), False, check_mode=False) is False
