"""Carry-over between rounds: what is still owed, who is flagged, who is kept out.

``flags`` reads each person's last handover and says how it bears on the next round
(``domain.carry_over``); ``exclusion_problems`` and ``release_problems`` name the people a
plan or a release offer may not include, so the caller can refuse it whole (nothing
half-saved); ``still_owed`` is where preparing the next round starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from homeward.adapters.repositories.lists import SqlListRepository
from homeward.adapters.tables_exchange import handovers, identity_links, releases, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.tables_rounds import carry_over_clearances
from homeward.domain.carry_over import CarryFlag, Clearance, PastOutcome, carry_flag
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Side
from homeward.services.events import EventSink

MAX_NAMED = 5


def _last_handovers(conn: Connection) -> dict[int, tuple[int, PastOutcome]]:
    """Each person's last handover id and outcome (a release stands whatever came after)."""
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
    out: dict[int, tuple[int, PastOutcome]] = {}
    for r in rows:
        out[int(r.person_id)] = (
            int(r.id),
            PastOutcome(
                int(r.person_id),
                number_of.get(int(r.agreement_id), 0),
                HandoverState(r.state),
                HandoverException(r.exception) if r.exception else None,
            ),
        )
    for person_id in conn.execute(select(releases.c.person_id)).scalars():
        found = out.get(int(person_id))
        if found is not None and found[1].state not in (
            HandoverState.RELEASED,
            HandoverState.RECEIVED,
        ):
            out[int(person_id)] = (
                found[0],
                PastOutcome(int(person_id), found[1].round_number, HandoverState.RELEASED, None),
            )
    return out


def past_outcomes(conn: Connection) -> dict[int, PastOutcome]:
    """Each person's last handover (the newest one), with its round number."""
    return {pid: past for pid, (_, past) in _last_handovers(conn).items()}


def flags(conn: Connection, viewer: Side) -> dict[int, CarryFlag]:
    """Every person an earlier round left a flag on, worded for ``viewer`` (a recorded
    clearance lets a kept-out person be planned again)."""
    cleared = set(conn.execute(select(carry_over_clearances.c.handover_id)).scalars())
    out: dict[int, CarryFlag] = {}
    for person_id, (handover_id, past) in _last_handovers(conn).items():
        flag = carry_flag(past, viewer, cleared=handover_id in cleared)
        if flag is not None:
            out[person_id] = flag
    return out


def record_clearance(
    engine: Engine,
    events: EventSink,
    person_id: int,
    kind: Clearance,
    by: Side,
    *,
    actor: str,
) -> None:
    """Record the statement that lets a kept-out person be planned in a later round: the
    mediator's new confirmation, or the holding party's statement that proceedings are
    over. Refused (``NotAllowed``, naming the person) when the person needs no such
    statement, needs the other one, or ``by`` may not give it."""
    from homeward.services.exchange import NotAllowed

    with engine.begin() as conn:
        last = _last_handovers(conn).get(person_id)
        name = _names(conn, [person_id]).get(person_id, f"person {person_id}")
        flag = carry_flag(last[1], Side.MEDIATOR) if last is not None else None
        if last is None or flag is None or flag.needs is None:
            why = flag.why if flag is not None else "no earlier round keeps them out"
            raise NotAllowed(f"{name}: nothing to clear ({why})")
        if flag.needs is not kind:
            raise NotAllowed(f"{name}: {flag.why}, not a {kind.value.replace('_', ' ')}")
        holder = conn.execute(
            select(handovers.c.from_party).where(handovers.c.id == last[0])
        ).scalar_one()
        allowed = Side.MEDIATOR if kind is Clearance.MEDIATOR_CONFIRMATION else Side(holder)
        if by is not allowed:
            raise NotAllowed(f"{name}: only {allowed.value} may give this statement")
        if conn.execute(
            select(carry_over_clearances.c.handover_id).where(
                carry_over_clearances.c.handover_id == last[0]
            )
        ).first():
            raise NotAllowed(f"{name}: already cleared")
        conn.execute(
            insert(carry_over_clearances).values(
                handover_id=last[0],
                kind=kind.value,
                by_party=by.value,
                recorded_by=actor,
                recorded_at=dt.datetime.now(dt.UTC),
            )
        )
        events.append(
            conn,
            "CarryOverCleared",
            {"handover": last[0], "round": last[1].round_number, "by": actor, "party": by.value},
        )


def excluded_ids(conn: Connection) -> set[int]:
    """People the next round may not plan (released, deceased, awaiting a statement)."""
    return {pid for pid, f in flags(conn, Side.MEDIATOR).items() if f.excluded}


def person_names(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """Person id -> "Surname Given (record id)", for messages that name a person."""
    return _names(conn, ids)


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
            held = set(SqlListRepository(conn).latest(side.other, ListKind.HOLDINGS_ACK, side))
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
