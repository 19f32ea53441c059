"""The recorder's writer thread: batches, one final row per execution, nothing left behind."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.state.records import (
    ExecutionRecord,
    Record,
    WorkflowUpdate,
)
from ansible_collections.agentic.k8s.plugins.module_utils.state.writer import BatchWriter, without_superseded


def execution(execution_id: str, status: str) -> ExecutionRecord:
    return ExecutionRecord(execution_id, "wf", "llm_plan", status, 1, "2026-01-01T00:00:00+00:00")


class Sink:
    """Records each batch it is given; answers the position of each record in its batch."""

    def __init__(self) -> None:
        self.batches: list[list[Record]] = []
        self.threads: set[str] = set()

    def apply(self, records: list[Record]) -> list[Any]:
        self.batches.append(list(records))
        self.threads.add(threading.current_thread().name)
        return list(range(len(records)))


def test_a_later_record_of_the_same_execution_supersedes_the_earlier_one():
    started, other, finished = (
        execution("a", "RUNNING"),
        execution("b", "RUNNING"),
        execution("a", "SUCCEEDED"),
    )
    update = WorkflowUpdate("wf", "run", status="COMPLETED")
    assert without_superseded([started, other, finished, update]) == [other, finished, update]


def test_records_queued_within_the_window_are_applied_together_on_the_writer_thread():
    sink = Sink()
    writer = BatchWriter(sink.apply, batch_seconds=60)
    writer.start()
    records = [execution("a", "RUNNING"), execution("b", "RUNNING"), execution("a", "SUCCEEDED")]
    for record in records:
        writer.put(record)
    writer.close()
    assert sink.batches == [[records[1], records[2]]]
    assert sink.threads == {"state-writer"}


def test_a_flush_returns_once_everything_queued_before_it_is_applied():
    sink = Sink()
    writer = BatchWriter(sink.apply, batch_seconds=60)
    writer.start()
    writer.put(execution("a", "RUNNING"))
    writer.flush()
    assert sink.batches == [[execution("a", "RUNNING")]]
    writer.close()


def test_a_waiting_put_gets_the_answer_of_its_own_record():
    sink = Sink()
    writer = BatchWriter(sink.apply, batch_seconds=60)
    writer.start()
    writer.put(execution("a", "RUNNING"))
    assert writer.put_and_wait(execution("b", "RUNNING")) == 1
    writer.close()


def test_a_writer_that_is_not_running_applies_at_once():
    sink = Sink()
    writer = BatchWriter(sink.apply)
    writer.put(execution("a", "RUNNING"))
    assert writer.put_and_wait(execution("b", "RUNNING")) == 0
    assert sink.batches == [[execution("a", "RUNNING")], [execution("b", "RUNNING")]]
    assert sink.threads == {threading.current_thread().name}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_failing_apply_never_leaves_a_waiter_hanging():
    def broken(records: list[Record]) -> list[Any]:
        raise RuntimeError("bug")

    writer = BatchWriter(broken, batch_seconds=60)
    writer.start()
    assert writer.put_and_wait(execution("a", "RUNNING")) is None
    writer.close()


def test_the_thread_prepares_before_its_first_batch_and_the_caller_goes_on():
    steps: list[str] = []
    prepared = threading.Event()

    def prepare() -> None:
        prepared.wait(5)
        steps.append("prepared")

    def apply(records: list[Record]) -> list[Any]:
        steps.append("applied")
        return [None] * len(records)

    writer = BatchWriter(apply, batch_seconds=0)
    writer.start(prepare)
    writer.put(execution("a", "RUNNING"))
    steps.append("queued")
    prepared.set()
    writer.close()
    assert steps == ["queued", "prepared", "applied"]
