"""The confirmations writer: steps that arrive together are applied in one transaction,
each failing alone, every access decision kept, the log's events appended in order."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.integration.test_web_crossing import _rows, _world

from homeward.adapters.ledger_store import LedgerStore
from homeward.adapters.tables_web import access_log
from homeward.domain.handover import InvalidTransition
from homeward.domain.values import Side
from homeward.services.access import AccessDenied, Principal, Role, SqlAccessLog
from homeward.services.crossing import Desk, StepTaken
from homeward.services.crossing_writer import StepWriter, _Pending, apply_batch
from homeward.services.handover import Step
from homeward.services.ledger_events import LedgerEventSink

VERIFIER = Principal(1, "med.verifier", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)


def _ledger_size(engine: Engine) -> int:
    with engine.connect() as conn:
        return LedgerStore(conn).size()


def _decisions(engine: Engine) -> list[tuple[str, bool]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(access_log.c.resource_id, access_log.c.allowed).order_by(access_log.c.id)
        ).all()
    return [(str(r.resource_id), bool(r.allowed)) for r in rows]


def _pending(principal: Principal, handover_id: int, step: Step) -> _Pending:
    return _Pending(principal, handover_id, step, Future())


@pytest.fixture
def desk(engine: Engine, tmp_path: Path) -> Desk:
    _world(engine, tmp_path, "per_tranche_and_category", 2)
    return Desk(engine, LedgerEventSink(), SqlAccessLog(engine))


def test_a_batch_applies_good_steps_and_fails_bad_ones_alone_keeping_every_decision(
    engine: Engine, desk: Desk
) -> None:
    first, second, third = (r.id for r in _rows(engine)[:3])
    before = _ledger_size(engine)
    batch = [
        _pending(VERIFIER, first, Step.CHECK_IN),
        _pending(VERIFIER, second, Step.RELEASE),  # not checked in: the state says no
        _pending(VERIFIER, third, Step.CHECK_IN),
        _pending(VERIFIER, first, Step.RECEIVE),  # receipt is the receiving party's alone
    ]
    apply_batch(desk, batch)

    taken = batch[0].done.result()
    assert isinstance(taken, StepTaken)
    assert taken.state == "checked_in"
    assert taken.next_step is Step.CONFIRM_IDENTITY
    with pytest.raises(InvalidTransition):
        batch[1].done.result()
    assert batch[2].done.result().state == "checked_in"
    with pytest.raises(AccessDenied):
        batch[3].done.result()
    states = {r.id: r.state for r in _rows(engine)}
    assert (states[first], states[second], states[third]) == ("checked_in", "planned", "checked_in")
    assert _ledger_size(engine) == before + 2  # one event per applied step, none for failures
    assert _decisions(engine) == [
        (str(first), True),
        (str(second), True),
        (str(third), True),
        (str(first), False),
    ]


def test_steps_submitted_from_many_threads_are_each_applied_once(
    engine: Engine, desk: Desk
) -> None:
    ids = [r.id for r in _rows(engine)]
    writer = StepWriter(desk, max_batch=3)
    try:
        futures = [writer.submit(VERIFIER, i, Step.CHECK_IN) for i in ids]
        again = writer.submit(VERIFIER, ids[0], Step.CHECK_IN)  # a second check-in: refused
        answers = [f.result(timeout=60) for f in futures]
        with pytest.raises(InvalidTransition):
            again.result(timeout=60)
    finally:
        writer.close()
    assert [a.id for a in answers] == ids
    assert all(r.state == "checked_in" for r in _rows(engine))
    with engine.connect() as conn:
        allowed = conn.execute(
            select(func.count()).select_from(access_log).where(access_log.c.allowed.is_(True))
        ).scalar_one()
    assert allowed == len(ids) + 1  # the refused second check-in was allowed, then invalid
