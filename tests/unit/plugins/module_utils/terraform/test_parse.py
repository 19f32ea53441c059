"""Plan-JSON parsing and diagnostics on output recorded from Terraform 1.11 + aws 5.100 (emulator)."""

from __future__ import annotations

import json
from pathlib import Path

from ansible_collections.agentic.k8s.plugins.module_utils.terraform import parse

RECORDED = Path(__file__).resolve().parents[5] / "tests" / "fixtures" / "terraform" / "recorded"


def recorded_messages(name: str) -> list[dict]:
    return parse.parse_json_lines((RECORDED / name).read_text())


def test_a_failed_apply_names_the_resource_file_and_line():
    diagnostics = parse.errors_only(
        parse.diagnostics_from_messages(recorded_messages("apply_subnet_outside_vpc.jsonl"))
    )

    assert len(diagnostics) == 1
    diagnostic = diagnostics[0]
    assert diagnostic.address == "aws_subnet.outside"
    assert (diagnostic.file, diagnostic.line) == ("main.tf", 18)
    assert "InvalidSubnet.Range" in diagnostic.summary


def test_apply_progress_records_start_completion_duration_and_failure():
    records = [r for r in map(parse.apply_progress, recorded_messages("apply_subnet_outside_vpc.jsonl")) if r]

    events = [(record["address"], record["event"]) for record in records]
    assert ("aws_subnet.outside", "apply_start") in events
    assert ("aws_subnet.outside", "apply_errored") in events
    assert all("duration_s" in record for record in records if record["event"] != "apply_start")


def test_a_destroy_plan_stream_counts_what_goes():
    summary = parse.summary_from_messages(recorded_messages("plan_destroy.jsonl"))

    assert (summary.add, summary.change, summary.destroy) == (0, 0, 2)
    assert {change["address"] for change in summary.changes} == {"aws_vpc.this", "aws_subnet.inside"}
    assert {change["action"] for change in summary.changes} == {"delete"}


def test_show_json_of_the_same_plan_gives_the_same_summary_and_a_diff():
    plan = json.loads((RECORDED / "show_plan_destroy.json").read_text())

    summary = parse.summarize_plan(plan)
    assert (summary.add, summary.change, summary.destroy) == (0, 0, 2)
    diff = parse.plan_diff(plan)
    assert {entry["address"] for entry in diff} == {"aws_vpc.this", "aws_subnet.inside"}
    assert all(entry["after"] is None for entry in diff)


def test_a_replacement_counts_as_one_add_and_one_destroy():
    plan = {
        "resource_changes": [
            {
                "address": "aws_instance.server",
                "type": "aws_instance",
                "change": {"actions": ["delete", "create"]},
            },
            {"address": "aws_vpc.this", "type": "aws_vpc", "change": {"actions": ["no-op"]}},
        ]
    }

    summary = parse.summarize_plan(plan)
    assert (summary.add, summary.change, summary.destroy) == (1, 0, 1)
    assert summary.changes == [
        {"address": "aws_instance.server", "type": "aws_instance", "action": "replace"}
    ]


def test_sensitive_values_are_masked_in_the_diff():
    plan = {
        "resource_changes": [
            {
                "address": "aws_instance.server",
                "change": {
                    "actions": ["update"],
                    "before": {"user_data": "token=abc", "tags": {"Name": "a"}, "ports": [1, 2]},
                    "after": {"user_data": "token=def", "tags": {"Name": "b"}, "ports": [1, 2]},
                    "before_sensitive": {"user_data": True, "ports": [False, True]},
                    "after_sensitive": {"user_data": True, "ports": [False, True]},
                },
            }
        ]
    }

    [entry] = parse.plan_diff(plan)
    assert entry["before"] == {
        "user_data": parse.SENSITIVE_MASK,
        "tags": {"Name": "a"},
        "ports": [1, parse.SENSITIVE_MASK],
    }
    assert entry["after"]["user_data"] == parse.SENSITIVE_MASK
    assert "token=def" not in json.dumps(entry)


def test_a_held_state_lock_is_read_from_the_diagnostic():
    diagnostics = parse.diagnostics_from_messages(recorded_messages("plan_state_locked.jsonl"))

    lock = parse.lock_info(diagnostics)
    assert lock is not None
    assert lock.id == "0d9e3f00-a2e3-5171-36f2-a3fafa00ab0f"
    assert lock.who == "root@vm"
    assert lock.path == "terraform.tfstate"


def test_no_lock_is_reported_for_other_errors():
    assert (
        parse.lock_info(parse.diagnostics_from_messages(recorded_messages("apply_subnet_outside_vpc.jsonl")))
        is None
    )


def test_state_documents_give_resources_with_module_and_index_and_split_outputs():
    state = {
        "resources": [
            {
                "mode": "data",
                "type": "aws_region",
                "name": "current",
                "instances": [{"attributes": {"id": "x"}}],
            },
            {
                "mode": "managed",
                "type": "aws_subnet",
                "name": "private",
                "instances": [{"index_key": 0, "attributes": {"id": "subnet-1"}}],
            },
            {
                "mode": "managed",
                "module": "module.net",
                "type": "aws_iam_role_policy_attachment",
                "name": "node",
                "instances": [{"index_key": "AmazonEKS_CNI_Policy", "attributes": {"id": "r-1"}}],
            },
        ],
        "outputs": {"endpoint": {"value": "https://x"}, "token": {"value": "s3cr3t", "sensitive": True}},
    }

    resources = parse.resources_from_state(state)
    assert [r.address for r in resources] == [
        "aws_subnet.private[0]",
        'module.net.aws_iam_role_policy_attachment.node["AmazonEKS_CNI_Policy"]',
    ]
    assert parse.outputs_from_state(state) == ({"endpoint": "https://x"}, {"token": "s3cr3t"})
