"""The exchange aggregate: which remedy it proposes for a failed handover, and applying it."""

from __future__ import annotations

import datetime as dt

import pytest

from homeward.domain.handover import Handover, HandoverException, HandoverState
from homeward.domain.tranche import CannotRebalance, Exchange, Parity, Remedy, Tranche
from homeward.domain.values import Category, Side

MIL, CIV = Category.MILITARY, Category.CIVILIAN


def exchange(
    days: list[list[tuple[int, Side, Category]]],
    parity: Parity = Parity.PER_TRANCHE_AND_CATEGORY,
    reserve: dict[Side, dict[Category, list[int]]] | None = None,
    outside: set[int] | None = None,
) -> Exchange:
    tranches = []
    for day, people in enumerate(days, start=1):
        t = Tranche(day, dt.date(2025, 5, 22) + dt.timedelta(days=day))
        for position, (pid, side, cat) in enumerate(people):
            t.handovers.append(
                Handover(
                    pid,
                    side,
                    cat,
                    day,
                    id=100 + pid,
                    position=position,
                    outside_parity=pid in (outside or set()),
                )
            )
        tranches.append(t)
    return Exchange(parity, tranches, reserve or {})


def two_for_two() -> list[tuple[int, Side, Category]]:
    return [(1, Side.UA, MIL), (2, Side.UA, MIL), (3, Side.RU, MIL), (4, Side.RU, MIL)]


def test_a_failure_is_replaced_by_the_first_of_the_same_sides_reserve() -> None:
    ex = exchange([two_for_two()], reserve={Side.UA: {MIL: [7, 8]}})
    ex.handover(101).fail(HandoverException.DECEASED)
    assert not ex.parity_holds()
    proposal = ex.propose(101)
    assert (proposal.remedy, proposal.person_id, proposal.side) == (Remedy.SUBSTITUTE, 7, Side.UA)
    new = ex.apply(proposal)
    assert new is not None
    assert new.person_id == 7
    assert new.substitute_for == 101
    assert ex.reserve[Side.UA][MIL] == [8]
    assert ex.parity_holds()


def test_with_no_reserve_the_other_side_holds_back_its_last_who_heads_its_reserve() -> None:
    ex = exchange([two_for_two()], reserve={Side.RU: {MIL: [9]}})
    ex.handover(101).fail(HandoverException.NOT_FOUND)
    proposal = ex.propose(101)
    assert (proposal.remedy, proposal.held_back, proposal.person_id) == (Remedy.HOLD_BACK, 104, 4)
    held = ex.apply(proposal)
    assert held is not None
    assert held.state is HandoverState.WITHDRAWN
    assert ex.reserve[Side.RU][MIL] == [4, 9]
    assert ex.parity_holds()


def test_a_person_travelling_outside_parity_who_fails_is_dropped_without_a_counterpart() -> None:
    people = [*two_for_two(), (5, Side.UA, MIL)]
    ex = exchange([people], reserve={Side.UA: {MIL: [7]}}, outside={5})
    ex.handover(105).fail(HandoverException.UNFIT_TO_TRAVEL)
    proposal = ex.propose(105)
    assert proposal.remedy is Remedy.DROP
    assert ex.apply(proposal) is None
    assert ex.reserve[Side.UA][MIL] == [7]
    assert [h.state for h in ex.tranche(1).handovers if h.from_side is Side.RU] == [
        HandoverState.PLANNED,
        HandoverState.PLANNED,
    ]


def test_with_parity_overall_the_counterpart_may_come_from_another_day() -> None:
    day1 = [(1, Side.UA, MIL), (3, Side.RU, CIV)]
    day2 = [(2, Side.UA, MIL), (4, Side.RU, MIL), (6, Side.RU, MIL)]
    day2 = [*day2, (5, Side.UA, MIL)]
    ex = exchange([day1, day2], parity=Parity.OVERALL)
    assert ex.parity_holds()
    ex.handover(103).state = HandoverState.CHECKED_IN  # day 1's RU person is under way
    ex.handover(101).fail(HandoverException.DECEASED)
    proposal = ex.propose(101)
    assert (proposal.remedy, proposal.day, proposal.held_back) == (Remedy.HOLD_BACK, 2, 106)
    ex.apply(proposal)
    assert ex.parity_holds()


def test_per_tranche_and_category_never_holds_back_another_category() -> None:
    ex = exchange([[(1, Side.UA, MIL), (3, Side.RU, MIL), (2, Side.UA, CIV), (4, Side.RU, CIV)]])
    ex.handover(103).state = HandoverState.RELEASED
    ex.handover(101).fail(HandoverException.HELD_FOR_PROCEEDINGS)
    with pytest.raises(CannotRebalance, match="nobody not yet checked in"):
        ex.propose(101)
    loose = exchange(
        [[(1, Side.UA, MIL), (3, Side.RU, MIL), (2, Side.UA, CIV), (4, Side.RU, CIV)]],
        parity=Parity.PER_TRANCHE,
    )
    loose.handover(103).state = HandoverState.RELEASED
    loose.handover(101).fail(HandoverException.HELD_FOR_PROCEEDINGS)
    assert loose.propose(101).held_back == 104


def test_a_declined_proposal_gives_way_to_another_remedy() -> None:
    ex = exchange([two_for_two()], reserve={Side.UA: {MIL: [7]}})
    ex.handover(101).fail(HandoverException.DECEASED)
    first = ex.propose(101)
    second = ex.propose(101, declined={first.declined_key})
    assert (second.remedy, second.held_back) == (Remedy.HOLD_BACK, 104)
    third = ex.propose(101, declined={first.declined_key, second.declined_key})
    assert third.held_back == 103
    with pytest.raises(CannotRebalance):
        ex.propose(101, declined={first.declined_key, second.declined_key, third.declined_key})


def test_a_proposal_is_applied_once_and_a_stale_one_is_refused() -> None:
    ex = exchange([two_for_two()], reserve={Side.UA: {MIL: [7]}})
    ex.handover(101).fail(HandoverException.DECEASED)
    ex.handover(102).fail(HandoverException.DECEASED)
    for_first, for_second = ex.propose(101), ex.propose(102)
    assert for_first.person_id == for_second.person_id == 7
    ex.apply(for_first)
    with pytest.raises(CannotRebalance, match="needs no rebalancing"):
        ex.apply(for_first)
    with pytest.raises(CannotRebalance, match="reserve changed"):
        ex.apply(for_second)
    assert ex.propose(102).remedy is Remedy.HOLD_BACK


def test_a_handover_that_has_not_failed_needs_no_remedy() -> None:
    ex = exchange([two_for_two()])
    with pytest.raises(CannotRebalance, match="has not failed"):
        ex.propose(101)


@pytest.mark.parametrize("parity", list(Parity))
def test_parity_summed_by_head_counts_equals_parity_counted_person_by_person(
    parity: Parity,
) -> None:
    from collections import Counter

    from homeward.domain.tranche import HeadCount, parity_counts

    people = [*two_for_two(), (5, Side.UA, CIV), (6, Side.RU, CIV)]
    ex = exchange([people, two_for_two()], parity=parity, outside={6})
    ex.handover(101).fail(HandoverException.DECEASED)
    ex.handover(103).withdraw()
    grouped = Counter(
        (t.day, h.from_side, h.category, h.state, h.outside_parity)
        for t in ex.tranches
        for h in t.handovers
    )
    heads = [HeadCount(*key, n=n) for key, n in grouped.items()]
    assert parity_counts(parity, [1, 2], heads) == ex.parity_counts()
    assert any(not c.holds for c in ex.parity_counts())  # the failure shows in both
