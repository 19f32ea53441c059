"""The recorder in its helper process: what the callback sends is recorded, a flush waits for it,
Ctrl-C does not reach it, a killed playbook loses nothing, psycopg stays out of the playbook."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.state import recorder_process
from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import RecorderSettings
from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder_process import (
    RecorderProcess,
    collections_root,
    encode,
    serve,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings, open_store

FACT = {"id": "eks-dev-helper01", "platform": "eks", "cluster_env": "dev", "inputs": {"platform": "eks"}}
SETTINGS = RecorderSettings(recorded_modules=("tf_provision",), heartbeat_seconds=0)


class TaggedText(str):
    """Like ansible-core's tagged strings: a subclass of a plain type."""


def record_one_execution(recorder: RecorderProcess) -> None:
    recorder.learn_workflow("localhost", FACT)
    recorder.execution_started("localhost", "task-1", "tf_provision", {"action": TaggedText("apply")}, False)
    recorder.execution_finished(
        "localhost",
        "task-1",
        "SUCCEEDED",
        {"outputs": {"zones": {"a", "b"}}, "logs": ["applied"]},
        no_log=False,
    )


def test_what_the_callback_sends_is_in_the_store_once_flushed(agentic_home: Path):
    warnings: list[str] = []
    recorder = RecorderProcess(SETTINGS, agentic_home, warnings.append)
    assert os.getpgid(recorder._process.pid) != os.getpgid(0)  # out of reach of Ctrl-C
    record_one_execution(recorder)
    recorder.flush()
    store = open_store(StoreSettings(), agentic_home)
    [running] = store.list_workflows()
    assert running["status"] == "RUNNING"
    [execution] = running["executions"]
    assert execution["input_data"] == {"action": "apply"}
    assert execution["output_data"] == {"outputs": {"zones": ["a", "b"]}}
    recorder.finish([])
    recorder.close()
    assert store.list_workflows()[0]["status"] == "COMPLETED"
    assert warnings == []


def test_a_host_that_failed_before_init_gets_the_derived_workflow(agentic_home: Path):
    recorder = RecorderProcess(SETTINGS, agentic_home, print)
    recorder.host_failed("localhost", "Check the inputs", "platform: 'x' is not valid", derive=lambda: FACT)
    recorder.host_failed("localhost", "Again", "second", derive=lambda: {**FACT, "id": "eks-dev-other001"})
    recorder.finish(["localhost"])
    recorder.close()
    [workflow] = open_store(StoreSettings(), agentic_home).list_workflows()
    assert (workflow["workflow_id"], workflow["status"]) == ("eks-dev-helper01", "FAILED")  # one workflow
    assert [error["task"] for error in workflow["errors"]] == ["Check the inputs", "Again"]


def test_a_killed_playbook_loses_nothing_it_sent(agentic_home: Path):
    script = (
        "import os, signal, sys; from pathlib import Path\n"
        "from tests.unit.plugins.module_utils.state import test_recorder_process as test\n"
        "recorder = test.RecorderProcess(test.SETTINGS, Path(sys.argv[1]), print)\n"
        "test.record_one_execution(recorder)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(collections_root()), os.getcwd()])}
    killed = subprocess.run([sys.executable, "-c", script, str(agentic_home)], env=env, check=False)
    assert killed.returncode == -signal.SIGKILL
    store = open_store(StoreSettings(), agentic_home)
    deadline = time.monotonic() + 20
    while not (workflows := store.list_workflows()) or not workflows[0]["executions"]:
        assert time.monotonic() < deadline, "the helper did not write what it was sent"
        time.sleep(0.1)
    [execution] = workflows[0]["executions"]
    assert (workflows[0]["status"], execution["status"]) == ("RUNNING", "SUCCEEDED")


def test_a_recorder_process_that_died_is_reported_once_and_breaks_nothing(agentic_home: Path):
    warnings: list[str] = []
    recorder = RecorderProcess(SETTINGS, agentic_home, warnings.append)
    recorder._process.kill()
    recorder._process.wait()
    record_one_execution(recorder)
    recorder.flush()
    recorder.finish([])
    recorder.close()
    assert len(warnings) == 1
    assert "the recorder process stopped" in warnings[0]


class TricklingPipe(io.BytesIO):
    """A pipe that hands over five bytes per read, cutting the calls anywhere."""

    def read1(self, size: int = -1) -> bytes:
        return super().read1(5)


@pytest.mark.parametrize("sigtimedwait", [True, False], ids=["linux", "no-sigtimedwait"])
def test_calls_cut_across_reads_are_applied_whole_and_a_call_cut_by_death_is_dropped(
    agentic_home: Path, monkeypatch: pytest.MonkeyPatch, sigtimedwait: bool
):
    monkeypatch.setattr(recorder_process, "READ_PAUSE_SECONDS", 0)
    if not sigtimedwait:
        monkeypatch.delattr(signal, "sigtimedwait")
    calls = [
        ["start", asdict(SETTINGS), str(agentic_home), "controller", os.getpid()],
        ["learn_workflow", "localhost", FACT],
        ["execution_started", "localhost", "task-1", "tf_provision", {"action": "apply"}, False],
        ["execution_finished", "localhost", "task-1", "SUCCEEDED", {"outputs": {}}, False, False],
        ["flush", 1],
    ]
    cut_short = encode(["finish", []])[:-4]
    answers = io.BytesIO()
    serve(TricklingPipe(b"".join(map(encode, calls)) + cut_short), answers)
    assert answers.getvalue() == encode(["flushed", 1])
    [workflow] = open_store(StoreSettings(), agentic_home).list_workflows()
    [execution] = workflow["executions"]
    assert (workflow["status"], execution["status"]) == ("RUNNING", "SUCCEEDED")
    assert execution["input_data"] == {"action": "apply"}


def test_values_json_has_no_type_for_are_sent_as_lists_or_text():
    assert encode(["x", {1: {"b", "a"}, "at": Path("/p")}]) == b'["x",{"1":["a","b"],"at":"/p"}]\n'
    assert encode(["x", {(1, 2): "tuple key"}]) == b'["x",{"(1, 2)":"tuple key"}]\n'


def test_psycopg_is_never_loaded_by_the_playbook(postgres_dsn: str, agentic_home: Path):
    script = (
        "import sys; from pathlib import Path\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.recorder import RecorderSettings\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state import recorder_process\n"
        "from ansible_collections.agentic.k8s.plugins.module_utils.state.store import StoreSettings\n"
        "settings = RecorderSettings(store=StoreSettings(backend='postgres', dsn=sys.argv[2]))\n"
        "recorder = recorder_process.RecorderProcess(settings, Path(sys.argv[1]), print)\n"
        "recorder.learn_workflow('localhost', {'id': 'eks-dev-pg000001'}); recorder.flush()\n"
        "recorder.finish([]); recorder.close()\n"
        "print(sorted(name for name in sys.modules if name.startswith('psycopg')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(collections_root())}
    run = subprocess.run(
        [sys.executable, "-c", script, str(agentic_home), postgres_dsn],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert run.stdout.strip() == "[]"
    [workflow] = open_store(
        StoreSettings(backend="postgres", dsn=postgres_dsn), agentic_home
    ).list_workflows()
    assert workflow["status"] == "COMPLETED"
