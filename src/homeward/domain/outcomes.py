"""A person's exchange outcome as their registry shows it.

A holdings record moves with the exchange: offered (on a release offer), in a tranche,
released, received (with round and date), did not travel (with the reason its reader may
see: the mediator's findings read "did not travel" to the parties), carried to the next
round. A sought record becomes "recovered" once a person linked to it is received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from homeward.domain.disclosure import DID_NOT_TRAVEL, outcome_seen_by
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import Side


class Outcome(StrEnum):
    NONE = "none"
    OFFERED = "offered"
    IN_TRANCHE = "in_tranche"
    RELEASED = "released"
    RECEIVED = "received"
    DID_NOT_TRAVEL = DID_NOT_TRAVEL
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class PersonOutcome:
    outcome: Outcome
    round_number: int | None = None
    date: dt.date | None = None
    reason: str | None = None
    carried: bool = False
    next_round: str | None = None  # why an earlier round carries or keeps the person out


def holding_outcome(
    state: HandoverState | None,
    exception: HandoverException | None,
    viewer: Side,
    *,
    offered: bool = False,
    round_number: int | None = None,
    date: dt.date | None = None,
    carried: bool = False,
    next_round: str | None = None,
) -> PersonOutcome:
    """The outcome of a held person from their last handover (``state`` None: none yet).

    >>> holding_outcome(HandoverState.FAILED, HandoverException.REFUSES_REPATRIATION,
    ...                 Side.RU, round_number=1).reason
    'did_not_travel'
    >>> holding_outcome(None, None, Side.UA, offered=True).outcome.value
    'offered'
    """
    if state is None:
        return PersonOutcome(Outcome.OFFERED if offered else Outcome.NONE)
    if state is HandoverState.RECEIVED:
        return PersonOutcome(Outcome.RECEIVED, round_number, date)
    if state is HandoverState.RELEASED:
        return PersonOutcome(Outcome.RELEASED, round_number, date)
    if state is HandoverState.WITHDRAWN:
        return PersonOutcome(
            Outcome.DID_NOT_TRAVEL, round_number, date, DID_NOT_TRAVEL, carried, next_round
        )
    if state is HandoverState.FAILED:
        reason = outcome_seen_by(exception, viewer) if exception else DID_NOT_TRAVEL
        return PersonOutcome(
            Outcome.DID_NOT_TRAVEL, round_number, date, reason, carried, next_round
        )
    return PersonOutcome(Outcome.IN_TRANCHE, round_number, date)
