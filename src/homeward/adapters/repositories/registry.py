"""A party's registries in SQL (``persons``, ``import_batches``, ``quarantine``,
``person_versions``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from homeward.adapters.db import inserted_id
from homeward.adapters.registry_repo import record_to_values
from homeward.adapters.tables_exchange import handovers
from homeward.adapters.tables_registry import import_batches, person_versions, persons, quarantine
from homeward.domain.errors import NotFound
from homeward.domain.person import PERSON_FIELDS, PersonRecord
from homeward.domain.values import RegistryKind, Side
from homeward.services.repositories.registry import PENDING, StoredVersion

_CHUNK = 5000  # keeps each IN list well under every database's parameter limit
_STORED = (*PERSON_FIELDS, "extra", "content_hash")


def _stored(values: Mapping[str, Any]) -> str:
    return json.dumps({k: values.get(k) for k in _STORED}, ensure_ascii=False, sort_keys=True)


def _version(r: Row[Any]) -> StoredVersion:
    return StoredVersion(
        int(r.id),
        int(r.person_id),
        None if r.batch_id is None else int(r.batch_id),
        str(r.status),
        json.loads(r.person_values),
        r.recorded_at,
        r.decided_by,
    )


class SqlRegistryRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def ids(self, party: Side, kind: RegistryKind) -> list[int]:
        query = select(persons.c.id).where(
            persons.c.party == party.value, persons.c.kind == kind.value
        )
        return sorted(self.conn.execute(query).scalars())

    def rows(self, person_ids: Sequence[int]) -> list[dict[str, Any]]:
        wanted = sorted(set(person_ids))
        out: list[dict[str, Any]] = []
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            query = select(persons).where(persons.c.id.in_(part)).order_by(persons.c.id)
            out.extend(dict(r._mapping) for r in self.conn.execute(query))
        return out

    def count(self, party: Side, kind: RegistryKind) -> int:
        query = select(func.count()).where(
            persons.c.party == party.value, persons.c.kind == kind.value
        )
        return int(self.conn.execute(query).scalar_one())

    # -- import ------------------------------------------------------------------------
    def stored_values(self, record: PersonRecord) -> dict[str, Any]:
        return record_to_values(record)

    def add_batch(
        self, party: Side, kind: RegistryKind, file_name: str, sha256: str, at: dt.datetime
    ) -> int:
        return inserted_id(
            self.conn.execute(
                insert(import_batches).values(
                    party=party.value,
                    kind=kind.value,
                    file_name=file_name,
                    file_sha256=sha256,
                    imported_at=at,
                    imported=0,
                    quarantined=0,
                    unchanged=0,
                )
            )
        )

    def finish_batch(self, batch_id: int, imported: int, quarantined: int, unchanged: int) -> None:
        self.conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch_id)
            .values(imported=imported, quarantined=quarantined, unchanged=unchanged)
        )

    def known_records(self, party: Side, kind: RegistryKind) -> dict[str, tuple[int, str]]:
        query = select(persons.c.record_id, persons.c.id, persons.c.content_hash).where(
            persons.c.party == party.value, persons.c.kind == kind.value
        )
        return {r.record_id: (int(r.id), r.content_hash) for r in self.conn.execute(query)}

    def in_tranches(self, party: Side, kind: RegistryKind) -> set[int]:
        query = (
            select(handovers.c.person_id)
            .join(persons, persons.c.id == handovers.c.person_id)
            .where(persons.c.party == party.value, persons.c.kind == kind.value)
            .distinct()
        )
        return set(self.conn.execute(query).scalars())

    def quarantined_hashes(self, party: Side, kind: RegistryKind, file_name: str) -> set[str]:
        query = select(quarantine.c.row_hash).where(
            quarantine.c.party == party.value,
            quarantine.c.kind == kind.value,
            quarantine.c.file_name == file_name,
        )
        return set(self.conn.execute(query).scalars())

    def add_persons(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(persons), list(rows))

    def quarantine(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(quarantine), list(rows))

    def quarantined(self, party: Side | None) -> list[dict[str, Any]]:
        query = select(quarantine).order_by(
            quarantine.c.file_name, quarantine.c.line, quarantine.c.id
        )
        if party is not None:
            query = query.where(quarantine.c.party == party.value)
        return [dict(r._mapping) for r in self.conn.execute(query)]

    # -- history -----------------------------------------------------------------------
    def add_version(
        self,
        person_id: int,
        batch_id: int | None,
        status: str,
        values: dict[str, Any],
        at: dt.datetime,
    ) -> None:
        self.conn.execute(
            insert(person_versions).values(
                person_id=person_id,
                batch_id=batch_id,
                status=status,
                person_values=_stored(values),
                content_hash=values["content_hash"],
                recorded_at=at,
            )
        )

    def update_person(self, person_id: int, values: dict[str, Any]) -> None:
        done = self.conn.execute(update(persons).where(persons.c.id == person_id).values(**values))
        if done.rowcount == 0:
            raise NotFound(f"no person {person_id}")

    def pending_hashes(self, person_ids: Iterable[int]) -> set[tuple[int, str]]:
        ids = sorted(set(person_ids))
        found: set[tuple[int, str]] = set()
        for start in range(0, len(ids), _CHUNK):
            query = select(person_versions.c.person_id, person_versions.c.content_hash).where(
                person_versions.c.status == PENDING,
                person_versions.c.person_id.in_(ids[start : start + _CHUNK]),
            )
            found.update((int(r.person_id), r.content_hash) for r in self.conn.execute(query))
        return found

    def pending(self, party: Side | None) -> list[StoredVersion]:
        query = (
            select(person_versions)
            .join(persons, persons.c.id == person_versions.c.person_id)
            .where(person_versions.c.status == PENDING)
            .order_by(person_versions.c.id)
        )
        if party is not None:
            query = query.where(persons.c.party == party.value)
        return [_version(r) for r in self.conn.execute(query)]

    def version(self, version_id: int) -> StoredVersion:
        row = self.conn.execute(
            select(person_versions).where(person_versions.c.id == version_id)
        ).first()
        if row is None:
            raise NotFound(f"no person version {version_id}")
        return _version(row)

    def decide(self, version_id: int, status: str, actor: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(person_versions)
            .where(person_versions.c.id == version_id)
            .values(status=status, decided_by=actor, decided_at=at)
        )

    def history(self, person_id: int) -> list[StoredVersion]:
        query = (
            select(person_versions)
            .where(person_versions.c.person_id == person_id)
            .order_by(person_versions.c.id)
        )
        return [_version(r) for r in self.conn.execute(query)]
