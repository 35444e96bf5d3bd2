"""Between the registry and the planner: candidates in, stored tranches out.

``plan_agreement`` plans a signed agreement from the lists each side acknowledged;
``tranche_rows`` and ``manifest`` read the stored tranches back for the plan page and the
paper lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from homeward.adapters.db import among, refresh_statistics
from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.repositories.lists import SqlListRepository
from homeward.adapters.tables_exchange import handovers, releases, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Health, LegalStatus, Side
from homeward.planning.manifest import ManifestHeader, ManifestRow
from homeward.planning.model import Candidate
from homeward.planning.plan import Plan
from homeward.planning.planner import plan_exchange
from homeward.planning.terms_file import terms_from_dict
from homeward.services.carry_over import excluded_ids
from homeward.services.events import EventSink
from homeward.services.exchange import SubmitList, agreement_terms, submit_list
from homeward.services.handover import PlannedTranche, ReservePerson, save_plan
from homeward.services.rounds import ensure_can_plan


def offer_candidates(conn: Connection, side: Side, person_ids: Sequence[int]) -> list[Candidate]:
    """The people ``side`` offers to release, as the planner sees them."""
    released = set(conn.execute(select(releases.c.person_id)).scalars())
    rows = conn.execute(select(persons).where(among(persons.c.id, person_ids))).all()
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


def acknowledged_candidates(conn: Connection) -> list[Candidate]:
    """The people each side acknowledged holding (newest list to the other side)."""
    return [
        c
        for side in BELLIGERENTS
        for c in offer_candidates(
            conn, side, SqlListRepository(conn).latest(side, ListKind.HOLDINGS_ACK, side.other)
        )
    ]


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
            outside_parity=frozenset(
                int(p.person_id)
                for people in tranche.sides.values()
                for p in people
                if p.outside_parity
            ),
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


def plan_agreement(
    engine: Engine, events: EventSink, agreement_id: int, code_key: bytes | None = None
) -> list[int]:
    """Plan the tranches of a signed agreement from the acknowledged lists, submit each
    side's release offer and store the plan (as the demo does); returns the tranche ids."""
    stored = agreement_terms(agreement_id, SqlUnitOfWork(engine))
    if stored.get("format") == "homeward-category-terms/1":
        from homeward.services.category_round import plan_category_round

        return plan_category_round(engine, events, agreement_id)
    terms = terms_from_dict(stored)
    with engine.connect() as conn:
        ensure_can_plan(conn, agreement_id)  # before any release offer is submitted
        # Carry-over: people an earlier round keeps out are never offered to the planner.
        kept_out = excluded_ids(conn)
        candidates = [c for c in acknowledged_candidates(conn) if int(c.person_id) not in kept_out]
    plan = plan_exchange(terms, candidates)
    planned, reserve = plan_to_tranches(plan)
    for side in BELLIGERENTS:
        offered = [int(p.person_id) for t in plan.tranches for p in t.sides[side.value]]
        submit_list(
            SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered),
            SqlUnitOfWork(engine, events),
        )
    tranche_ids = save_plan(agreement_id, planned, reserve, engine, events, code_key)
    refresh_statistics(engine, PLAN_TABLES)
    return tranche_ids


# Written in bulk when a plan is stored: their statistics are refreshed afterwards.
PLAN_TABLES = ("exchange_lists", "exchange_list_items", "tranches", "handovers", "reserves")


_GONE = (HandoverState.FAILED.value, HandoverState.WITHDRAWN.value)


def tranche_rows(engine: Engine, agreement_id: int) -> list[dict[str, Any]]:
    """Tranches with counts per side and state; ``size`` counts the people due (failed and
    withdrawn handovers are left out, their substitutes are in), ``exceptions`` the rest."""
    with engine.connect() as conn:
        days = conn.execute(
            select(tranches).where(tranches.c.agreement_id == agreement_id).order_by(tranches.c.day)
        ).all()
        counts = conn.execute(
            select(
                handovers.c.tranche_id, handovers.c.from_party, handovers.c.state, func.count()
            ).group_by(handovers.c.tranche_id, handovers.c.from_party, handovers.c.state)
        ).all()
    out = []
    for t in days:
        by: dict[str, dict[str, int]] = {"UA": {}, "RU": {}}
        for tranche_id, party, state, n in counts:
            if tranche_id == t.id:
                by[party][state] = int(n)
        out.append(
            {
                "id": t.id,
                "day": t.day,
                "date": t.date,
                "crossing": t.crossing,
                "status": t.status,
                "by": by,
                "size": {
                    p: sum(n for state, n in v.items() if state not in _GONE) for p, v in by.items()
                },
                "exceptions": {
                    p: sum(n for state, n in v.items() if state in _GONE) for p, v in by.items()
                },
            }
        )
    return out


def manifest(
    engine: Engine, tranche_id: int, side: Side
) -> tuple[list[ManifestRow], ManifestHeader]:
    """The paper list of the people ``side`` still hands over in a stored tranche, in list
    order: failed and withdrawn handovers are left out, substitutes are in
    (``NoResultFound`` if there is no such tranche)."""
    with engine.connect() as conn:
        t = conn.execute(select(tranches).where(tranches.c.id == tranche_id)).one()
        rows = conn.execute(
            select(handovers.c.checkin_code, handovers.c.category, persons)
            .join(persons, persons.c.id == handovers.c.person_id)
            .where(
                handovers.c.tranche_id == tranche_id,
                handovers.c.from_party == side.value,
                handovers.c.state.not_in(
                    [HandoverState.FAILED.value, HandoverState.WITHDRAWN.value]
                ),
            )
            .order_by(handovers.c.position, handovers.c.id)
        ).all()
    header = ManifestHeader(
        title=f"Tranche day-{t.day}: people released by {side.value}",
        tranche_id=f"day-{t.day}",
        side=side.value,
        day=t.date,
        crossing=t.crossing,
    )
    return [
        ManifestRow(
            r.checkin_code,
            r.surname,
            r.given_name,
            r.patronymic or "",
            r.date_of_birth or "",
            r.category,
        )
        for r in rows
    ], header
