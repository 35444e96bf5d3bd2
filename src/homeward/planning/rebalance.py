"""Live rebalancing: when a handover fails, keep the tranche at parity.

The failed person's side sends the best-ranked person of its reserve in the same category;
when that reserve is empty, the other side holds back its lowest-ranked person of the same
category in the tranche (they go to the front of that side's reserve); with parity over the
whole exchange, from another tranche if this one has nobody left. Nothing changes until
the mediator confirms: ``propose_rebalance`` only proposes, ``apply_proposal`` applies.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from homeward.planning.model import Category, Parity, Terms
from homeward.planning.plan import Plan, PlannedPerson, TranchePlan


class Failure(StrEnum):
    NOT_FOUND = "not_found"
    REFUSES = "refuses"
    DECEASED = "deceased"
    UNFIT = "unfit"
    IDENTITY_MISMATCH = "identity_mismatch"


class Action(StrEnum):
    SUBSTITUTE = "substitute"
    HOLD_BACK_COUNTERPART = "hold_back_counterpart"
    DROP_OUTSIDE_PARITY = "drop_outside_parity"


class CannotRebalanceError(ValueError):
    """The person is not in the tranche, or parity cannot be restored."""


@dataclass(frozen=True)
class Proposal:
    """What the mediator is asked to confirm after a failed handover."""

    tranche_id: str
    side: str
    failed_person_id: str
    failure: Failure
    category: Category
    action: Action
    explanation: str
    substitute_id: str | None = None
    held_back_side: str | None = None
    held_back_person_id: str | None = None
    held_back_tranche_id: str | None = None


def _find(tranche: TranchePlan, side: str, person_id: str) -> PlannedPerson:
    for p in tranche.sides.get(side, ()):
        if p.person_id == person_id:
            return p
    raise CannotRebalanceError(
        f"{person_id} is not on {side}'s list for tranche {tranche.tranche_id}"
    )


def _counterpart(
    tranche: TranchePlan, side: str, category: Category, parity: Parity
) -> PlannedPerson | None:
    people = [p for p in tranche.sides[side] if not p.outside_parity]
    same = [p for p in people if p.category is category]
    pick = same or (people if parity is not Parity.PER_TRANCHE_AND_CATEGORY else [])
    return pick[-1] if pick else None  # ordered priority first: the last ranks lowest


def _counterpart_anywhere(
    plan: Plan, tranche: TranchePlan, side: str, category: Category, parity: Parity
) -> tuple[TranchePlan, PlannedPerson]:
    """The person ``side`` holds back: in the same tranche; with parity over the whole
    exchange, in the latest other tranche that has someone when this one has nobody."""
    candidates = [tranche]
    if parity is Parity.OVERALL:
        others = [t for t in plan.tranches if t.tranche_id != tranche.tranche_id]
        candidates += sorted(others, key=lambda t: t.day, reverse=True)
    for candidate in candidates:
        held = _counterpart(candidate, side, category, parity)
        if held is not None:
            return candidate, held
    where = "the exchange" if parity is Parity.OVERALL else f"tranche {tranche.tranche_id}"
    raise CannotRebalanceError(
        f"{side} has nobody of category {category.value} left in {where} to hold back"
    )


def propose_rebalance(
    plan: Plan, terms: Terms, *, tranche_id: str, side: str, person_id: str, failure: Failure
) -> Proposal:
    """Propose how to keep ``tranche_id`` at parity after ``person_id`` of ``side`` failed.

    The side's reserve sends a substitute of the same category; with that reserve empty,
    the other side holds back its lowest-ranked person of the category in the tranche.
    """
    tranche = plan.tranche(tranche_id)
    failed = _find(tranche, side, person_id)
    why = Failure(failure)

    def make(action: Action, explanation: str, **extra: str) -> Proposal:
        return Proposal(
            tranche_id=tranche_id,
            side=side,
            failed_person_id=person_id,
            failure=why,
            category=failed.category,
            action=action,
            explanation=explanation,
            **extra,
        )

    if failed.outside_parity:
        return make(
            Action.DROP_OUTSIDE_PARITY,
            f"{person_id} travels outside parity: no substitute is needed",
        )
    reserve = plan.reserves[side].get(failed.category, ())
    if reserve:
        sub = reserve[0]
        return make(
            Action.SUBSTITUTE,
            f"{side} sends {sub.person_id}, first in its {failed.category.value} reserve, "
            f"in place of {person_id} ({why.value})",
            substitute_id=sub.person_id,
        )
    other = next(s for s in terms.sides if s != side)
    held_in, held = _counterpart_anywhere(plan, tranche, other, failed.category, terms.parity)
    return make(
        Action.HOLD_BACK_COUNTERPART,
        f"{side}'s {failed.category.value} reserve is empty: {other} holds back "
        f"{held.person_id} (tranche {held_in.tranche_id}) so parity is kept",
        held_back_side=other,
        held_back_person_id=held.person_id,
        held_back_tranche_id=held_in.tranche_id,
    )


def apply_proposal(plan: Plan, proposal: Proposal) -> Plan:
    """The plan after the mediator confirmed ``proposal``."""
    tranche = plan.tranche(proposal.tranche_id)
    sides = dict(tranche.sides)
    reserves = {s: dict(r) for s, r in plan.reserves.items()}
    failed = _find(tranche, proposal.side, proposal.failed_person_id)
    if proposal.action is Action.SUBSTITUTE:
        reserve = reserves[proposal.side][failed.category]
        if not reserve or reserve[0].person_id != proposal.substitute_id:
            raise CannotRebalanceError("the reserve changed since the proposal was made")
        sides[proposal.side] = tuple(
            reserve[0] if p.person_id == failed.person_id else p for p in sides[proposal.side]
        )
        reserves[proposal.side][failed.category] = reserve[1:]
    else:
        sides[proposal.side] = tuple(
            p for p in sides[proposal.side] if p.person_id != failed.person_id
        )
    changed = {tranche.tranche_id: replace(tranche, sides=sides)}
    if proposal.action is Action.HOLD_BACK_COUNTERPART:
        assert proposal.held_back_side is not None
        other = proposal.held_back_side
        held_in = plan.tranche(proposal.held_back_tranche_id or proposal.tranche_id)
        base = changed.get(held_in.tranche_id, held_in)
        held = _find(base, other, proposal.held_back_person_id or "")
        kept = tuple(p for p in base.sides[other] if p.person_id != held.person_id)
        changed[held_in.tranche_id] = replace(base, sides={**base.sides, other: kept})
        reserves[other][held.category] = (held, *reserves[other].get(held.category, ()))
    return replace(
        plan,
        tranches=tuple(changed.get(t.tranche_id, t) for t in plan.tranches),
        reserves=reserves,
    )
