"""Rounds, carry-over and outcomes in the domain: no database, plain values."""

from __future__ import annotations

import datetime as dt

import pytest

from homeward.domain.carry_over import Clearance, PastOutcome, carry_flag
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.outcomes import Outcome, holding_outcome
from homeward.domain.rounds import (
    RoundRefused,
    RoundStatus,
    TrancheState,
    check_can_plan,
    default_round,
    number_rounds,
)
from homeward.domain.values import Side

ALL = {"UA", "RU", "MED"}
DAY = dt.date(2025, 5, 23)


def tranche(tid: int, *states: str, date: dt.date = DAY) -> TrancheState:
    return TrancheState(tid, tid, date, states)


def test_a_round_moves_from_draft_to_completed_as_its_handovers_end() -> None:
    rounds = number_rounds(
        [(10, "a"), (11, "b"), (12, "c"), (13, "d"), (14, "e")],
        {11: ALL, 12: ALL, 13: ALL, 14: ALL, 10: {"UA"}},
        {
            12: [tranche(1, "planned")],
            13: [tranche(2, "received", "checked_in")],
            14: [tranche(3, "received", "failed", "withdrawn")],
        },
    )
    assert [r.number for r in rounds] == [1, 2, 3, 4, 5]
    assert [r.status for r in rounds] == [
        RoundStatus.DRAFT,
        RoundStatus.SIGNED,
        RoundStatus.PLANNED,
        RoundStatus.UNDER_WAY,
        RoundStatus.COMPLETED,
    ]


def test_the_default_round_is_the_newest_signed_never_a_draft() -> None:
    rounds = number_rounds([(1, "one"), (2, "draft")], {1: ALL, 2: {"UA", "RU"}}, {})
    shown = default_round(rounds)
    assert shown is not None
    assert shown.name == "one"


def test_a_round_is_refused_while_an_earlier_one_has_an_open_tranche() -> None:
    rounds = number_rounds(
        [(1, "Istanbul-1"), (2, "Istanbul-2")],
        {1: ALL, 2: ALL},
        {1: [tranche(1, "received"), tranche(2, "released")]},
    )
    with pytest.raises(
        RoundRefused, match=r"round 1 \(Istanbul-1\) still has open tranches: day 2"
    ):
        check_can_plan(rounds, 2)
    check_can_plan(rounds, 1)  # the open round itself is not refused by its own tranches


def test_a_completed_tranche_dated_in_the_future_is_not_announced() -> None:
    done = tranche(1, "received", date=DAY + dt.timedelta(days=1))
    assert done.closed
    assert not done.completed_by(DAY)
    assert done.completed_by(DAY + dt.timedelta(days=1))
    assert not tranche(2).completed_by(DAY)  # a tranche with nobody is not a crossing


@pytest.mark.parametrize(
    ("state", "exception", "excluded", "needs"),
    [
        (HandoverState.RECEIVED, None, True, None),
        (HandoverState.FAILED, HandoverException.DECEASED, True, None),
        (
            HandoverState.FAILED,
            HandoverException.REFUSES_REPATRIATION,
            True,
            Clearance.MEDIATOR_CONFIRMATION,
        ),
        (
            HandoverState.FAILED,
            HandoverException.UNFIT_TO_TRAVEL,
            True,
            Clearance.MEDIATOR_CONFIRMATION,
        ),
        (
            HandoverState.FAILED,
            HandoverException.IDENTITY_MISMATCH,
            True,
            Clearance.MEDIATOR_CONFIRMATION,
        ),
        (
            HandoverState.FAILED,
            HandoverException.HELD_FOR_PROCEEDINGS,
            True,
            Clearance.HOLDER_STATEMENT,
        ),
        (HandoverState.FAILED, HandoverException.NOT_FOUND, False, None),
        (HandoverState.WITHDRAWN, None, False, None),
    ],
)
def test_each_earlier_outcome_carries_or_keeps_the_person_out(
    state: HandoverState,
    exception: HandoverException | None,
    excluded: bool,
    needs: Clearance | None,
) -> None:
    flag = carry_flag(PastOutcome(7, 1, state, exception), Side.UA)
    assert flag is not None
    assert (flag.excluded, flag.needs) == (excluded, needs)
    assert "round 1" in flag.why
    if needs is not None:
        cleared = carry_flag(PastOutcome(7, 1, state, exception), Side.UA, cleared=True)
        assert cleared is not None
        assert not cleared.excluded


def test_a_party_cannot_tell_a_refusal_from_the_mediators_other_findings() -> None:
    seen = {
        exc: carry_flag(PastOutcome(1, 2, HandoverState.FAILED, exc), Side.RU)
        for exc in (
            HandoverException.REFUSES_REPATRIATION,
            HandoverException.UNFIT_TO_TRAVEL,
            HandoverException.IDENTITY_MISMATCH,
        )
    }
    assert len({(f.outcome, f.excluded, f.needs, f.why) for f in seen.values() if f}) == 1


def test_a_held_persons_outcome_follows_the_handover_and_hides_the_mediators_finding() -> None:
    assert holding_outcome(None, None, Side.UA).outcome is Outcome.NONE
    assert holding_outcome(HandoverState.CHECKED_IN, None, Side.UA).outcome is Outcome.IN_TRANCHE
    received = holding_outcome(HandoverState.RECEIVED, None, Side.UA, round_number=3, date=DAY)
    assert (received.outcome, received.round_number, received.date) == (Outcome.RECEIVED, 3, DAY)
    refused = HandoverException.REFUSES_REPATRIATION
    assert holding_outcome(HandoverState.FAILED, refused, Side.UA).reason == "did_not_travel"
    assert holding_outcome(HandoverState.FAILED, refused, Side.MEDIATOR).reason == refused.value
