"""Outcomes written back to the registries: each person's status moves with the exchange.

Read from the handovers themselves (one source of truth, nothing to fall out of step):
``registry_outcomes`` gives every record of a party's registry its outcome, worded for the
reader (``domain.disclosure``), and ``filter_by_outcome`` the record ids with a given one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, select

from homeward.adapters.rounds_repo import load_rounds
from homeward.adapters.tables_exchange import (
    exchange_list_items,
    exchange_lists,
    handovers,
    identity_links,
    tranches,
)
from homeward.adapters.tables_registry import persons
from homeward.domain.carry_over import CarryFlag, Clearance
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.outcomes import Outcome, PersonOutcome, holding_outcome
from homeward.domain.values import RegistryKind, Side
from homeward.services.carry_over import flags


def registry_outcomes(
    engine: Engine, party: Side, kind: RegistryKind, viewer: Side
) -> dict[int, PersonOutcome]:
    """Person id -> outcome for every record of ``party``'s ``kind`` registry."""
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(persons.c.id).where(
                    persons.c.party == party.value, persons.c.kind == kind.value
                )
            ).scalars()
        )
        number_of = {r.agreement_id: r.number for r in load_rounds(conn)}
        last: dict[int, tuple[str, str | None, int, dt.date]] = {}
        for r in conn.execute(
            select(
                handovers.c.person_id,
                handovers.c.state,
                handovers.c.exception,
                tranches.c.agreement_id,
                tranches.c.date,
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .order_by(handovers.c.id)
        ):
            last[int(r.person_id)] = (r.state, r.exception, int(r.agreement_id), r.date)
        if kind is RegistryKind.SOUGHT:
            return _sought(conn, ids, last, number_of)
        offered = set(
            conn.execute(
                select(exchange_list_items.c.person_id)
                .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
                .where(
                    exchange_lists.c.party == party.value,
                    exchange_lists.c.kind == ListKind.RELEASE_OFFER.value,
                )
            ).scalars()
        )
        flags_for_viewer = flags(conn, viewer)  # counts the clearances recorded
    out: dict[int, PersonOutcome] = {}
    for pid in ids:
        if pid not in last:
            out[pid] = holding_outcome(None, None, viewer, offered=pid in offered)
            continue
        state, exception, agreement_id, date = last[pid]
        flag = flags_for_viewer.get(pid)
        out[pid] = holding_outcome(
            HandoverState(state),
            HandoverException(exception) if exception else None,
            viewer,
            round_number=number_of.get(agreement_id),
            date=date,
            carried=flag is not None and not flag.excluded,
            next_round=_next_round(flag),
        )
    return out


def _sought(
    conn: Connection,
    ids: list[int],
    last: dict[int, tuple[str, str | None, int, dt.date]],
    number_of: dict[int, int],
) -> dict[int, PersonOutcome]:
    out = {pid: PersonOutcome(Outcome.NONE) for pid in ids}
    for r in conn.execute(
        select(identity_links.c.sought_person_id, identity_links.c.held_person_id).where(
            identity_links.c.decision == "match", identity_links.c.purpose == "holdings"
        )
    ):
        sought, held = int(r.sought_person_id), int(r.held_person_id)
        if sought not in out or held not in last:
            continue
        state, _exception, agreement_id, date = last[held]
        if state == HandoverState.RECEIVED.value:
            out[sought] = PersonOutcome(
                Outcome.RECOVERED,
                number_of.get(agreement_id),
                date,
            )
    return out


def filter_by_outcome(outcomes: dict[int, PersonOutcome], outcome: Outcome) -> list[int]:
    """Person ids whose outcome is ``outcome``, in id order."""
    return sorted(pid for pid, o in outcomes.items() if o.outcome is outcome)


def _next_round(flag: CarryFlag | None) -> str | None:
    """What the flag means for the next round, as a word the pages translate."""
    if flag is None:
        return None
    if not flag.excluded:
        return "carried"
    if flag.needs is Clearance.MEDIATOR_CONFIRMATION:
        return "needs_mediator_confirmation"
    if flag.needs is Clearance.HOLDER_STATEMENT:
        return "needs_holder_statement"
    if flag.outcome == HandoverException.DECEASED.value:
        return "remains_track"
    return "already_released"
