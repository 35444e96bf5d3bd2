"""Use cases at the crossing: save a plan as tranches, step each handover.

Rebalancing after a failure and the console's use cases are ``services.crossing``.

Every step loads the handover into the domain object, which refuses what the state does not
allow (receiving before release, releasing twice), then stores it and appends the event
in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, insert, select, update

from homeward.adapters.db import inserted_id
from homeward.adapters.tables_exchange import (
    agreement_signatures,
    handovers,
    interview_notes,
    releases,
    reserves,
    tranches,
)
from homeward.domain.handover import (
    Handover,
    HandoverException,
    HandoverState,
    InvalidTransition,
)
from homeward.domain.values import Category, Side
from homeward.planning.codes import checkin_code
from homeward.services.carry_over import exclusion_problems
from homeward.services.events import EventSink
from homeward.services.exchange import NotAllowed
from homeward.services.rounds import ensure_can_plan


def free_code(
    conn: Connection, agreement_id: int, person_id: int, taken: set[str], key: bytes | None = None
) -> str:
    """The person's check-in code for this agreement (``planning.codes``, an HMAC under
    the workspace's secret ``key``; without one, under a fresh random key, so a code is
    never derivable from ids), with the next salt while a code is already in use
    (``taken``: codes handed out in this transaction, updated)."""
    key = key or secrets.token_bytes(32)
    for salt in range(100):
        code = checkin_code(str(person_id), f"agreement-{agreement_id}", key, salt=salt)
        in_use = (
            code in taken
            or conn.execute(select(handovers.c.id).where(handovers.c.checkin_code == code)).first()
        )
        if not in_use:
            taken.add(code)
            return code
    raise RuntimeError(f"no free check-in code for person {person_id}")


@dataclass(frozen=True, slots=True)
class PlannedTranche:
    day: int
    date: dt.date
    crossing: str
    people: dict[Side, list[tuple[int, Category]]]
    # Person ids the terms send beyond parity (seriously ill or wounded).
    outside_parity: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ReservePerson:
    person_id: int
    party: Side
    category: Category
    rank: int


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def save_plan(
    agreement_id: int,
    planned: Sequence[PlannedTranche],
    reserve: Sequence[ReservePerson],
    engine: Engine,
    events: EventSink,
    code_key: bytes | None = None,
) -> list[int]:
    """Store the planned tranches and reserves; return the tranche ids by day.

    Only terms signed by both parties and the mediator are planned, and only once.
    ``code_key`` is the workspace's check-in code secret (``adapters.checkin_secret``).
    """
    code_key = code_key or secrets.token_bytes(32)
    ids: list[int] = []
    taken: set[str] = set()
    with engine.begin() as conn:
        signed = set(
            conn.execute(
                select(agreement_signatures.c.party).where(
                    agreement_signatures.c.agreement_id == agreement_id
                )
            ).scalars()
        )
        missing = sorted({s.value for s in Side} - signed)
        if missing:
            raise NotAllowed(
                f"agreement {agreement_id} is not signed by {', '.join(missing)}: "
                "all three sign before planning"
            )
        if conn.execute(
            select(tranches.c.id).where(tranches.c.agreement_id == agreement_id)
        ).first():
            raise NotAllowed(f"agreement {agreement_id} is already planned")
        ensure_can_plan(conn, agreement_id)
        kept_out = exclusion_problems(
            conn,
            [pid for t in planned for people in t.people.values() for pid, _ in people],
            Side.UA,
        )
        if kept_out:
            raise NotAllowed(
                "the plan includes people an earlier round keeps out: " + "; ".join(kept_out)
            )
        for tranche in planned:
            tranche_id = inserted_id(
                conn.execute(
                    insert(tranches).values(
                        agreement_id=agreement_id,
                        day=tranche.day,
                        date=tranche.date,
                        crossing=tranche.crossing,
                        status="planned",
                    )
                )
            )
            ids.append(int(tranche_id))
            rows = [
                {
                    "tranche_id": tranche_id,
                    "person_id": person_id,
                    "from_party": side.value,
                    "category": category.value,
                    "state": HandoverState.PLANNED.value,
                    "checkin_code": free_code(conn, agreement_id, person_id, taken, code_key),
                    "position": position,
                    "outside_parity": person_id in tranche.outside_parity,
                    "updated_at": _now(),
                }
                for side, people in tranche.people.items()
                for position, (person_id, category) in enumerate(people)
            ]
            if rows:
                conn.execute(insert(handovers), rows)
            events.append(
                conn,
                "TranchePlanned",
                {
                    "agreement": agreement_id,
                    "day": tranche.day,
                    "date": tranche.date.isoformat(),
                    "released_by": {
                        side.value: sorted(events.person_ref(conn, p) for p, _ in people)
                        for side, people in tranche.people.items()
                    },
                },
            )
        if reserve:
            conn.execute(
                insert(reserves),
                [
                    {
                        "agreement_id": agreement_id,
                        "person_id": r.person_id,
                        "party": r.party.value,
                        "category": r.category.value,
                        "rank": r.rank,
                    }
                    for r in reserve
                ],
            )
    return ids


def _load(conn: Connection, handover_id: int) -> tuple[Handover, int]:
    row = conn.execute(
        select(handovers, tranches.c.day)
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .where(handovers.c.id == handover_id)
    ).one()
    handover = Handover(
        person_id=row.person_id,
        from_side=Side(row.from_party),
        category=Category(row.category),
        day=row.day,
        state=HandoverState(row.state),
        exception=HandoverException(row.exception) if row.exception else None,
        substitute_for=row.substitute_for,
    )
    return handover, row.tranche_id


def load_handover(conn: Connection, handover_id: int) -> Handover:
    """The stored handover (``NoResultFound`` if there is none)."""
    return _load(conn, handover_id)[0]


def _store(conn: Connection, handover_id: int, handover: Handover) -> None:
    conn.execute(
        update(handovers)
        .where(handovers.c.id == handover_id)
        .values(
            state=handover.state.value,
            exception=handover.exception.value if handover.exception else None,
            updated_at=_now(),
        )
    )


class Step(StrEnum):
    CHECK_IN = "check_in"
    CONFIRM_IDENTITY = "confirm_identity"
    CONFIRM_FREE_WILL = "confirm_free_will"
    RELEASE = "release"
    RECEIVE = "receive"


_EVENTS: dict[Step, tuple[str, Callable[[Handover], None]]] = {
    Step.CHECK_IN: ("PersonCheckedIn", Handover.check_in),
    Step.CONFIRM_IDENTITY: ("IdentityConfirmed", Handover.confirm_identity),
    Step.CONFIRM_FREE_WILL: ("FreeWillConfirmed", Handover.confirm_free_will),
    Step.RELEASE: ("PersonReleased", Handover.release),
    Step.RECEIVE: ("PersonReceived", Handover.receive),
}


def parse_code(text: str) -> str:
    """The check-in code in what was typed or scanned: the bare code (case, spaces and
    dashes ignored) or the manifest's QR payload ``HW1:<tranche>:<side>:<code>``.

    >>> parse_code(" hj76-ba ")
    'HJ76BA'
    >>> parse_code("HW1:day-1:RU:HJ76BA")
    'HJ76BA'
    """
    cleaned = text.strip()
    if cleaned.upper().startswith("HW1:"):
        cleaned = cleaned.rsplit(":", 1)[-1]
    return cleaned.upper().replace(" ", "").replace("-", "")


def find_by_code(engine: Engine, code: str) -> int:
    """The handover id for a check-in code or QR payload (case and spaces ignored)."""
    cleaned = parse_code(code)
    with engine.connect() as conn:
        found = conn.execute(
            select(handovers.c.id).where(handovers.c.checkin_code == cleaned)
        ).scalar()
    if found is None:
        raise KeyError(f"no handover has check-in code {cleaned!r}")
    return int(found)


def advance(
    handover_id: int,
    step: Step,
    engine: Engine,
    events: EventSink,
    *,
    actor: str,
    interview_note: str | None = None,
) -> HandoverState:
    """Take one step of a handover; the free-will step may keep the mediator's note."""
    with engine.begin() as conn:
        return advance_in(conn, handover_id, step, events, actor=actor, note=interview_note)


def advance_all(
    handover_ids: Sequence[int], step: Step, engine: Engine, events: EventSink, *, actor: str
) -> None:
    """Take the same step for many handovers in one transaction (all or none)."""
    with engine.begin() as conn:
        for handover_id in handover_ids:
            advance_in(conn, handover_id, step, events, actor=actor)


def advance_in(
    conn: Connection,
    handover_id: int,
    step: Step,
    events: EventSink,
    *,
    actor: str,
    note: str | None = None,
    loaded: Handover | None = None,
) -> HandoverState:
    """One step inside the caller's transaction (``loaded``: the handover as the caller
    read it in this transaction, to save reading it again)."""
    kind, action = _EVENTS[step]
    handover = loaded if loaded is not None else _load(conn, handover_id)[0]
    if (
        step is Step.RELEASE
        and conn.execute(
            select(releases.c.person_id).where(releases.c.person_id == handover.person_id)
        ).first()
    ):
        raise InvalidTransition(f"person {handover.person_id} was already released")
    action(handover)
    _store(conn, handover_id, handover)
    if step is Step.RELEASE:
        conn.execute(
            insert(releases).values(
                person_id=handover.person_id, handover_id=handover_id, released_at=_now()
            )
        )
    if step is Step.CONFIRM_FREE_WILL and note is not None:
        conn.execute(
            insert(interview_notes).values(
                handover_id=handover_id,
                outcome="wishes_to_return",
                note=note,
                recorded_by=actor,
                recorded_at=_now(),
            )
        )
    events.append(
        conn,
        kind,
        {
            "handover": handover_id,
            "day": handover.day,
            "person": events.person_ref(conn, handover.person_id),
            "from": handover.from_side.value,
            "category": handover.category.value,
            "by": actor,
        },
    )
    return handover.state
