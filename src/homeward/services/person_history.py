"""A person's record keeps its history; a change to someone in a tranche waits for the mediator.

A party re-importing a record id could otherwise rewrite a person already handed over, and
cards and manifests would show the new name with no trace of the old. So an import that
changes a person first keeps the version it replaces ("superseded"), and a change to a
person who is already in a tranche is not applied at all: it is held ("pending") until the
mediator acknowledges it (then applied, the replaced version kept) or refuses it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeward.domain.collation import person_sort_key
from homeward.domain.errors import NotFound
from homeward.domain.person import PERSON_FIELDS
from homeward.domain.values import Side
from homeward.services.repositories.registry import (
    ACKNOWLEDGED,
    PENDING,
    REFUSED,
    SUPERSEDED,
)
from homeward.services.unit_of_work import UnitOfWork

__all__ = [
    "ACKNOWLEDGED",
    "PENDING",
    "REFUSED",
    "SUPERSEDED",
    "DecideChange",
    "PendingChange",
    "PersonVersion",
    "UnknownChange",
    "decide_change",
    "hold_change",
    "pending_changes",
    "person_history",
    "replace_person",
]


class UnknownChange(NotFound):
    """No pending change with this id."""


@dataclass(frozen=True, slots=True)
class PendingChange:
    """A change held for the mediator: who, and each field from its value to the new one."""

    id: int
    person_id: int
    party: str
    kind: str
    record_id: str
    recorded_at: dt.datetime
    changes: dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True, slots=True)
class PersonVersion:
    id: int
    status: str
    values: dict[str, Any]
    recorded_at: dt.datetime
    decided_by: str | None


def hold_change(uow: UnitOfWork, person_id: int, values: Mapping[str, Any], batch_id: int) -> None:
    """Keep a change to a person in a tranche for the mediator instead of applying it
    (inside the open unit of work of an import)."""
    uow.registry.add_version(person_id, batch_id, PENDING, dict(values), uow.clock.now())


def replace_person(
    uow: UnitOfWork, person_id: int, values: Mapping[str, Any], batch_id: int | None
) -> None:
    """Apply new values to a person, keeping the version they replace (inside an open unit
    of work)."""
    found = uow.registry.rows([person_id])
    if not found:
        raise NotFound(f"no person {person_id}")
    current = found[0]
    uow.registry.add_version(person_id, current["batch_id"], SUPERSEDED, current, uow.clock.now())
    new = dict(values)
    if batch_id is not None:
        new["batch_id"] = batch_id
    uow.registry.update_person(person_id, new)


def pending_changes(party: Side | None, uow: UnitOfWork) -> list[PendingChange]:
    """Every change held for the mediator, oldest first, with what it would change."""
    with uow:
        held = uow.registry.pending(party)
        current = {r["id"]: r for r in uow.registry.rows([v.person_id for v in held])}
    found: list[PendingChange] = []
    for version in held:
        row, new = current[version.person_id], version.values
        changes = {
            f: (row[f], new.get(f))
            for f in (*PERSON_FIELDS, "extra")
            if (row[f] or None) != (new.get(f) or None)
        }
        found.append(
            PendingChange(
                version.id,
                version.person_id,
                row["party"],
                row["kind"],
                row["record_id"],
                version.recorded_at,
                changes,
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class DecideChange:
    """The mediator (``actor``) acknowledges (applies) or refuses a held change."""

    change_id: int
    actor: str
    acknowledge: bool


def decide_change(command: DecideChange, uow: UnitOfWork) -> None:
    """Apply or refuse a held change, by name and time; ``UnknownChange`` if no change with
    this id is pending."""
    with uow:
        try:
            change = uow.registry.version(command.change_id)
        except NotFound:
            raise UnknownChange(f"no pending change {command.change_id}") from None
        if change.status != PENDING:
            raise UnknownChange(f"no pending change {command.change_id}")
        if command.acknowledge:
            values = dict(change.values)
            values["sort_key"] = person_sort_key(
                values["surname"], values["given_name"], values.get("patronymic")
            )
            replace_person(uow, change.person_id, values, change.batch_id)
        status = ACKNOWLEDGED if command.acknowledge else REFUSED
        uow.registry.decide(command.change_id, status, command.actor, uow.clock.now())
        uow.commit()


def person_history(person_id: int, uow: UnitOfWork) -> list[PersonVersion]:
    """Every earlier, held or refused version of a person, oldest first."""
    with uow:
        return [
            PersonVersion(v.id, v.status, v.values, v.recorded_at, v.decided_by)
            for v in uow.registry.history(person_id)
        ]
