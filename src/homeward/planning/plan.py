"""What the planner returns: tranches with each side's ordered people, and reserves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from homeward.planning.model import Category


@dataclass(frozen=True)
class PlannedPerson:
    person_id: str
    category: Category
    facility: str
    priority: str | None = None
    outside_parity: bool = False


@dataclass(frozen=True)
class TranchePlan:
    tranche_id: str
    day: date
    crossing: str
    sides: Mapping[str, tuple[PlannedPerson, ...]]

    def person_ids(self, side: str) -> tuple[str, ...]:
        return tuple(p.person_id for p in self.sides[side])

    def counted(self, side: str, category: Category | None = None) -> int:
        """People who count towards quotas and parity (not the seriously ill outside it)."""
        return sum(
            1
            for p in self.sides[side]
            if not p.outside_parity and (category is None or p.category is category)
        )


@dataclass(frozen=True)
class SolveReport:
    """How good the plan is: ``gap`` is 0 when CP-SAT proved the grouping optimal."""

    status: str
    facility_groups: int
    bound: int
    seconds: float

    @property
    def gap(self) -> float:
        if self.facility_groups == 0:
            return 0.0
        return (self.facility_groups - self.bound) / self.facility_groups


@dataclass(frozen=True)
class Plan:
    terms_name: str
    tranches: tuple[TranchePlan, ...]
    reserves: Mapping[str, Mapping[Category, tuple[PlannedPerson, ...]]]
    report: SolveReport = field(compare=False)

    def tranche(self, tranche_id: str) -> TranchePlan:
        for t in self.tranches:
            if t.tranche_id == tranche_id:
                return t
        raise KeyError(tranche_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the report's gap is the only float)."""

        def person(p: PlannedPerson) -> dict[str, Any]:
            return {
                "person_id": p.person_id,
                "category": p.category.value,
                "facility": p.facility,
                "priority": p.priority,
                "outside_parity": p.outside_parity,
            }

        return {
            "terms_name": self.terms_name,
            "tranches": [
                {
                    "tranche_id": t.tranche_id,
                    "day": t.day.isoformat(),
                    "crossing": t.crossing,
                    "sides": {s: [person(p) for p in ps] for s, ps in t.sides.items()},
                }
                for t in self.tranches
            ],
            "reserves": {
                s: {c.value: [person(p) for p in ps] for c, ps in r.items()}
                for s, r in self.reserves.items()
            },
            "report": {
                "status": self.report.status,
                "facility_groups": self.report.facility_groups,
                "bound": self.report.bound,
                "gap": self.report.gap,
                "seconds": self.report.seconds,
            },
        }


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    """Inverse of ``Plan.to_dict`` (for plans stored as JSON)."""

    def person(d: Mapping[str, Any]) -> PlannedPerson:
        return PlannedPerson(
            person_id=d["person_id"],
            category=Category(d["category"]),
            facility=d["facility"],
            priority=d["priority"],
            outside_parity=d["outside_parity"],
        )

    rep = data["report"]
    return Plan(
        terms_name=data["terms_name"],
        tranches=tuple(
            TranchePlan(
                tranche_id=t["tranche_id"],
                day=date.fromisoformat(t["day"]),
                crossing=t["crossing"],
                sides={s: tuple(person(p) for p in ps) for s, ps in t["sides"].items()},
            )
            for t in data["tranches"]
        ),
        reserves={
            s: {Category(c): tuple(person(p) for p in ps) for c, ps in r.items()}
            for s, r in data["reserves"].items()
        },
        report=SolveReport(rep["status"], rep["facility_groups"], rep["bound"], rep["seconds"]),
    )
