"""Use cases of services.person_history on the fake unit of work."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.services.fakes import FakeUnitOfWork, synthetic_names

from homeward.domain.values import RegistryKind, Side
from homeward.services.person_history import (
    DecideChange,
    UnknownChange,
    decide_change,
    hold_change,
    pending_changes,
    person_history,
)

(SURNAME, GIVEN), (_, OTHER_GIVEN) = synthetic_names(2, seed=7)


def _held(uow: FakeUnitOfWork) -> tuple[int, int]:
    """A person in RU's holdings with one change to the given name held for the mediator."""
    with uow:
        person = uow.registry.add_person(
            Side.RU,
            RegistryKind.HOLDINGS,
            record_id="H-1",
            surname=SURNAME,
            given_name=GIVEN,
            batch_id=1,
        )
        new = {**uow.registry.persons[person], "given_name": OTHER_GIVEN, "content_hash": "new"}
        hold_change(uow, person, new, batch_id=2)
        uow.commit()
    [change] = uow.registry.pending(None)
    return person, change.id


def test_a_held_change_says_which_field_would_change_from_what_to_what() -> None:
    uow = FakeUnitOfWork()
    person, change_id = _held(uow)
    [change] = pending_changes(None, uow)
    assert (change.id, change.person_id, change.party, change.record_id) == (
        change_id,
        person,
        "RU",
        "H-1",
    )
    assert change.changes == {"given_name": (GIVEN, OTHER_GIVEN)}
    assert pending_changes(Side.UA, uow) == []


def test_an_acknowledged_change_is_applied_and_the_old_version_kept() -> None:
    uow = FakeUnitOfWork()
    person, change_id = _held(uow)
    uow.clock.advance(dt.timedelta(hours=2))
    decide_change(DecideChange(change_id, "med.officer", acknowledge=True), uow)
    assert uow.registry.persons[person]["given_name"] == OTHER_GIVEN
    assert uow.registry.persons[person]["batch_id"] == 2
    assert [
        (v.status, v.values["given_name"], v.decided_by) for v in person_history(person, uow)
    ] == [
        ("acknowledged", OTHER_GIVEN, "med.officer"),
        ("superseded", GIVEN, None),
    ]
    assert pending_changes(None, uow) == []


def test_a_refused_change_leaves_the_person_as_they_were() -> None:
    uow = FakeUnitOfWork()
    person, change_id = _held(uow)
    decide_change(DecideChange(change_id, "med.officer", acknowledge=False), uow)
    assert uow.registry.persons[person]["given_name"] == GIVEN
    assert [v.status for v in person_history(person, uow)] == ["refused"]


def test_a_change_cannot_be_decided_twice_or_when_unknown() -> None:
    uow = FakeUnitOfWork()
    _, change_id = _held(uow)
    decide_change(DecideChange(change_id, "med.officer", acknowledge=False), uow)
    with pytest.raises(UnknownChange, match=f"no pending change {change_id}"):
        decide_change(DecideChange(change_id, "med.officer", acknowledge=True), uow)
    with pytest.raises(UnknownChange, match="no pending change 99"):
        decide_change(DecideChange(99, "med.officer", acknowledge=True), uow)
