"""Confirmations at the crossing applied together: a group commit for the API's steps.

Every step appends an event to the co-signed log, and appends queue on the log's head
lock, which a transaction holds until its commit is flushed to disk. One transaction per
step therefore pays one disk flush per step while holding that lock, and a crossing is
capped at a few hundred steps a second however many desks confirm at once. The writer
(one per server process, on its own thread, as datasette writes SQLite) takes the steps
that arrived meanwhile and applies them in one transaction, each in its own savepoint so
that a step the state does not allow, or a refusal, fails alone. Every access decision is
written outside the savepoints, so it is kept whether its step was applied or not. An
answer goes out only after the commit: an answered step, and an answered decision, are
durable. Under a light load a batch is one step and nothing waits.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from homeward.services.access import (
    AccessLog,
    Action,
    Decision,
    Principal,
    Resource,
    TransactionAccessLog,
    keep_after_rollback,
    within_transaction,
)
from homeward.services.crossing import Desk, StepTaken, confirm_in
from homeward.services.handover import Step
from homeward.services.ledger_events import batched


@dataclass(frozen=True, slots=True)
class _Pending:
    principal: Principal
    handover_id: int
    step: Step
    done: Future[StepTaken]


@dataclass
class _Decisions:
    """The decisions one step took, held until they can be written outside its savepoint."""

    entries: list[tuple[Principal, Action, Resource, Decision]] = field(default_factory=list)

    def record(self, principal: Principal, action: Action, resource: Resource, d: Decision) -> None:
        self.entries.append((principal, action, resource, d))

    def flush(self) -> None:
        """Written by the writer after the step's savepoint."""


class StepWriter:
    """Applies confirmations submitted from any thread, many to a transaction."""

    def __init__(self, desk: Desk, max_batch: int = 100) -> None:
        self.desk, self.max_batch = desk, max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, principal: Principal, handover_id: int, step: Step) -> Future[StepTaken]:
        """Queue one step; the future holds its answer or its error once committed."""
        done: Future[StepTaken] = Future()
        self._queue.put(_Pending(principal, handover_id, step, done))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="homeward-step-writer", daemon=True
                )
                self._thread.start()
        return done

    def close(self) -> None:
        """Apply what is queued, then stop the thread (the app's shutdown)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            apply_batch(self.desk, batch)


def apply_batch(desk: Desk, batch: list[_Pending]) -> None:
    """Apply ``batch`` in one transaction and settle every future; never raises."""
    outcomes: list[StepTaken | Exception] = []
    log: AccessLog = desk.access_log
    taken: list[tuple[Principal, Action, Resource, Decision]] = []
    events = batched(desk.events)
    in_batch = replace(desk, events=events)
    try:
        with desk.engine.begin() as conn:
            log = within_transaction(desk.access_log, conn)
            for item in batch:
                decisions = _Decisions()
                mark = events.mark()
                outcome: StepTaken | Exception
                try:
                    with conn.begin_nested():
                        outcome = confirm_in(
                            conn, in_batch, decisions, item.principal, item.handover_id, item.step
                        )
                except Exception as exc:  # this step fails alone; the error is its answer
                    events.undo(mark)
                    outcome = exc
                taken.extend(decisions.entries)
                outcomes.append(outcome)
            if isinstance(log, TransactionAccessLog):
                log.record_many(taken)  # outside every savepoint: kept whatever the step did
            else:
                for entry in taken:
                    log.record(*entry)
            events.flush(conn)  # the log's head is locked from here to the commit
    except Exception as exc:  # the transaction itself failed: no step of it was applied
        try:
            keep_after_rollback(log)
        finally:
            for item in batch:
                item.done.set_exception(exc)
        return
    for item, outcome in zip(batch, outcomes, strict=True):
        if isinstance(outcome, Exception):
            item.done.set_exception(outcome)
        else:
            item.done.set_result(outcome)
