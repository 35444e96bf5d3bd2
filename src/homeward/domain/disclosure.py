"""What each party may learn of why a person did not travel.

The mediator's findings at the border (the private free-will interview, its medical check
and its identity check) are the mediator's alone. A person who refuses to go home may face
reprisals, so to UA and RU a refusal must be indistinguishable from the mediator's other
withdrawals: they all read "did not travel", with no reason. Masking the refusal alone would
not be enough: if every other outcome were named, "no reason" would itself mean "refused".
What the holding party states itself (not found, deceased, held for proceedings, already
released) is its own word and stays visible to both parties.
"""

from __future__ import annotations

from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import Side

MEDIATOR_FINDINGS: frozenset[HandoverException] = frozenset(
    {
        HandoverException.REFUSES_REPATRIATION,
        HandoverException.UNFIT_TO_TRAVEL,
        HandoverException.IDENTITY_MISMATCH,
    }
)
"""Outcomes only the mediator may see; parties see "did not travel" instead."""

DID_NOT_TRAVEL = "did_not_travel"
"""The state a party sees for a person the mediator withdrew or held back."""


def exception_seen_by(
    exception: HandoverException | None, viewer: Side
) -> HandoverException | None:
    """The exception ``viewer`` may see: ``None`` when it is the mediator's finding.

    >>> exception_seen_by(HandoverException.REFUSES_REPATRIATION, Side.UA) is None
    True
    >>> exception_seen_by(HandoverException.DECEASED, Side.UA).value
    'deceased'
    """
    if exception is None or viewer is Side.MEDIATOR:
        return exception
    return None if exception in MEDIATOR_FINDINGS else exception


def state_seen_by(state: HandoverState, exception: HandoverException | None, viewer: Side) -> str:
    """The state word ``viewer`` may see: ``did_not_travel`` hides the mediator's findings.

    A person held back to keep parity (withdrawn) reads the same, so a party cannot tell a
    refusal from a hold-back either.
    """
    if viewer is Side.MEDIATOR:
        return state.value
    if state is HandoverState.WITHDRAWN:
        return DID_NOT_TRAVEL
    if state is HandoverState.FAILED and exception_seen_by(exception, viewer) is None:
        return DID_NOT_TRAVEL
    return state.value


def outcome_seen_by(exception: HandoverException, viewer: Side) -> str:
    """The word ``viewer`` may see for why a handover failed.

    >>> outcome_seen_by(HandoverException.UNFIT_TO_TRAVEL, Side.RU)
    'did_not_travel'
    >>> outcome_seen_by(HandoverException.NOT_FOUND, Side.RU)
    'not_found'
    """
    seen = exception_seen_by(exception, viewer)
    return DID_NOT_TRAVEL if seen is None else seen.value


def public_outcome(exception: HandoverException) -> str:
    """The outcome as anyone but the mediator sees it: what the co-signed log may say."""
    return outcome_seen_by(exception, Side.UA)
