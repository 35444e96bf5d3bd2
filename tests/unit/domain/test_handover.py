import datetime as dt

import pytest

from homeward.domain.handover import (
    Handover,
    HandoverException,
    HandoverState,
    InvalidTransition,
)
from homeward.domain.tranche import ParityBroken, Tranche
from homeward.domain.values import Category, Side


def walk_to_release(h: Handover) -> None:
    h.check_in()
    h.confirm_identity()
    h.confirm_free_will()
    h.release()


def test_a_person_goes_through_every_step_and_is_received() -> None:
    h = Handover(1, Side.RU, Category.MILITARY, day=1)
    walk_to_release(h)
    h.receive()
    assert h.state is HandoverState.RECEIVED
    assert h.to_side is Side.UA


def test_a_person_cannot_be_received_before_release() -> None:
    h = Handover(1, Side.RU, Category.MILITARY, day=1)
    h.check_in()
    with pytest.raises(InvalidTransition, match="before release"):
        h.receive()


def test_a_person_cannot_be_released_twice() -> None:
    h = Handover(1, Side.UA, Category.CIVILIAN, day=1)
    walk_to_release(h)
    with pytest.raises(InvalidTransition, match="already released"):
        h.release()


def test_steps_cannot_be_skipped() -> None:
    h = Handover(1, Side.UA, Category.CIVILIAN, day=1)
    with pytest.raises(InvalidTransition, match="planned, not checked_in"):
        h.confirm_identity()


def test_a_released_person_cannot_be_marked_as_refusing() -> None:
    h = Handover(1, Side.UA, Category.CIVILIAN, day=1)
    walk_to_release(h)
    with pytest.raises(InvalidTransition):
        h.fail(HandoverException.REFUSES_REPATRIATION)


def make_tranche() -> Tranche:
    t = Tranche(1, dt.date(2025, 5, 23))
    for pid, side, cat in [
        (1, Side.UA, Category.MILITARY),
        (2, Side.RU, Category.MILITARY),
        (3, Side.UA, Category.CIVILIAN),
        (4, Side.RU, Category.CIVILIAN),
    ]:
        t.add(Handover(pid, side, cat, day=1), released_ever=set())
    return t


def test_tranche_keeps_parity_until_a_person_refuses() -> None:
    t = make_tranche()
    t.check_parity()
    t.handover_for(2).fail(HandoverException.REFUSES_REPATRIATION)
    assert t.parity_gaps() == {Category.MILITARY: 1}
    with pytest.raises(ParityBroken, match="military: UA \\+1"):
        t.check_parity()


def test_tranche_regains_parity_when_the_counterpart_is_held_back() -> None:
    t = make_tranche()
    t.handover_for(2).fail(HandoverException.DECEASED)
    t.handover_for(1).withdraw()
    t.check_parity()


def test_seriously_ill_outside_parity_do_not_break_it() -> None:
    t = make_tranche()
    t.add(Handover(9, Side.UA, Category.MILITARY, day=1), released_ever=set())
    assert t.parity_gaps(exempt={9}) == {}


def test_a_person_released_in_an_earlier_exchange_cannot_be_planned_again() -> None:
    t = Tranche(2, dt.date(2025, 5, 24))
    with pytest.raises(InvalidTransition, match="already released"):
        t.add(Handover(5, Side.RU, Category.MILITARY, day=2), released_ever={5})
