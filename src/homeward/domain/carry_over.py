"""What an earlier round's outcome means for the next: carried, flagged or kept out.

Every person who went through a round leaves an outcome. For the next round that outcome
either carries the person over with the reason flagged, or keeps them out:

- released or received: never again ("already released in an earlier exchange");
- deceased: out of the exchange, onto the remains track;
- held for proceedings: out until the holding party states the proceedings are over;
- the mediator's findings (refusal, unfit to travel, identity mismatch): out until the
  mediator records a new confirmation. The three are treated alike on purpose: to the
  parties a refusal must read like the mediator's other findings ("did not travel"), so
  it may not be the only one that keeps a person out;
- not found, held back to keep parity, already released: carried over, flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from homeward.domain.disclosure import DID_NOT_TRAVEL, MEDIATOR_FINDINGS
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import Side


class Clearance(StrEnum):
    """A statement that lets a kept-out person be planned again."""

    MEDIATOR_CONFIRMATION = "mediator_confirmation"
    HOLDER_STATEMENT = "holder_statement"


@dataclass(frozen=True, slots=True)
class PastOutcome:
    """The last handover a person had, in round ``round_number``."""

    person_id: int
    round_number: int
    state: HandoverState
    exception: HandoverException | None


@dataclass(frozen=True, slots=True)
class CarryFlag:
    """How a past outcome bears on the next round."""

    person_id: int
    round_number: int
    outcome: str
    excluded: bool
    needs: Clearance | None
    why: str


def carry_flag(  # noqa: PLR0911 - one return per rule reads as the rule table
    past: PastOutcome, viewer: Side, cleared: bool = False
) -> CarryFlag | None:
    """The flag ``past`` leaves for the next round, worded for ``viewer``; ``None`` if the
    person is simply still due (planned or under way in an open tranche is not carried).

    >>> p = PastOutcome(1, 1, HandoverState.FAILED, HandoverException.REFUSES_REPATRIATION)
    >>> carry_flag(p, Side.UA).outcome
    'did_not_travel'
    >>> carry_flag(p, Side.UA).excluded
    True
    """
    n = past.round_number
    if past.state in (HandoverState.RELEASED, HandoverState.RECEIVED):
        return CarryFlag(
            past.person_id,
            n,
            "released",
            True,
            None,
            f"already released in an earlier exchange (round {n})",
        )
    if past.state is HandoverState.WITHDRAWN:
        return CarryFlag(
            past.person_id,
            n,
            DID_NOT_TRAVEL,
            False,
            None,
            f"did not travel in round {n}; carried over",
        )
    if past.state is not HandoverState.FAILED or past.exception is None:
        return None
    exc = past.exception
    if exc in MEDIATOR_FINDINGS:
        outcome = exc.value if viewer is Side.MEDIATOR else DID_NOT_TRAVEL
        if cleared:
            return CarryFlag(
                past.person_id,
                n,
                outcome,
                False,
                None,
                f"did not travel in round {n}; the mediator has confirmed anew",
            )
        return CarryFlag(
            past.person_id,
            n,
            outcome,
            True,
            Clearance.MEDIATOR_CONFIRMATION,
            f"did not travel in round {n}; needs the mediator's new confirmation",
        )
    if exc is HandoverException.DECEASED:
        return CarryFlag(
            past.person_id,
            n,
            exc.value,
            True,
            None,
            f"reported deceased in round {n}; moved to the remains track",
        )
    if exc is HandoverException.HELD_FOR_PROCEEDINGS:
        if cleared:
            return CarryFlag(
                past.person_id,
                n,
                exc.value,
                False,
                None,
                f"held for proceedings in round {n}; the holder has stated they are over",
            )
        return CarryFlag(
            past.person_id,
            n,
            exc.value,
            True,
            Clearance.HOLDER_STATEMENT,
            f"held for proceedings in round {n}; needs the holding party's statement",
        )
    if exc is HandoverException.ALREADY_RELEASED:
        return CarryFlag(
            past.person_id,
            n,
            exc.value,
            True,
            None,
            f"already released in an earlier exchange (found in round {n})",
        )
    return CarryFlag(
        past.person_id,
        n,
        exc.value,
        False,
        None,
        f"{exc.value.replace('_', ' ')} in round {n}; carried over",
    )
