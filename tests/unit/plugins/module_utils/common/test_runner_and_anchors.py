"""The command runner's deadline and the one anchor function."""

from __future__ import annotations

import sys

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.anchors import markdown_anchor, runbook_url
from ansible_collections.agentic.k8s.plugins.module_utils.common.errors import (
    CommandTimeoutError,
    MissingBinaryError,
)
from ansible_collections.agentic.k8s.plugins.module_utils.common.runner import require_binary, run_command


def test_a_command_returns_its_output_and_code():
    lines: list[str] = []
    result = run_command(
        [sys.executable, "-c", "print('a'); print('b'); raise SystemExit(3)"],
        timeout_s=30,
        on_stdout_line=lines.append,
    )
    assert (result.rc, result.stdout, lines) == (3, "a\nb\n", ["a", "b"])


def test_a_command_past_its_deadline_is_interrupted_with_sigint_first():
    handler = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGINT, lambda *a: (print('released lock'), sys.exit(130)))\n"
        "time.sleep(60)"
    )
    with pytest.raises(CommandTimeoutError, match=r"did not finish within 0\.5 s") as raised:
        run_command([sys.executable, "-u", "-c", handler], timeout_s=0.5, interrupt_grace_s=10)
    assert "released lock" in raised.value.details["stdout"]


def test_a_missing_binary_says_what_needs_it():
    with pytest.raises(MissingBinaryError, match="needed to plan the cluster"):
        require_binary("no-such-binary-here", "plan the cluster")


def test_alert_runbook_urls_point_at_the_runbook_sections():
    assert markdown_anchor("Node Down!") == "node-down"
    assert (
        runbook_url("https://x/RUNBOOK.md#old", "KubeNodeNotReady") == "https://x/RUNBOOK.md#kubenodenotready"
    )
