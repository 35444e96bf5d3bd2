"""The planner's result as the domain's tranches: the model the crossing rebalances.

A plan names people by the planner's string ids; the domain counts handovers by integer
id. ``exchange_from_plan`` numbers people and handovers and gives the mapping back, so a
test or a benchmark can run exactly the rebalancing the crossing runs on a stored plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from homeward.domain.handover import Handover
from homeward.domain.tranche import Exchange, Parity, Tranche
from homeward.domain.values import Side
from homeward.planning.plan import Plan


@dataclass(frozen=True)
class PlanExchange:
    """The domain exchange built from a plan, and the planner's id of each person."""

    exchange: Exchange
    person_ids: dict[int, str]

    def number_of(self, person_id: str) -> int:
        for number, pid in self.person_ids.items():
            if pid == person_id:
                return number
        raise KeyError(person_id)


def exchange_from_plan(plan: Plan, parity: Parity) -> PlanExchange:
    """Tranches numbered from day 1 in plan order; handovers numbered from 1."""
    numbers: dict[str, int] = {}

    def number(person_id: str) -> int:
        return numbers.setdefault(person_id, len(numbers) + 1)

    tranches = []
    handover_id = 0
    for day, planned in enumerate(plan.tranches, start=1):
        tranche = Tranche(day, planned.day)
        for side, people in planned.sides.items():
            for position, p in enumerate(people):
                handover_id += 1
                tranche.handovers.append(
                    Handover(
                        person_id=number(p.person_id),
                        from_side=Side(side),
                        category=p.category,
                        day=day,
                        id=handover_id,
                        position=position,
                        outside_parity=p.outside_parity,
                    )
                )
        tranches.append(tranche)
    reserve = {
        Side(side): {c: [number(p.person_id) for p in people] for c, people in by_cat.items()}
        for side, by_cat in plan.reserves.items()
    }
    exchange = Exchange(parity, tranches, reserve)
    return PlanExchange(exchange, {n: pid for pid, n in numbers.items()})
