"""Between the registry and the planner: candidates in, stored tranches out."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select

from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_exchange import releases
from homeward.adapters.tables_registry import persons
from homeward.domain.values import Health, LegalStatus, Side
from homeward.planning.model import Candidate
from homeward.planning.plan import Plan
from homeward.services.handover import PlannedTranche, ReservePerson


def offer_candidates(conn: Connection, side: Side, person_ids: Sequence[int]) -> list[Candidate]:
    """The people ``side`` offers to release, as the planner sees them."""
    released = set(conn.execute(select(releases.c.person_id)).scalars())
    rows = conn.execute(select(persons).where(persons.c.id.in_(list(person_ids)))).all()
    out = []
    for row in rows:
        record = row_to_record(row)
        out.append(
            Candidate(
                person_id=str(row.id),
                side=side.value,
                category=record.effective_category,
                health=record.health or Health.FIT,
                sex=record.sex.value if record.sex else None,
                date_of_birth=str(record.date_of_birth) if record.date_of_birth else None,
                captured_on=record.date_of_capture.earliest() if record.date_of_capture else None,
                facility=record.held_at or "",
                status=record.status.value if record.status else "",
                acknowledged=row.custody != "claimed_by_family",
                already_released=row.id in released,
                deceased=record.status in (LegalStatus.DECEASED, LegalStatus.REMAINS),
            )
        )
    return out


def plan_to_tranches(plan: Plan) -> tuple[list[PlannedTranche], list[ReservePerson]]:
    """The planner's result in the shape the handover service stores."""
    planned = [
        PlannedTranche(
            day=number,
            date=tranche.day,
            crossing=tranche.crossing,
            people={
                Side(side): [(int(p.person_id), p.category) for p in people]
                for side, people in tranche.sides.items()
            },
        )
        for number, tranche in enumerate(plan.tranches, start=1)
    ]
    reserve = [
        ReservePerson(int(p.person_id), Side(side), category, rank)
        for side, by_category in plan.reserves.items()
        for category, people in by_category.items()
        for rank, p in enumerate(people, start=1)
    ]
    return planned, reserve
