"""A person's record keeps its history; a change to someone in a tranche waits for the mediator.

A party re-importing a record id could otherwise rewrite a person already handed over, and
cards and manifests would show the new name with no trace of the old. So an import that
changes a person first keeps the version it replaces ("superseded"), and a change to a
person who is already in a tranche is not applied at all: it is held ("pending") until the
mediator acknowledges it (then applied, the replaced version kept) or refuses it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from homeward.adapters.tables_exchange import handovers
from homeward.adapters.tables_registry import person_versions, persons
from homeward.domain.collation import person_sort_key
from homeward.domain.person import PERSON_FIELDS
from homeward.domain.values import Side

SUPERSEDED = "superseded"
PENDING = "pending"
ACKNOWLEDGED = "acknowledged"
REFUSED = "refused"
_STORED = (*PERSON_FIELDS, "extra", "content_hash")


class UnknownChange(LookupError):
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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stored(values: Mapping[str, Any]) -> str:
    return json.dumps({k: values.get(k) for k in _STORED}, ensure_ascii=False, sort_keys=True)


def people_in_tranches(conn: Connection, party: str, kind: str) -> set[int]:
    """Ids of this registry's people already in a tranche (any handover state)."""
    query = (
        select(handovers.c.person_id)
        .join(persons, persons.c.id == handovers.c.person_id)
        .where(persons.c.party == party, persons.c.kind == kind)
        .distinct()
    )
    return set(conn.execute(query).scalars())


def pending_hashes(conn: Connection, person_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(person id, content hash) of the changes already held, so a re-import adds none."""
    ids = list(person_ids)
    if not ids:
        return set()
    query = select(person_versions.c.person_id, person_versions.c.content_hash).where(
        person_versions.c.status == PENDING, person_versions.c.person_id.in_(ids)
    )
    return {(r.person_id, r.content_hash) for r in conn.execute(query)}


def hold_change(conn: Connection, person_id: int, values: Mapping[str, Any], batch_id: int) -> None:
    """Keep a change to a person in a tranche for the mediator instead of applying it."""
    conn.execute(
        insert(person_versions).values(
            person_id=person_id,
            batch_id=batch_id,
            status=PENDING,
            person_values=_stored(values),
            content_hash=values["content_hash"],
            recorded_at=_now(),
        )
    )


def replace_person(
    conn: Connection, person_id: int, values: Mapping[str, Any], batch_id: int | None
) -> None:
    """Apply new values to a person, keeping the version they replace."""
    current = conn.execute(select(persons).where(persons.c.id == person_id)).one()._mapping
    conn.execute(
        insert(person_versions).values(
            person_id=person_id,
            batch_id=current["batch_id"],
            status=SUPERSEDED,
            person_values=_stored(dict(current)),
            content_hash=current["content_hash"],
            recorded_at=_now(),
        )
    )
    new = dict(values)
    if batch_id is not None:
        new["batch_id"] = batch_id
    conn.execute(update(persons).where(persons.c.id == person_id).values(**new))


def pending_changes(engine: Engine, party: Side | None = None) -> list[PendingChange]:
    """Every change held for the mediator, oldest first, with what it would change."""
    query = (
        select(person_versions, persons.c.party, persons.c.kind, *[persons.c[f] for f in _STORED])
        .join(persons, persons.c.id == person_versions.c.person_id)
        .where(person_versions.c.status == PENDING)
        .order_by(person_versions.c.id)
    )
    if party is not None:
        query = query.where(persons.c.party == party.value)
    found: list[PendingChange] = []
    with engine.connect() as conn:
        for row in conn.execute(query):
            m = row._mapping
            new = json.loads(m["person_values"])
            changes = {
                f: (m[persons.c[f]], new.get(f))
                for f in (*PERSON_FIELDS, "extra")
                if (m[persons.c[f]] or None) != (new.get(f) or None)
            }
            found.append(
                PendingChange(
                    m[person_versions.c.id],
                    m["person_id"],
                    m["party"],
                    m["kind"],
                    m[persons.c.record_id],
                    m["recorded_at"],
                    changes,
                )
            )
    return found


def decide_change(engine: Engine, change_id: int, actor: str, *, acknowledge: bool) -> None:
    """The mediator acknowledges (applies) or refuses a held change, by name and time."""
    with engine.begin() as conn:
        change = conn.execute(
            select(person_versions).where(
                person_versions.c.id == change_id, person_versions.c.status == PENDING
            )
        ).first()
        if change is None:
            raise UnknownChange(f"no pending change {change_id}")
        if acknowledge:
            values: dict[str, Any] = json.loads(change.person_values)
            values["sort_key"] = person_sort_key(
                values["surname"], values["given_name"], values.get("patronymic")
            )
            replace_person(conn, change.person_id, values, change.batch_id)
        conn.execute(
            update(person_versions)
            .where(person_versions.c.id == change_id)
            .values(
                status=ACKNOWLEDGED if acknowledge else REFUSED,
                decided_by=actor,
                decided_at=_now(),
            )
        )


def person_history(engine: Engine, person_id: int) -> list[PersonVersion]:
    """Every earlier, held or refused version of a person, oldest first."""
    query = (
        select(person_versions)
        .where(person_versions.c.person_id == person_id)
        .order_by(person_versions.c.id)
    )
    with engine.connect() as conn:
        return [
            PersonVersion(r.id, r.status, json.loads(r.person_values), r.recorded_at, r.decided_by)
            for r in conn.execute(query)
        ]
