"""The SQL unit of work: one transaction per use case, nothing kept without commit()."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from homeward.adapters.db import make_engine, nest_sqlite_transactions
from homeward.adapters.tables_exchange import exchange_lists
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import Side
from homeward.services.clock import FixedClock
from homeward.services.events import MemoryEventSink


def _submit_empty_list(uow: SqlUnitOfWork, *, commit: bool) -> None:
    with uow:
        version = uow.lists.next_version(Side.UA, ListKind.SOUGHT, Side.RU)
        uow.lists.add(Side.UA, ListKind.SOUGHT, Side.RU, version, uow.clock.now(), [])
        uow.events.append("ListSubmitted", {"version": version})
        if commit:
            uow.commit()


def _lists(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(exchange_lists)).scalar_one())


def test_a_unit_of_work_keeps_its_writes_only_when_committed(engine: Engine) -> None:
    sink = MemoryEventSink()
    _submit_empty_list(SqlUnitOfWork(engine, sink), commit=False)
    assert _lists(engine) == 0
    _submit_empty_list(SqlUnitOfWork(engine, sink, FixedClock()), commit=True)
    assert _lists(engine) == 1
    with engine.connect() as conn:
        stored = conn.execute(select(exchange_lists.c.submitted_at)).scalar_one()
    assert stored.replace(tzinfo=None) == FixedClock().now().replace(tzinfo=None)


def test_a_failing_use_case_leaves_nothing_behind(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, MemoryEventSink())

    def fail_half_way() -> None:
        with uow:
            uow.lists.add(Side.UA, ListKind.SOUGHT, Side.RU, 1, uow.clock.now(), [])
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_half_way()
    assert _lists(engine) == 0


def test_over_an_open_connection_each_use_case_is_a_savepoint_the_test_can_roll_back(
    engine: Engine,
) -> None:
    nesting = nest_sqlite_transactions(make_engine(engine.url.render_as_string(False)))
    with nesting.connect() as conn:
        outer = conn.begin()
        _submit_empty_list(SqlUnitOfWork(conn, MemoryEventSink()), commit=True)
        _submit_empty_list(SqlUnitOfWork(conn, MemoryEventSink()), commit=False)
        assert conn.execute(select(func.count()).select_from(exchange_lists)).scalar_one() == 1
        outer.rollback()
    nesting.dispose()
    assert _lists(engine) == 0


def test_a_unit_of_work_cannot_be_entered_twice(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine, MemoryEventSink())
    with uow, pytest.raises(RuntimeError, match="already open"):
        uow.__enter__()
