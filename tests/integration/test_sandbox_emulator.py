"""The sandbox's emulator is reused across runs, but not once its installation is gone (a removed
checkout or virtualenv): such a moto server still answers, yet fails every AWS service it had not
loaded, so the next run stops it and starts a working one."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.common.processes import pid_alive
from ansible_collections.agentic.k8s.plugins.module_utils.sandbox import emulator
from tests.support.terraform_sandbox import aws_client


def test_an_emulator_whose_installation_was_removed_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    checkout_bin = tmp_path / "removed-checkout" / "bin"
    checkout_bin.mkdir(parents=True)
    shutil.copy(shutil.which("moto_server"), checkout_bin / "moto_server")
    monkeypatch.setenv("PATH", f"{checkout_bin}{os.pathsep}{os.environ['PATH']}")
    home = tmp_path / "home"
    first = emulator.ensure_emulator(home)
    try:
        assert emulator.ensure_emulator(home) == first  # reused while installed
        shutil.rmtree(checkout_bin)

        second = emulator.ensure_emulator(home)

        assert second.pid != first.pid
        assert not pid_alive(first.pid)
        assert aws_client(second.endpoint, "eks").list_clusters()["clusters"] == []
    finally:
        emulator.stop_emulator(home)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
