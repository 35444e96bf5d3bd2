"""The outcomes' sources in SQL: handovers, tranches, rounds, offers and matches."""

from __future__ import annotations

from sqlalchemy import Connection, select

from homeward.adapters.rounds_repo import load_rounds
from homeward.adapters.tables_exchange import (
    exchange_list_items,
    exchange_lists,
    handovers,
    identity_links,
    tranches,
)
from homeward.domain.carry_over import CarryFlag
from homeward.domain.lists import ListKind
from homeward.domain.values import Side
from homeward.services.repositories.outcomes import LastHandover


class SqlOutcomeRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def round_numbers(self) -> dict[int, int]:
        return {r.agreement_id: r.number for r in load_rounds(self.conn)}

    def last_handovers(self) -> dict[int, LastHandover]:
        query = (
            select(
                handovers.c.person_id,
                handovers.c.state,
                handovers.c.exception,
                tranches.c.agreement_id,
                tranches.c.date,
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .order_by(handovers.c.id)
        )
        return {  # later handovers overwrite earlier ones
            int(r.person_id): LastHandover(r.state, r.exception, int(r.agreement_id), r.date)
            for r in self.conn.execute(query)
        }

    def offered(self, party: Side) -> set[int]:
        query = (
            select(exchange_list_items.c.person_id)
            .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
            .where(
                exchange_lists.c.party == party.value,
                exchange_lists.c.kind == ListKind.RELEASE_OFFER.value,
            )
        )
        return set(self.conn.execute(query).scalars())

    def carry_flags(self, viewer: Side) -> dict[int, CarryFlag]:
        # Until carry_over has its own repository, its query is borrowed here.
        from homeward.services.carry_over import flags

        return flags(self.conn, viewer)

    def matches(self) -> list[tuple[int, int]]:
        query = select(identity_links.c.sought_person_id, identity_links.c.held_person_id).where(
            identity_links.c.decision == "match", identity_links.c.purpose == "holdings"
        )
        return [(int(s), int(h)) for s, h in self.conn.execute(query)]
