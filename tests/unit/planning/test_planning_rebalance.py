from __future__ import annotations

import pytest
from tests.unit.planning.planning_factories import candidate, simple_terms

from homeward.planning import (
    Action,
    CannotRebalanceError,
    Category,
    Failure,
    Health,
    apply_proposal,
    plan_exchange,
    propose_rebalance,
)


def _people(ua_spare: int) -> list:  # type: ignore[type-arg]
    ua = [candidate(f"u{i}", "UA") for i in range(2 + ua_spare)]
    ru = [candidate(f"r{i}", "RU") for i in range(4)]
    return ua + ru


def test_a_refusal_is_replaced_by_the_first_in_the_same_sides_reserve() -> None:
    terms = simple_terms([2], reserve_size=2)
    plan = plan_exchange(terms, _people(ua_spare=2))
    first = plan.reserves["UA"][Category.MILITARY][0].person_id
    proposal = propose_rebalance(
        plan, terms, tranche_id="t1", side="UA", person_id="u0", failure=Failure.REFUSES
    )
    assert proposal.action is Action.SUBSTITUTE
    assert proposal.substitute_id == first
    assert "in place of u0 (refuses)" in proposal.explanation
    after = apply_proposal(plan, proposal)
    assert after.tranches[0].person_ids("UA") == (first, "u1")
    assert first not in {p.person_id for p in after.reserves["UA"][Category.MILITARY]}
    assert after.tranches[0].counted("UA") == after.tranches[0].counted("RU") == 2


def test_with_an_empty_reserve_the_other_side_holds_back_its_last_person() -> None:
    terms = simple_terms([2], reserve_size=2)
    plan = plan_exchange(terms, _people(ua_spare=0))
    proposal = propose_rebalance(
        plan, terms, tranche_id="t1", side="UA", person_id="u1", failure=Failure.DECEASED
    )
    assert proposal.action is Action.HOLD_BACK_COUNTERPART
    assert proposal.held_back_side == "RU"
    assert proposal.held_back_person_id == plan.tranches[0].person_ids("RU")[-1]
    after = apply_proposal(plan, proposal)
    assert after.tranches[0].counted("UA") == after.tranches[0].counted("RU") == 1
    held = after.reserves["RU"][Category.MILITARY][0]
    assert held.person_id == proposal.held_back_person_id


def test_someone_outside_parity_who_fails_needs_no_counterpart() -> None:
    people = [*_people(ua_spare=0), candidate("u-ill", "UA", health=Health.SERIOUSLY_ILL)]
    terms = simple_terms([2], seriously_ill_outside_parity=True)
    plan = plan_exchange(terms, people)
    proposal = propose_rebalance(
        plan, terms, tranche_id="t1", side="UA", person_id="u-ill", failure=Failure.UNFIT
    )
    assert proposal.action is Action.DROP_OUTSIDE_PARITY
    after = apply_proposal(plan, proposal)
    assert "u-ill" not in after.tranches[0].person_ids("UA")
    assert after.tranches[0].person_ids("RU") == plan.tranches[0].person_ids("RU")


def test_a_person_not_on_the_list_cannot_be_rebalanced() -> None:
    terms = simple_terms([2])
    plan = plan_exchange(terms, _people(ua_spare=0))
    with pytest.raises(CannotRebalanceError, match="not on UA's list"):
        propose_rebalance(
            plan, terms, tranche_id="t1", side="UA", person_id="nobody", failure=Failure.NOT_FOUND
        )


def test_a_stale_proposal_is_refused() -> None:
    terms = simple_terms([2], reserve_size=2)
    plan = plan_exchange(terms, _people(ua_spare=2))
    proposal = propose_rebalance(
        plan, terms, tranche_id="t1", side="UA", person_id="u0", failure=Failure.REFUSES
    )
    other = propose_rebalance(
        plan, terms, tranche_id="t1", side="UA", person_id="u1", failure=Failure.REFUSES
    )
    after = apply_proposal(plan, proposal)
    with pytest.raises(CannotRebalanceError, match="reserve changed"):
        apply_proposal(after, other)
