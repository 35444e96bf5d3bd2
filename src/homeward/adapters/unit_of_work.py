"""The SQL unit of work: one connection and one transaction per use case.

Built over an ``Engine`` (the workspace), it opens a connection and a transaction on
``with uow:`` and commits or rolls back on leaving. Built over an open ``Connection`` (a
test that runs inside a transaction it rolls back at the end, as pypi/warehouse does), each
use case runs in a SAVEPOINT instead, so nothing outlives the test.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Connection, Engine, NestedTransaction, RootTransaction

from homeward.adapters.db import refresh_statistics
from homeward.adapters.repositories.agreements import SqlAgreementRepository
from homeward.adapters.repositories.links import SqlLinkRepository
from homeward.adapters.repositories.lists import SqlListRepository
from homeward.adapters.repositories.outcomes import SqlOutcomeRepository
from homeward.adapters.repositories.registry import SqlRegistryRepository
from homeward.services.clock import Clock, SystemClock
from homeward.services.events import EventSink
from homeward.services.repositories.agreements import AgreementRepository
from homeward.services.repositories.links import LinkRepository
from homeward.services.repositories.lists import ListRepository
from homeward.services.repositories.outcomes import OutcomeRepository
from homeward.services.repositories.registry import RegistryRepository
from homeward.services.unit_of_work import EventLog, UnitOfWorkFactory


class BoundEventLog:
    """An ``EventSink`` bound to the unit of work's connection."""

    def __init__(self, sink: EventSink, conn: Connection) -> None:
        self.sink, self.conn = sink, conn

    def append(self, kind: str, payload: dict[str, Any]) -> int:
        return self.sink.append(self.conn, kind, payload)

    def person_ref(self, person_id: int) -> str:
        return self.sink.person_ref(self.conn, person_id)


class _NoEvents:
    """The sink of a unit of work made only to read: appending is a mistake."""

    def append(self, conn: Connection, kind: str, payload: dict[str, Any]) -> int:  # noqa: ARG002
        raise RuntimeError(f"{kind}: this unit of work was made without an event sink")

    def person_ref(self, conn: Connection, person_id: int) -> str:  # noqa: ARG002
        raise RuntimeError(f"person {person_id}: this unit of work has no event sink")


class SqlUnitOfWork:
    """``sink`` may be left out by callers that only read."""

    events: EventLog
    agreements: AgreementRepository
    links: LinkRepository
    lists: ListRepository
    outcomes: OutcomeRepository
    registry: RegistryRepository

    def __init__(
        self, bind: Engine | Connection, sink: EventSink | None = None, clock: Clock | None = None
    ) -> None:
        self.bind = bind
        self.sink: EventSink = sink if sink is not None else _NoEvents()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._conn: Connection | None = None
        self._tx: RootTransaction | NestedTransaction | None = None
        self._analyze: set[str] = set()

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("this unit of work is already open: make one per use case")
        if isinstance(self.bind, Engine):
            conn = self.bind.connect()
            self._tx = conn.begin()
        else:
            conn = self.bind
            self._tx = conn.begin_nested()
        self._conn = conn
        self._analyze = set()
        self.events = BoundEventLog(self.sink, conn)
        self.agreements = SqlAgreementRepository(conn)
        self.links = SqlLinkRepository(conn)
        self.lists = SqlListRepository(conn)
        self.outcomes = SqlOutcomeRepository(conn)
        self.registry = SqlRegistryRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            if isinstance(self.bind, Engine) and self._conn is not None:
                self._conn.close()
            self._conn, self._tx = None, None

    @property
    def connection(self) -> Connection:
        """The open connection, for adapters not yet behind a repository."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open (use `with uow:`)")
        return self._conn

    def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("the unit of work is not open (use `with uow:`)")
        self._tx.commit()
        if self._analyze:
            target: Engine | Connection = self.bind
            refresh_statistics(target, self._analyze)
            self._analyze = set()

    def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()

    def refresh_statistics(self, tables: Iterable[str]) -> None:
        self._analyze.update(tables)


def sql_unit_of_work(
    bind: Engine | Connection, sink: EventSink, clock: Clock | None = None
) -> UnitOfWorkFactory:
    """A factory of SQL units of work over ``bind``, all sharing ``sink`` and ``clock``."""
    return lambda: SqlUnitOfWork(bind, sink, clock)
