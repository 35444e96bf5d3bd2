"""The fake unit of work behaves as the SQL one does: nothing kept without commit()."""

from __future__ import annotations

import pytest
from tests.unit.services.fakes import FakeUnitOfWork

from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side


def test_the_fake_rolls_back_writes_and_events_unless_committed() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.registry.add_person(Side.UA, RegistryKind.SOUGHT, surname="Коваленко")
        uow.events.append("Anything", {})
    assert uow.registry.persons == {}
    assert uow.events.events == []
    assert not uow.committed


def test_the_fake_keeps_what_was_committed_and_drops_what_came_after() -> None:
    uow = FakeUnitOfWork()
    with uow:
        person = uow.registry.add_person(Side.UA, RegistryKind.SOUGHT, surname="Коваленко")
        uow.lists.add(Side.UA, ListKind.SOUGHT, Side.RU, 1, uow.clock.now(), [person])
        uow.commit()
        uow.events.append("AfterCommit", {})
    assert uow.committed
    assert uow.lists.latest(Side.UA, ListKind.SOUGHT, Side.RU) == [person]
    assert uow.events.kinds() == []


def test_an_event_that_is_not_json_is_refused_as_the_real_log_refuses_it() -> None:
    uow = FakeUnitOfWork()
    with uow, pytest.raises(ValueError, match="JSON"):
        uow.events.append("Bad", {"x": float("nan")})
