"""Submitted lists in SQL (``exchange_lists``, ``exchange_list_items``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, insert, select

from homeward.adapters import list_snapshots
from homeward.adapters.db import inserted_id
from homeward.adapters.tables_exchange import exchange_list_items, exchange_lists
from homeward.domain.lists import ListKind
from homeward.domain.values import Side
from homeward.services.repositories.lists import ListVersion


class SqlListRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def next_version(self, party: Side, kind: ListKind, recipient: Side) -> int:
        newest = select(func.coalesce(func.max(exchange_lists.c.version), 0)).where(
            exchange_lists.c.party == party.value,
            exchange_lists.c.kind == kind.value,
            exchange_lists.c.recipient == recipient.value,
        )
        return 1 + int(self.conn.execute(newest).scalar_one())

    def add(
        self,
        party: Side,
        kind: ListKind,
        recipient: Side,
        version: int,
        submitted_at: dt.datetime,
        person_ids: Sequence[int],
    ) -> int:
        list_id = inserted_id(
            self.conn.execute(
                insert(exchange_lists).values(
                    party=party.value,
                    kind=kind.value,
                    version=version,
                    recipient=recipient.value,
                    submitted_at=submitted_at,
                    size=len(person_ids),
                )
            )
        )
        if person_ids:
            snapshots = list_snapshots.snapshot_rows(self.conn, person_ids)
            self.conn.execute(
                insert(exchange_list_items),
                [{"list_id": list_id, "person_id": i, "record": snapshots[i]} for i in person_ids],
            )
        return list_id

    def latest(self, party: Side, kind: ListKind, recipient: Side) -> list[int]:
        newest = (
            select(exchange_lists.c.id)
            .where(
                exchange_lists.c.party == party.value,
                exchange_lists.c.kind == kind.value,
                exchange_lists.c.recipient == recipient.value,
            )
            .order_by(exchange_lists.c.version.desc())
            .limit(1)
        )
        list_id = self.conn.execute(newest).scalar()
        if list_id is None:
            return []
        query = select(exchange_list_items.c.person_id).where(
            exchange_list_items.c.list_id == list_id
        )
        return sorted(self.conn.execute(query).scalars())

    def items(self, party: Side, kind: ListKind, recipient: Side, version: int) -> list[int]:
        query = (
            select(exchange_list_items.c.person_id)
            .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
            .where(
                exchange_lists.c.party == party.value,
                exchange_lists.c.kind == kind.value,
                exchange_lists.c.recipient == recipient.value,
                exchange_lists.c.version == version,
            )
        )
        return sorted(self.conn.execute(query).scalars())

    def versions(self, parties: Sequence[Side]) -> list[ListVersion]:
        query = (
            select(exchange_lists)  # the size is stored with the list: no count of its items
            .where(exchange_lists.c.party.in_([p.value for p in parties]))
            .order_by(
                exchange_lists.c.party,
                exchange_lists.c.kind,
                exchange_lists.c.recipient,
                exchange_lists.c.version.desc(),
            )
        )
        return [
            ListVersion(r.party, r.kind, r.recipient, r.version, int(r.size), r.submitted_at)
            for r in self.conn.execute(query)
        ]

    def submitted_rows(
        self, party: Side, kind: ListKind, recipient: Side, version: int | None = None
    ) -> list[dict[str, Any]]:
        return list_snapshots.submitted_rows(self.conn, party, kind, recipient, version)

    def shared_rows(self, person_ids: Iterable[int], recipient: Side) -> dict[int, dict[str, Any]]:
        return list_snapshots.shared_rows(self.conn, person_ids, recipient)

    def already_released(self, person_ids: Sequence[int]) -> list[str]:
        # Until carry_over has its own repository, its query is borrowed here.
        from homeward.services.carry_over import release_problems

        return release_problems(self.conn, person_ids)
