"""Reading rounds back: agreements, their signatures, tranches and handover states.

Three small queries whatever the number of people: handover states are counted per
tranche and state, not read row by row.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, func, select

from homeward.adapters.tables_exchange import agreement_signatures, agreements, handovers, tranches
from homeward.domain.rounds import Round, TrancheState, number_rounds


def load_rounds(conn: Connection) -> list[Round]:
    """Every round in the workspace, numbered in the order it was proposed."""
    names = [
        (int(r.id), str(r.name)) for r in conn.execute(select(agreements.c.id, agreements.c.name))
    ]
    signatures: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(
        select(agreement_signatures.c.agreement_id, agreement_signatures.c.party)
    ):
        signatures[int(r.agreement_id)].add(str(r.party))
    states: dict[int, list[str]] = defaultdict(list)
    for tranche_id, state, n in conn.execute(
        select(handovers.c.tranche_id, handovers.c.state, func.count()).group_by(
            handovers.c.tranche_id, handovers.c.state
        )
    ):
        states[int(tranche_id)].extend([str(state)] * int(n))
    by_agreement: dict[int, list[TrancheState]] = defaultdict(list)
    for t in conn.execute(
        select(tranches.c.id, tranches.c.agreement_id, tranches.c.day, tranches.c.date)
    ):
        by_agreement[int(t.agreement_id)].append(
            TrancheState(int(t.id), int(t.day), t.date, tuple(states.get(int(t.id), [])))
        )
    return number_rounds(names, signatures, by_agreement)
