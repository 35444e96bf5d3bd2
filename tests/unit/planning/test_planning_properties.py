"""Property-based tests: random feasible terms give plans that keep every rule; broken
terms get an explanation naming the constraint; rebalancing always keeps parity."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.planning import (
    Action,
    Candidate,
    Category,
    CrossingPoint,
    Failure,
    Health,
    Parity,
    Plan,
    PriorityGroup,
    Terms,
    TermsCannotBeMetError,
    TrancheTerms,
    apply_proposal,
    check_eligibility,
    plan_exchange,
    propose_rebalance,
    verify_plan,
)

SIDES = ("UA", "RU")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def people(draw: st.DrawFn, side: str) -> list[Candidate]:
    n = draw(st.integers(0, 30))
    out = []
    for i in range(n):
        out.append(
            Candidate(
                person_id=f"{side}{i:03d}",
                side=side,
                category=draw(st.sampled_from(list(Category))),
                health=draw(st.sampled_from([Health.FIT, Health.FIT, Health.SERIOUSLY_ILL])),
                sex=draw(st.sampled_from(["M", "F", None])),
                date_of_birth=draw(st.sampled_from([None, "1980", "2003-02", "2002-07-01"])),
                captured_on=draw(st.sampled_from([None, date(2014, 5, 1), date(2023, 1, 1)])),
                facility=f"{side}F{draw(st.integers(0, 3))}",
                acknowledged=draw(st.booleans()) or draw(st.booleans()),
                already_released=draw(st.integers(0, 9)) == 0,
            )
        )
    return out


@dataclass(frozen=True)
class Case:
    terms: Terms
    people: list[Candidate]


@st.composite
def feasible_cases(draw: st.DrawFn) -> Case:
    """Terms built from what both sides can actually match, so a plan must exist."""
    everyone = draw(people("UA")) + draw(people("RU"))
    outside = draw(st.booleans())
    groups = tuple(draw(st.permutations(list(PriorityGroup)))[: draw(st.integers(0, 4))])
    probe = Terms(
        name="probe",
        total_per_side=0,
        tranches=(TrancheTerms("t1", date(2025, 6, 1), "X"),),
        crossing_points=(CrossingPoint("X", 0),),
        seriously_ill_outside_parity=outside,
    )
    eligible = check_eligibility(probe, everyone).eligible_ids()

    def counted(p: Candidate) -> bool:
        return p.person_id in eligible and not (outside and p.health is Health.SERIOUSLY_ILL)

    avail = {
        c: min(
            sum(1 for p in everyone if counted(p) and p.side == s and p.category is c)
            for s in SIDES
        )
        for c in Category
    }
    n_tranches = draw(st.integers(1, 4))
    plan: list[dict[Category, int]] = [dict.fromkeys(Category, 0) for _ in range(n_tranches)]
    for c in Category:
        use = draw(st.integers(0, avail[c]))
        for _ in range(use):
            plan[draw(st.integers(0, n_tranches - 1))][c] += 1
    outside_max = max(
        sum(
            1
            for p in everyone
            if p.person_id in eligible and p.side == s and p.health is Health.SERIOUSLY_ILL
        )
        if outside
        else 0
        for s in SIDES
    )
    tranches = []
    for i, counts in enumerate(plan):
        fix = draw(st.sampled_from(["none", "total", "categories", "both", "military"]))
        total = sum(counts.values())
        tranches.append(
            TrancheTerms(
                id=f"t{i + 1}",
                day=date(2025, 6, 1) + timedelta(days=i),
                crossing="X",
                total=total if fix in ("total", "both") else None,
                military=counts[Category.MILITARY]
                if fix in ("categories", "both", "military")
                else None,
                civilian=counts[Category.CIVILIAN] if fix in ("categories", "both") else None,
            )
        )
    total = sum(sum(c.values()) for c in plan)
    capacity = max(sum(c.values()) for c in plan) + outside_max + draw(st.integers(0, 3))
    overall_military = sum(c[Category.MILITARY] for c in plan) if draw(st.booleans()) else None
    terms = Terms(
        name="random",
        total_per_side=total,
        tranches=tuple(tranches),
        crossing_points=(CrossingPoint("X", capacity),),
        parity=draw(st.sampled_from(list(Parity))),
        military=overall_military,
        priority_groups=groups,
        seriously_ill_outside_parity=outside,
        reserve_size=draw(st.integers(0, 5)),
    )
    return Case(terms, everyone)


@SETTINGS
@given(feasible_cases())
def test_every_plan_for_feasible_terms_keeps_every_rule(case: Case) -> None:
    plan = plan_exchange(case.terms, case.people)
    assert verify_plan(plan, case.terms, case.people) == []


@SETTINGS
@given(feasible_cases(), st.randoms(use_true_random=False))
def test_planning_is_deterministic_whatever_the_order_of_the_offer(case: Case, rnd) -> None:  # type: ignore[no-untyped-def]
    first = plan_exchange(case.terms, case.people)
    shuffled = list(case.people)
    rnd.shuffle(shuffled)
    again = plan_exchange(case.terms, shuffled)
    assert (again.tranches, again.reserves) == (first.tranches, first.reserves)


KNOWN = ("tranche_quota", "tranche_total", "quota", "total_per_side", "capacity", "parity")


@SETTINGS
@given(feasible_cases(), st.sampled_from(["quota", "total", "capacity"]), st.integers(1, 20))
def test_terms_that_cannot_be_met_are_explained_by_the_constraint_missed(
    case: Case, breach: str, extra: int
) -> None:
    terms = case.terms
    if breach == "quota":
        # Ask the first tranche for more military than either side could possibly give.
        held = max(sum(1 for p in case.people if p.side == s) for s in SIDES)
        first = replace(terms.tranches[0], military=held + extra, total=None)
        terms = replace(terms, tranches=(first, *terms.tranches[1:]))
    elif breach == "total":
        terms = replace(terms, total_per_side=len(case.people) + extra)
    else:
        if terms.total_per_side == 0:
            return
        capacity = max(0, terms.total_per_side // len(terms.tranches) - extra)
        if capacity * len(terms.tranches) >= terms.total_per_side:
            return
        terms = replace(terms, crossing_points=(CrossingPoint("X", capacity),))
    with pytest.raises(TermsCannotBeMetError) as err:
        plan_exchange(terms, case.people)
    assert err.value.shortfalls
    for short in err.value.shortfalls:
        assert short.constraint.startswith(KNOWN)
        assert short.message
        assert "INFEASIBLE" not in short.message
    assert any(s.short > 0 for s in err.value.shortfalls)


def _parity_holds(plan: Plan, terms: Terms) -> bool:
    if terms.parity is Parity.OVERALL:
        return sum(t.counted("UA") for t in plan.tranches) == sum(
            t.counted("RU") for t in plan.tranches
        )
    for t in plan.tranches:
        if terms.parity is Parity.PER_TRANCHE_AND_CATEGORY:
            if any(t.counted("UA", c) != t.counted("RU", c) for c in Category):
                return False
        elif t.counted("UA") != t.counted("RU"):
            return False
    return True


@SETTINGS
@given(
    feasible_cases(),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(SIDES), st.sampled_from(list(Failure))),
        min_size=1,
        max_size=15,
    ),
)
def test_rebalancing_keeps_parity_after_every_failed_handover(
    case: Case, failures: list[tuple[int, str, Failure]]
) -> None:
    terms = case.terms
    plan = plan_exchange(terms, case.people)
    assert _parity_holds(plan, terms)
    gone: set[str] = set()
    for pick, side, failure in failures:
        on_list = [(t.tranche_id, p) for t in plan.tranches for p in t.sides[side]]
        if not on_list:
            continue
        tranche_id, person = on_list[pick % len(on_list)]
        proposal = propose_rebalance(
            plan,
            terms,
            tranche_id=tranche_id,
            side=side,
            person_id=person.person_id,
            failure=failure,
        )
        if proposal.action is Action.SUBSTITUTE:
            assert proposal.substitute_id is not None
            assert proposal.substitute_id not in gone
        plan = apply_proposal(plan, proposal)
        gone.add(person.person_id)
        assert _parity_holds(plan, terms)
        everyone = [pid for t in plan.tranches for s in SIDES for pid in t.person_ids(s)]
        assert len(everyone) == len(set(everyone))
        assert person.person_id not in everyone
