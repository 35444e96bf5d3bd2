"""Carry-over between rounds: what is still owed, who is flagged, who is kept out.

``flags`` reads each person's last handover and says how it bears on the next round
(``domain.carry_over``); ``exclusion_problems`` and ``release_problems`` name the people a
plan or a release offer may not include, so the caller can refuse it whole (nothing
half-saved); ``still_owed`` is where preparing the next round starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, select

from homeward.adapters.tables_exchange import handovers, identity_links, releases, tranches
from homeward.adapters.tables_registry import persons
from homeward.domain.carry_over import CarryFlag, PastOutcome, carry_flag
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Side
from homeward.services.exchange import latest_list

MAX_NAMED = 5


def past_outcomes(conn: Connection) -> dict[int, PastOutcome]:
    """Each person's last handover (the newest one), with its round number."""
    from homeward.adapters.rounds_repo import load_rounds

    number_of = {r.agreement_id: r.number for r in load_rounds(conn)}
    rows = conn.execute(
        select(
            handovers.c.id,
            handovers.c.person_id,
            handovers.c.state,
            handovers.c.exception,
            tranches.c.agreement_id,
        )
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .order_by(handovers.c.id)
    ).all()
    out: dict[int, PastOutcome] = {}
    for r in rows:
        out[int(r.person_id)] = PastOutcome(
            int(r.person_id),
            number_of.get(int(r.agreement_id), 0),
            HandoverState(r.state),
            HandoverException(r.exception) if r.exception else None,
        )
    # A release stands whatever came after it (a later failed handover cannot undo it).
    for person_id in conn.execute(select(releases.c.person_id)).scalars():
        past = out.get(int(person_id))
        if past is not None and past.state not in (HandoverState.RELEASED, HandoverState.RECEIVED):
            out[int(person_id)] = PastOutcome(
                int(person_id), past.round_number, HandoverState.RELEASED, None
            )
    return out


def flags(conn: Connection, viewer: Side) -> dict[int, CarryFlag]:
    """Every person an earlier round left a flag on, worded for ``viewer``."""
    out: dict[int, CarryFlag] = {}
    for person_id, past in past_outcomes(conn).items():
        flag = carry_flag(past, viewer)
        if flag is not None:
            out[person_id] = flag
    return out


def excluded_ids(conn: Connection) -> set[int]:
    """People the next round may not plan (released, deceased, awaiting a statement)."""
    return {pid for pid, f in flags(conn, Side.MEDIATOR).items() if f.excluded}


def _names(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    rows = conn.execute(
        select(persons.c.id, persons.c.record_id, persons.c.surname, persons.c.given_name).where(
            persons.c.id.in_(sorted(set(ids)))
        )
    )
    return {int(r.id): f"{r.surname} {r.given_name} ({r.record_id})" for r in rows}


def _problems(conn: Connection, bad: dict[int, str]) -> list[str]:
    names = _names(conn, list(bad)[:MAX_NAMED])
    lines = [
        f"{names.get(pid, f'person {pid}')}: {why}" for pid, why in list(bad.items())[:MAX_NAMED]
    ]
    if len(bad) > MAX_NAMED:
        lines.append(f"and {len(bad) - MAX_NAMED} more")
    return lines


def exclusion_problems(conn: Connection, person_ids: Iterable[int], viewer: Side) -> list[str]:
    """One line per person (the first few, named) whom a new plan may not include."""
    found = flags(conn, viewer)
    bad = {
        pid: found[pid].why
        for pid in sorted(set(person_ids))
        if pid in found and found[pid].excluded
    }
    return _problems(conn, bad)


def release_problems(conn: Connection, person_ids: Iterable[int]) -> list[str]:
    """One line per person (the first few, named) already released in an earlier exchange."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return []
    released = set(
        conn.execute(select(releases.c.person_id).where(releases.c.person_id.in_(wanted))).scalars()
    )
    past = past_outcomes(conn)
    bad = {
        pid: f"already released in an earlier exchange (round {past[pid].round_number})"
        if pid in past
        else "already released in an earlier exchange"
        for pid in wanted
        if pid in released
    }
    return _problems(conn, bad)


def still_owed(engine: Engine, viewer: Side) -> dict[str, dict[str, Any]]:
    """Per party: its sought records not yet recovered, and the other side's acknowledged
    holdings not yet released, with the flags earlier rounds left (worded for ``viewer``)."""
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        found = flags(conn, viewer)
        released = set(conn.execute(select(releases.c.person_id)).scalars())
        received = set(
            conn.execute(
                select(handovers.c.person_id).where(
                    handovers.c.state == HandoverState.RECEIVED.value
                )
            ).scalars()
        )
        for side in BELLIGERENTS:
            sought = set(
                conn.execute(
                    select(persons.c.id).where(
                        persons.c.party == side.value, persons.c.kind == "sought"
                    )
                ).scalars()
            )
            links = conn.execute(
                select(identity_links.c.sought_person_id, identity_links.c.held_person_id)
                .join(persons, persons.c.id == identity_links.c.sought_person_id)
                .where(
                    identity_links.c.decision == "match",
                    identity_links.c.purpose == "holdings",
                    persons.c.party == side.value,
                )
            )
            recovered = {
                int(r.sought_person_id) for r in links if int(r.held_person_id) in received
            }
            held = set(latest_list(conn, side.other, ListKind.HOLDINGS_ACK, side))
            due = sorted(held - released)
            flagged = {pid: found[pid] for pid in due if pid in found}
            out[side.value] = {
                "sought": len(sought),
                "recovered": len(recovered),
                "still_sought": len(sought - recovered),
                "held_by_other_side": len(held),
                "still_held": len(due),
                "still_held_ids": due,
                "excluded": sorted(pid for pid, f in flagged.items() if f.excluded),
                "flagged": {pid: f.why for pid, f in flagged.items()},
            }
    return out
