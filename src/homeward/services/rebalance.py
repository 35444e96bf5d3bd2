"""When a handover fails: record the exception, propose how to keep parity, apply it.

A substitute comes from the failing side's reserve in the same category (best rank
first). With no reserve left, the counterpart's last not-yet-started handover in the same
category is held back. The mediator confirms the proposal before anything changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine, insert, select, update

from homeward.adapters.db import inserted_id
from homeward.adapters.tables_exchange import (
    handovers,
    interview_notes,
    releases,
    reserves,
    tranches,
)
from homeward.domain.handover import HandoverException, HandoverState, InvalidTransition
from homeward.services.disclosure import committed_outcome
from homeward.services.events import EventSink
from homeward.services.handover import _load, _store, free_code


class Remedy(StrEnum):
    SUBSTITUTE = "substitute"
    HOLD_BACK = "hold_back"


@dataclass(frozen=True, slots=True)
class Proposal:
    """How to keep the tranche at parity after ``failed_handover`` fell out."""

    failed_handover: int
    remedy: Remedy
    substitute_person: int | None = None
    hold_back_handover: int | None = None

    def describe(self) -> str:
        if self.remedy is Remedy.SUBSTITUTE:
            return f"substitute person {self.substitute_person} from the reserve"
        return f"hold back the counterpart's handover {self.hold_back_handover}"


class CannotRebalance(Exception):
    """Neither a reserve nor a counterpart is left to keep parity."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record_exception(
    handover_id: int,
    exception: HandoverException,
    engine: Engine,
    events: EventSink,
    *,
    actor: str,
    interview_note: str | None = None,
) -> Proposal:
    """Mark a handover failed and return the proposal that keeps parity."""
    with engine.begin() as conn:
        handover, _ = _load(conn, handover_id)
        handover.fail(exception)
        _store(conn, handover_id, handover)
        if interview_note is not None:
            conn.execute(
                insert(interview_notes).values(
                    handover_id=handover_id,
                    outcome=exception.value,
                    note=interview_note,
                    recorded_by=actor,
                    recorded_at=_now(),
                )
            )
        events.append(
            conn,
            "HandoverFailed",
            {
                "handover": handover_id,
                "day": handover.day,
                "person": events.person_ref(conn, handover.person_id),
                "from": handover.from_side.value,
                "category": handover.category.value,
                # "did_not_travel" for the mediator's findings, and a sealed commitment
                **committed_outcome(conn, handover_id, exception),
                "by": actor,
            },
        )
        return _propose(conn, handover_id)


def _propose(conn: Connection, handover_id: int) -> Proposal:
    failed = conn.execute(
        select(handovers, tranches.c.agreement_id)
        .join(tranches, tranches.c.id == handovers.c.tranche_id)
        .where(handovers.c.id == handover_id)
    ).one()
    scheduled = select(handovers.c.person_id).where(
        handovers.c.state.not_in([HandoverState.FAILED.value, HandoverState.WITHDRAWN.value])
    )
    candidate = conn.execute(
        select(reserves.c.person_id)
        .where(
            reserves.c.agreement_id == failed.agreement_id,
            reserves.c.party == failed.from_party,
            reserves.c.category == failed.category,
            reserves.c.used_by.is_(None),
            reserves.c.person_id.not_in(select(releases.c.person_id)),
            reserves.c.person_id.not_in(scheduled),
        )
        .order_by(reserves.c.rank)
        .limit(1)
    ).scalar()
    if candidate is not None:
        return Proposal(handover_id, Remedy.SUBSTITUTE, substitute_person=int(candidate))
    counterpart = conn.execute(
        select(handovers.c.id)
        .where(
            handovers.c.tranche_id == failed.tranche_id,
            handovers.c.from_party != failed.from_party,
            handovers.c.category == failed.category,
            handovers.c.state == HandoverState.PLANNED.value,
        )
        .order_by(handovers.c.position.desc())
        .limit(1)
    ).scalar()
    if counterpart is None:
        raise CannotRebalance(
            f"no {failed.category} reserve left for {failed.from_party} and no "
            f"counterpart not yet handed over on day {failed.tranche_id}"
        )
    return Proposal(handover_id, Remedy.HOLD_BACK, hold_back_handover=int(counterpart))


def accept_proposal(proposal: Proposal, engine: Engine, events: EventSink, *, actor: str) -> int:
    """Apply a confirmed proposal; return the new or the withdrawn handover's id."""
    with engine.begin() as conn:
        failed = conn.execute(
            select(handovers, tranches.c.agreement_id, tranches.c.day)
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.id == proposal.failed_handover)
        ).one()
        if failed.state != HandoverState.FAILED.value:
            raise InvalidTransition(f"handover {proposal.failed_handover} has not failed")
        if proposal.remedy is Remedy.SUBSTITUTE:
            assert proposal.substitute_person is not None
            position = 1 + int(
                conn.execute(
                    select(handovers.c.position)
                    .where(handovers.c.tranche_id == failed.tranche_id)
                    .order_by(handovers.c.position.desc())
                    .limit(1)
                ).scalar_one()
            )
            new_id = inserted_id(
                conn.execute(
                    insert(handovers).values(
                        tranche_id=failed.tranche_id,
                        person_id=proposal.substitute_person,
                        from_party=failed.from_party,
                        category=failed.category,
                        state=HandoverState.PLANNED.value,
                        substitute_for=proposal.failed_handover,
                        checkin_code=free_code(
                            conn, failed.agreement_id, proposal.substitute_person, set()
                        ),
                        position=position,
                        updated_at=_now(),
                    )
                )
            )
            conn.execute(
                update(reserves)
                .where(
                    reserves.c.agreement_id == failed.agreement_id,
                    reserves.c.person_id == proposal.substitute_person,
                )
                .values(used_by=new_id)
            )
            events.append(
                conn,
                "SubstituteAssigned",
                {
                    "day": failed.day,
                    "failed_handover": proposal.failed_handover,
                    "handover": int(new_id),
                    "person": events.person_ref(conn, proposal.substitute_person),
                    "from": failed.from_party,
                    "category": failed.category,
                    "confirmed_by": actor,
                },
            )
            return int(new_id)
        assert proposal.hold_back_handover is not None
        held, _ = _load(conn, proposal.hold_back_handover)
        held.withdraw()
        _store(conn, proposal.hold_back_handover, held)
        events.append(
            conn,
            "CounterpartHeldBack",
            {
                "day": failed.day,
                "failed_handover": proposal.failed_handover,
                "handover": proposal.hold_back_handover,
                "person": events.person_ref(conn, held.person_id),
                "from": held.from_side.value,
                "category": held.category.value,
                "confirmed_by": actor,
            },
        )
        return proposal.hold_back_handover
