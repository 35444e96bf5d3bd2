"""What the handover console reads: one handover's card, the people waiting next.

The steps themselves are ``services.handover.advance``; exceptions and rebalancing are
``services.rebalance``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.tables_exchange import handovers, interview_notes, tranches
from homeward.adapters.tables_registry import persons
from homeward.domain.values import Side
from homeward.services.access import Principal


def handover_brief(engine: Engine, handover_id: int) -> dict[str, Any] | None:
    """The handover without the person: enough to check access and answer the step."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                handovers.c.from_party,
                handovers.c.category,
                handovers.c.checkin_code,
                tranches.c.day,
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.id == handover_id)
        ).first()
    return None if row is None else dict(row._mapping)


def involved_party(principal: Principal, card: dict[str, Any]) -> Side:
    """The party a reader stands for in a handover: a party is always one of the two
    sides; the mediator reads on behalf of the receiving side."""
    if principal.role.is_party:
        return Side(principal.party)
    return Side(card["from_party"]).other


def handover_card(engine: Engine, handover_id: int) -> dict[str, Any]:
    """What the console shows for one person: the handover, the person, the note's outcome
    (``NoResultFound`` if there is no such handover)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(handovers, tranches.c.day, tranches.c.crossing)
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.id == handover_id)
        ).one()
        person = conn.execute(select(persons).where(persons.c.id == row.person_id)).one()
        note = conn.execute(
            select(interview_notes.c.outcome).where(interview_notes.c.handover_id == handover_id)
        ).scalar()
    return {
        "id": row.id,
        "state": row.state,
        "exception": row.exception,
        "day": row.day,
        "crossing": row.crossing,
        "from_party": row.from_party,
        "category": row.category,
        "code": row.checkin_code,
        "person": dict(person._mapping),
        "interview": note,
    }


def next_codes(engine: Engine, limit: int = 8) -> list[dict[str, Any]]:
    """The next people waiting at the crossing (earliest day, plan order)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                handovers.c.checkin_code, handovers.c.from_party, handovers.c.state, tranches.c.day
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.state.not_in(["received", "failed", "withdrawn"]))
            .order_by(tranches.c.day, handovers.c.position, handovers.c.id)
            .limit(limit)
        ).all()
    return [dict(r._mapping) for r in rows]
