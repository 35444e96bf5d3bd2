"""A person's handover at the crossing: a small state machine that keeps its invariants.

A person is checked in, identified and interviewed by the mediator, released by the
detaining side and received by the other. Nobody is received before release, nobody is
released twice, and an exception (refusal, death, ...) ends the handover for that tranche.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from homeward.domain.values import Category, Side


class HandoverState(StrEnum):
    PLANNED = "planned"
    CHECKED_IN = "checked_in"
    IDENTITY_CONFIRMED = "identity_confirmed"
    FREE_WILL_CONFIRMED = "free_will_confirmed"
    RELEASED = "released"
    RECEIVED = "received"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class HandoverException(StrEnum):
    """What goes wrong at exchange time (DOMAIN.md, "Statuses homeward must know").

    The one vocabulary of failures: the crossing, the rebalancing and the planner's tests
    all speak it.
    """

    NOT_FOUND = "not_found"
    REFUSES_REPATRIATION = "refuses_repatriation"
    DECEASED = "deceased"
    UNFIT_TO_TRAVEL = "unfit_to_travel"
    HELD_FOR_PROCEEDINGS = "held_for_proceedings"
    IDENTITY_MISMATCH = "identity_mismatch"
    ALREADY_RELEASED = "already_released"


def counts_for_parity(state: HandoverState) -> bool:
    """Whether a handover in ``state`` counts towards parity: failed and withdrawn do not."""
    return state not in (HandoverState.FAILED, HandoverState.WITHDRAWN)


class InvalidTransition(Exception):
    """A step that the handover's state does not allow; the message says why."""


_NEXT: dict[HandoverState, HandoverState] = {
    HandoverState.PLANNED: HandoverState.CHECKED_IN,
    HandoverState.CHECKED_IN: HandoverState.IDENTITY_CONFIRMED,
    HandoverState.IDENTITY_CONFIRMED: HandoverState.FREE_WILL_CONFIRMED,
    HandoverState.FREE_WILL_CONFIRMED: HandoverState.RELEASED,
    HandoverState.RELEASED: HandoverState.RECEIVED,
}

_FINAL = {HandoverState.RECEIVED, HandoverState.FAILED, HandoverState.WITHDRAWN}


@dataclass
class Handover:
    """One person released by ``from_side`` in one tranche.

    ``id`` is the stored handover's id (``None`` until stored); ``position`` its place in
    the side's list order (the last ranks lowest); ``outside_parity``: a seriously ill or
    wounded person the terms send beyond parity, whom nobody replaces or counterbalances.
    """

    person_id: int
    from_side: Side
    category: Category
    day: int
    state: HandoverState = HandoverState.PLANNED
    exception: HandoverException | None = None
    substitute_for: int | None = None
    history: list[HandoverState] = field(default_factory=list)
    id: int | None = None
    position: int = 0
    outside_parity: bool = False

    @property
    def to_side(self) -> Side:
        return self.from_side.other

    @property
    def counts_for_parity(self) -> bool:
        """Planned and under way handovers count; failed and withdrawn ones do not."""
        return counts_for_parity(self.state)

    def _advance(self, expected: HandoverState, action: str) -> None:
        if self.state is not expected:
            raise InvalidTransition(
                f"cannot {action} person {self.person_id}: handover is {self.state.value}, "
                f"not {expected.value}"
            )
        self.history.append(self.state)
        self.state = _NEXT[expected]

    def check_in(self) -> None:
        self._advance(HandoverState.PLANNED, "check in")

    def confirm_identity(self) -> None:
        self._advance(HandoverState.CHECKED_IN, "confirm the identity of")

    def confirm_free_will(self) -> None:
        self._advance(HandoverState.IDENTITY_CONFIRMED, "confirm the free will of")

    def release(self) -> None:
        if self.state in (HandoverState.RELEASED, HandoverState.RECEIVED):
            raise InvalidTransition(f"person {self.person_id} is already released")
        self._advance(HandoverState.FREE_WILL_CONFIRMED, "release")

    def receive(self) -> None:
        if self.state is not HandoverState.RELEASED:
            raise InvalidTransition(
                f"cannot receive person {self.person_id} before release "
                f"(handover is {self.state.value})"
            )
        self._advance(HandoverState.RELEASED, "receive")

    def fail(self, exception: HandoverException) -> None:
        """Record an exception; only before release (a released person has left)."""
        if self.state in _FINAL or self.state is HandoverState.RELEASED:
            raise InvalidTransition(
                f"cannot record {exception.value} for person {self.person_id}: "
                f"handover is {self.state.value}"
            )
        self.history.append(self.state)
        self.state = HandoverState.FAILED
        self.exception = exception

    def withdraw(self) -> None:
        """Hold this person back to keep parity when the counterpart fell out."""
        if self.state in _FINAL or self.state is HandoverState.RELEASED:
            raise InvalidTransition(
                f"cannot withdraw person {self.person_id}: handover is {self.state.value}"
            )
        self.history.append(self.state)
        self.state = HandoverState.WITHDRAWN
