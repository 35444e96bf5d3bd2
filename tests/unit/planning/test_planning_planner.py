from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from tests.unit.planning.planning_factories import candidate, offer, simple_terms

from homeward.planning import (
    Category,
    Health,
    PriorityGroup,
    TermsCannotBeMetError,
    check_eligibility,
    istanbul_2025_terms,
    plan_exchange,
    verify_plan,
)

ISTANBUL = istanbul_2025_terms()
# The same deal with days 2 and 3 left free to split between categories.
FREE_LATER_DAYS = replace(
    ISTANBUL,
    tranches=(
        ISTANBUL.tranches[0],
        *(replace(t, military=None, civilian=None) for t in ISTANBUL.tranches[1:]),
    ),
)
PEOPLE = offer("UA", 1400, 1, facilities=12, military_share=0.8) + offer(
    "RU", 1300, 2, facilities=9, military_share=0.8
)


@pytest.fixture(scope="module")
def istanbul_plan():  # type: ignore[no-untyped-def]
    return plan_exchange(ISTANBUL, PEOPLE)


def test_the_istanbul_exchange_gets_390_307_and_303_per_side(istanbul_plan) -> None:  # type: ignore[no-untyped-def]
    plan = istanbul_plan
    assert [t.tranche_id for t in plan.tranches] == ["day-1", "day-2", "day-3"]
    for side in ("UA", "RU"):
        assert [t.counted(side) for t in plan.tranches] == [390, 307, 303]
        day1 = plan.tranches[0]
        assert day1.counted(side, Category.MILITARY) == 270
        assert day1.counted(side, Category.CIVILIAN) == 120
    for t in plan.tranches:
        for c in Category:
            assert t.counted("UA", c) == t.counted("RU", c)
    assert verify_plan(plan, ISTANBUL, PEOPLE) == []


def test_the_plan_reports_its_quality(istanbul_plan) -> None:  # type: ignore[no-untyped-def]
    report = istanbul_plan.report
    assert report.status in ("optimal", "feasible")
    assert report.bound <= report.facility_groups
    assert 0.0 <= report.gap < 1.0


def test_the_same_people_in_another_order_give_the_same_plan(istanbul_plan) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(PEOPLE)
    random.Random(7).shuffle(shuffled)
    again = plan_exchange(ISTANBUL, shuffled)
    assert again.tranches == istanbul_plan.tranches
    assert again.reserves == istanbul_plan.reserves


def test_reserves_are_ranked_and_sized_by_the_terms(istanbul_plan) -> None:  # type: ignore[no-untyped-def]
    eligible = check_eligibility(ISTANBUL, PEOPLE).eligible_ids()
    by_id = {p.person_id: p for p in PEOPLE}
    planned = {pid for t in istanbul_plan.tranches for s in t.sides for pid in t.person_ids(s)}
    for side in ("UA", "RU"):
        for c in Category:
            reserve = istanbul_plan.reserves[side][c]
            left = [
                pid
                for pid in eligible - planned
                if by_id[pid].side == side and by_id[pid].category is c
            ]
            assert len(reserve) == min(ISTANBUL.reserve_size, len(left))
            assert {p.person_id for p in reserve} <= set(left)
            assert all(p.category is c for p in reserve)


def test_the_seriously_ill_go_on_the_first_day_when_they_come_first() -> None:
    people = [candidate(f"u{i}", "UA", facility=f"F{i % 3}") for i in range(6)]
    people += [candidate(f"r{i}", "RU", facility="G") for i in range(6)]
    people[4] = replace(people[4], health=Health.SERIOUSLY_ILL)
    terms = simple_terms([2, 2], reserve_size=1)
    plan = plan_exchange(terms, people)
    assert "u4" in plan.tranches[0].person_ids("UA")
    assert plan.tranches[0].sides["UA"][0].priority == PriorityGroup.SERIOUSLY_ILL.value
    assert verify_plan(plan, terms, people) == []


def test_priority_groups_are_chosen_before_anyone_else() -> None:
    people = [candidate(f"u{i}", "UA", captured_on=date(2020, 1, 1 + i)) for i in range(5)]
    people.append(candidate("u-2014", "UA", captured_on=date(2014, 6, 1)))
    people += [candidate(f"r{i}", "RU") for i in range(5)]
    plan = plan_exchange(simple_terms([1]), people)
    assert plan.tranches[0].person_ids("UA") == ("u-2014",)
    assert plan.reserves["UA"][Category.MILITARY][0].person_id == "u0"


def test_people_from_one_facility_travel_together_where_possible() -> None:
    people = [candidate(f"u{i}", "UA", facility=f"F{i // 4}") for i in range(12)]
    people += [candidate(f"r{i}", "RU", facility="G") for i in range(12)]
    plan = plan_exchange(simple_terms([4, 4, 4], reserve_size=0), people)
    for t in plan.tranches:
        assert len({p.facility for p in t.sides["UA"]}) == 1
    assert plan.report.facility_groups == 3 + 3
    assert plan.report.status == "optimal"


def test_the_seriously_ill_outside_parity_travel_beyond_the_quotas() -> None:
    people = [candidate(f"u{i}", "UA") for i in range(4)]
    people += [candidate(f"r{i}", "RU") for i in range(4)]
    people.append(candidate("u-ill", "UA", health=Health.SERIOUSLY_ILL))
    terms = simple_terms([2, 2], seriously_ill_outside_parity=True)
    plan = plan_exchange(terms, people)
    first = plan.tranches[0].sides["UA"][0]
    assert (first.person_id, first.outside_parity) == ("u-ill", True)
    assert plan.tranches[0].counted("UA") == plan.tranches[0].counted("RU") == 2
    assert verify_plan(plan, terms, people) == []


def test_a_quota_above_what_is_offered_is_explained_in_plain_words() -> None:
    people = offer("UA", 600, 3, military_share=1.0) + [
        candidate(f"r{i}", "RU") for i in range(250)
    ]
    people += [candidate(f"rc{i}", "RU", category=Category.CIVILIAN) for i in range(900)]
    with pytest.raises(TermsCannotBeMetError) as err:
        plan_exchange(FREE_LATER_DAYS, people)
    messages = [s.message for s in err.value.shortfalls]
    assert (
        "military quota for day-1 (2025-05-23) is 270 per side but RU offers only 250 "
        "eligible military: 20 short"
    ) in messages
    short = next(s for s in err.value.shortfalls if s.side == "RU")
    assert (short.constraint, short.short) == ("tranche_quota:day-1:military", 20)


def test_too_little_crossing_capacity_is_explained() -> None:
    people = offer("UA", 1400, 1) + offer("RU", 1400, 2)
    with pytest.raises(TermsCannotBeMetError) as err:
        plan_exchange(istanbul_2025_terms(daily_capacity=300), people)
    text = str(err.value)
    assert "capacity at ua-by-border on 2025-05-23 is 300 per side" in text
    assert "90 over" in text
    assert "INFEASIBLE" not in text


def test_parity_per_category_limits_what_can_be_matched() -> None:
    people = [candidate(f"u{i}", "UA") for i in range(10)]
    people += [candidate(f"r{i}", "RU", category=Category.CIVILIAN) for i in range(10)]
    with pytest.raises(TermsCannotBeMetError) as err:
        plan_exchange(simple_terms([5]), people)
    [short] = err.value.shortfalls
    assert short.constraint == "parity"
    assert short.short == 5
    assert "at most 0 per side can be matched" in short.message


def test_the_solver_names_the_constraint_and_the_people_missing_when_arithmetic_cannot() -> None:
    from homeward.planning.counts import SolverOptions, elastic_shortfalls
    from homeward.planning.pool import build_pool

    people = [candidate(f"u{i}", "UA") for i in range(300)]
    people += [candidate(f"r{i}", "RU") for i in range(250)]
    people += [candidate(f"rc{i}", "RU", category=Category.CIVILIAN) for i in range(900)]
    people += [candidate(f"uc{i}", "UA", category=Category.CIVILIAN) for i in range(900)]
    shortfalls = elastic_shortfalls(
        FREE_LATER_DAYS, build_pool(FREE_LATER_DAYS, people), SolverOptions()
    )
    [short] = [s for s in shortfalls if s.constraint == "tranche_quota:day-1:military"]
    assert short.side == "RU"
    assert short.short == 20
    assert short.message == (
        "military quota for day-1 is 270 per side but RU can give only 250: 20 short"
    )


def test_the_solver_reports_capacity_missed_by_the_seriously_ill() -> None:
    from homeward.planning.counts import SolverOptions, elastic_shortfalls
    from homeward.planning.pool import build_pool

    people = [candidate(f"u{i}", "UA") for i in range(4)]
    people += [candidate(f"r{i}", "RU") for i in range(4)]
    people += [candidate(f"ill{i}", "UA", health=Health.SERIOUSLY_ILL) for i in range(3)]
    terms = simple_terms([2, 2], capacity=3, seriously_ill_outside_parity=True)
    shortfalls = elastic_shortfalls(terms, build_pool(terms, people), SolverOptions())
    assert sum(s.short for s in shortfalls) == 1
    assert shortfalls[0].constraint.startswith("capacity:X:")
    assert shortfalls[0].message.endswith("but UA would need 4: 1 over")
    with pytest.raises(TermsCannotBeMetError, match="crossing capacity over all days is 6"):
        plan_exchange(terms, people)
