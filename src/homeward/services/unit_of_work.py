"""The one seam between use cases and storage: a unit of work.

A use case takes a command and a ``UnitOfWork`` and runs in one transaction::

    def submit_list(command: SubmitList, uow: UnitOfWork) -> SubmittedList:
        with uow:
            version = uow.lists.next_version(...)
            ...
            uow.events.append("ListSubmitted", {...})
            uow.commit()
        return ...

Leaving the ``with`` block without ``commit()`` rolls everything back, the event included:
there is never a change without its event. A use case that builds on another calls an
internal helper taking the open ``uow`` (``_submit(uow, ...)``), never the public verb,
which would open a second transaction.

The SQL implementation is ``homeward.adapters.unit_of_work.SqlUnitOfWork``; the in-memory
fake for unit tests is ``tests/unit/services/fakes.FakeUnitOfWork``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol, Self

from homeward.services.clock import Clock
from homeward.services.repositories.agreements import AgreementRepository
from homeward.services.repositories.links import LinkRepository
from homeward.services.repositories.lists import ListRepository
from homeward.services.repositories.outcomes import OutcomeRepository
from homeward.services.repositories.registry import RegistryRepository

JSONValue = Any


class EventLog(Protocol):
    """The event log bound to the unit of work's transaction."""

    def append(self, kind: str, payload: dict[str, JSONValue]) -> int:
        """Append an event (CamelCase kind, no personal data); return its index."""
        ...

    def person_ref(self, person_id: int) -> str:
        """The hiding commitment that stands for the person in the log."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every feature's repository, the event log and the clock.

    Repositories and ``events`` may be used only inside ``with uow:``.
    """

    events: EventLog
    clock: Clock
    agreements: AgreementRepository
    links: LinkRepository
    lists: ListRepository
    outcomes: OutcomeRepository
    registry: RegistryRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back unless ``commit()`` was called."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def refresh_statistics(self, tables: Iterable[str]) -> None:
        """Ask the database to refresh its planner statistics for ``tables`` once this
        unit of work commits (after a bulk write of a thousand rows or more)."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work: one per use case."""
