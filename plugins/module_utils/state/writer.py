"""The state recorder's writer thread: the playbook queues records and goes on; the thread
applies them in batches.

A batch is what was queued within ``batch_seconds`` of its first record (or less, when someone
waits for the answer), applied in one call, so one transaction and one commit for many records;
an execution row written twice in the same batch (started, then finished) is written once, in
its final state. A record is in the store at most ``batch_seconds`` after it was queued, and
``flush`` or ``close`` return only when everything queued before them is applied.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, TypeAlias

from .records import ExecutionRecord, Record

BATCH_SECONDS = 0.1

Apply: TypeAlias = "Callable[[list[Record]], list[Any]]"
"""Applies records in order and answers one value per record (the store, or the spool)."""
Queued: TypeAlias = "tuple[Record | None, Future | None]"


def without_superseded(records: Sequence[Record]) -> list[Record]:
    """``records`` less the execution rows that a later record of the same execution replaces
    (an upsert by ``execution_id``: the last one alone leaves the same row)."""
    last = {
        record.execution_id: index
        for index, record in enumerate(records)
        if isinstance(record, ExecutionRecord)
    }
    return [
        record
        for index, record in enumerate(records)
        if not isinstance(record, ExecutionRecord) or last[record.execution_id] == index
    ]


class BatchWriter:
    """One background thread applying queued records in batches; synchronous when not running."""

    def __init__(self, apply: Apply, batch_seconds: float = BATCH_SECONDS) -> None:
        self._apply = apply
        self._batch_seconds = batch_seconds
        self._queue: list[Queued] = []
        self._queued = threading.Condition()
        self._urgent = False
        self._closing = False
        self._prepare: Callable[[], None] | None = None
        self._thread = threading.Thread(target=self._run, name="state-writer", daemon=True)

    def start(self, prepare: Callable[[], None] | None = None) -> None:
        """Start the thread; it runs ``prepare`` (say, connecting) before the first batch."""
        self._prepare = prepare
        self._thread.start()

    def put(self, record: Record) -> None:
        """Queue ``record``: the caller never waits for the store."""
        if self._thread.is_alive():
            self._enqueue(record, None)
        else:
            self._apply([record])

    def put_and_wait(self, record: Record) -> Any:
        """Apply ``record`` after everything queued before it and return its answer."""
        if not self._thread.is_alive():
            return self._apply([record])[0]
        answer: Future = Future()
        self._enqueue(record, answer)
        return answer.result()

    def flush(self) -> None:
        """Return once everything queued so far is applied."""
        if self._thread.is_alive():
            answer: Future = Future()
            self._enqueue(None, answer)
            answer.result()

    def close(self) -> None:
        """Apply what is queued and stop the thread."""
        if self._thread.is_alive():
            with self._queued:
                self._closing = True
                self._queued.notify()
            self._thread.join()

    def _enqueue(self, record: Record | None, answer: Future | None) -> None:
        with self._queued:
            self._queue.append((record, answer))
            self._urgent = self._urgent or answer is not None
            if answer is not None or len(self._queue) == 1:
                self._queued.notify()

    def _next_batch(self) -> list[Queued]:
        """Wait for a first record, then up to ``batch_seconds`` for more unless someone waits;
        an empty batch means closed."""
        with self._queued:
            while not self._queue and not self._closing:
                self._queued.wait()
            deadline = time.monotonic() + self._batch_seconds
            while not (self._urgent or self._closing) and (left := deadline - time.monotonic()) > 0:
                self._queued.wait(left)
            batch, self._queue, self._urgent = self._queue, [], False
        return batch

    def _run(self) -> None:
        if self._prepare is not None:
            self._prepare()
        while batch := self._next_batch():
            self._apply_batch(batch)

    def _apply_batch(self, batch: list[Queued]) -> None:
        answers: dict[int, Any] = {}
        try:
            if written := without_superseded([record for record, _answer in batch if record is not None]):
                answers = dict(zip(map(id, written), self._apply(written), strict=True))
        finally:
            for record, answer in batch:
                if answer is not None:
                    answer.set_result(answers.get(id(record)))
