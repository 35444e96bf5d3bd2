"""What the handover console reads besides a card: the people waiting next.

The card and every step are ``services.crossing``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.tables_exchange import handovers, tranches


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
