"""A party's registries in SQL (``persons``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from homeward.adapters.tables_registry import persons
from homeward.domain.values import RegistryKind, Side

_CHUNK = 5000  # keeps each IN list well under every database's parameter limit


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
