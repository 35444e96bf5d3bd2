"""The mediator's findings read "did not travel" to both parties, and only to them."""

from __future__ import annotations

import pytest

from homeward.domain.disclosure import (
    DID_NOT_TRAVEL,
    MEDIATOR_FINDINGS,
    exception_seen_by,
    state_seen_by,
)
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.values import Side


@pytest.mark.parametrize("party", [Side.UA, Side.RU])
def test_a_party_cannot_tell_a_refusal_from_another_mediator_withdrawal(party: Side) -> None:
    seen = {state_seen_by(HandoverState.FAILED, e, party) for e in MEDIATOR_FINDINGS}
    seen.add(state_seen_by(HandoverState.WITHDRAWN, None, party))
    assert seen == {DID_NOT_TRAVEL}
    assert {exception_seen_by(e, party) for e in MEDIATOR_FINDINGS} == {None}


def test_the_mediator_sees_every_outcome() -> None:
    for exception in HandoverException:
        assert exception_seen_by(exception, Side.MEDIATOR) is exception
    assert (
        state_seen_by(HandoverState.FAILED, HandoverException.REFUSES_REPATRIATION, Side.MEDIATOR)
        == "failed"
    )


def test_what_the_holder_states_stays_visible_to_both_parties() -> None:
    for exception in set(HandoverException) - MEDIATOR_FINDINGS:
        assert exception_seen_by(exception, Side.RU) is exception
        assert state_seen_by(HandoverState.FAILED, exception, Side.UA) == "failed"


def test_the_refusal_is_one_of_the_mediators_findings() -> None:
    assert HandoverException.REFUSES_REPATRIATION in MEDIATOR_FINDINGS
