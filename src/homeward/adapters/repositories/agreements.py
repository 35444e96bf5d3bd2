"""Agreements and their signatures in SQL (``agreements``, ``agreement_signatures``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from homeward.adapters.db import inserted_id
from homeward.adapters.tables_exchange import agreement_signatures, agreements
from homeward.domain.errors import NotFound
from homeward.domain.values import Side


class SqlAgreementRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, name: str, terms: str, created_at: dt.datetime) -> int:
        return inserted_id(
            self.conn.execute(
                insert(agreements).values(name=name, terms=terms, created_at=created_at)
            )
        )

    def terms(self, agreement_id: int) -> str:
        found = self.conn.execute(
            select(agreements.c.terms).where(agreements.c.id == agreement_id)
        ).scalar()
        if found is None:
            raise NotFound(f"no agreement {agreement_id}")
        return str(found)

    def signed_by(self, agreement_id: int) -> set[Side]:
        query = select(agreement_signatures.c.party).where(
            agreement_signatures.c.agreement_id == agreement_id
        )
        return {Side(p) for p in self.conn.execute(query).scalars()}

    def sign(
        self, agreement_id: int, party: Side, signed_at: dt.datetime, note: str | None
    ) -> None:
        self.conn.execute(
            insert(agreement_signatures).values(
                agreement_id=agreement_id, party=party.value, signed_at=signed_at, note=note
            )
        )
