"""Glue between the pages and the exchange services, for steps no service offers whole.

Each function composes existing services the way ``services/demo.py`` does (lists, exact
matching, terms, planning, manifests). No rule of the exchange is decided here: the services
and the planner decide. Candidates for moving into ``services/`` are listed in docs/web.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, update

from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_exchange import (
    agreement_signatures,
    agreements,
    exchange_list_items,
    exchange_lists,
    handovers,
    identity_links,
    interview_notes,
    tranches,
)
from homeward.adapters.tables_registry import persons
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, RegistryKind, Side
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.eligibility import check_eligibility
from homeward.planning.manifest import ManifestHeader, ManifestRow
from homeward.planning.model import Terms
from homeward.planning.planner import plan_exchange
from homeward.planning.terms_file import terms_from_dict
from homeward.services.events import EventSink
from homeward.services.exchange import (
    SubmitList,
    agreement_terms,
    create_agreement,
    latest_list,
    list_versions_diff,
    record_links,
    submit_list,
)
from homeward.services.handover import save_plan
from homeward.services.list_matching import link_lists
from homeward.services.planning_bridge import offer_candidates, plan_to_tranches

LIST_FROM_REGISTRY = {
    ListKind.SOUGHT: RegistryKind.SOUGHT,
    ListKind.HOLDINGS_ACK: RegistryKind.HOLDINGS,
}


def registry_ids(engine: Engine, party: Side, kind: RegistryKind) -> list[int]:
    with engine.connect() as conn:
        query = select(persons.c.id).where(
            persons.c.party == party.value, persons.c.kind == kind.value
        )
        return sorted(conn.execute(query).scalars())


def submit_registry(engine: Engine, events: EventSink, party: Side, kind: ListKind) -> int:
    """Submit the party's whole registry as a new list version to the other side and the
    mediator; returns the version."""
    ids = registry_ids(engine, party, LIST_FROM_REGISTRY[kind])
    version = 0
    for recipient in (party.other, Side.MEDIATOR):
        version = submit_list(SubmitList(party, kind, recipient, ids), engine, events).version
    return version


@dataclass(frozen=True, slots=True)
class ListVersion:
    party: str
    kind: str
    recipient: str
    version: int
    size: int
    submitted_at: Any


def list_versions(engine: Engine, parties: tuple[Side, ...]) -> list[ListVersion]:
    count = func.count(exchange_list_items.c.person_id)
    query = (
        select(exchange_lists, count.label("size"))
        .join(
            exchange_list_items, exchange_list_items.c.list_id == exchange_lists.c.id, isouter=True
        )
        .where(exchange_lists.c.party.in_([p.value for p in parties]))
        .group_by(exchange_lists.c.id)
        .order_by(
            exchange_lists.c.party,
            exchange_lists.c.kind,
            exchange_lists.c.recipient,
            exchange_lists.c.version.desc(),
        )
    )
    with engine.connect() as conn:
        return [
            ListVersion(r.party, r.kind, r.recipient, r.version, int(r.size), r.submitted_at)
            for r in conn.execute(query)
        ]


def person_rows(engine: Engine, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons).where(persons.c.id.in_(ids)).order_by(persons.c.surname)
        )
        return [dict(r._mapping) for r in rows]


def list_difference(
    engine: Engine, party: Side, kind: ListKind, recipient: Side, old: int, new: int
) -> dict[str, list[dict[str, Any]]]:
    diff = list_versions_diff(engine, party, kind, recipient, old, new)
    return {
        "added": person_rows(engine, sorted(diff.added)[:200]),
        "removed": person_rows(engine, sorted(diff.removed)[:200]),
    }


def _registry(engine: Engine, party: Side, kind: RegistryKind) -> list[tuple[int, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons).where(persons.c.party == party.value, persons.c.kind == kind.value)
        )
        return [(int(r.id), row_to_record(r)) for r in rows]


def run_matching(
    engine: Engine, events: EventSink, model_path: Path | None = None
) -> dict[str, int]:
    """Match each side's sought registry against the other side's holdings with the
    workspace's model; pairs already linked are left as they are. Returns links per side."""
    with engine.connect() as conn:
        known = {
            (a, b)
            for a, b in conn.execute(
                select(identity_links.c.sought_person_id, identity_links.c.held_person_id)
            )
        }
    out = {}
    for side in BELLIGERENTS:
        links = link_lists(
            _registry(engine, side, RegistryKind.SOUGHT),
            _registry(engine, side.other, RegistryKind.HOLDINGS),
            model_path,
        )
        fresh = [
            link for link in links if (link.sought_person_id, link.held_person_id) not in known
        ]
        record_links(fresh, engine, events)
        out[side.value] = len(fresh)
    return out


@dataclass(frozen=True, slots=True)
class ReviewItem:
    link_id: int
    probability: str
    decision: str
    reasons: dict[str, Any]
    sought: dict[str, Any]
    held: dict[str, Any]


def review_queue(engine: Engine, party: Side | None, limit: int = 50) -> list[ReviewItem]:
    """Links waiting for a person's decision; a party sees those about its sought people."""
    sought_p = persons.alias("sought_p")
    query = (
        select(identity_links)
        .join(sought_p, sought_p.c.id == identity_links.c.sought_person_id)
        .where(identity_links.c.decision == "review")
        .order_by(identity_links.c.id)
        .limit(limit)
    )
    if party is not None:
        query = query.where(sought_p.c.party == party.value)
    with engine.connect() as conn:
        links = conn.execute(query).all()
    items = []
    for link in links:
        rows = {
            r["id"]: r for r in person_rows(engine, [link.sought_person_id, link.held_person_id])
        }
        items.append(
            ReviewItem(
                int(link.id),
                link.probability,
                link.decision,
                json.loads(link.reasons or "{}"),
                rows[link.sought_person_id],
                rows[link.held_person_id],
            )
        )
    return items


def link_party(engine: Engine, link_id: int) -> Side | None:
    """Whose sought person a link is about (None: no such link)."""
    with engine.connect() as conn:
        party = conn.execute(
            select(persons.c.party)
            .join(identity_links, identity_links.c.sought_person_id == persons.c.id)
            .where(identity_links.c.id == link_id)
        ).scalar()
    return None if party is None else Side(party)


def review_link(engine: Engine, events: EventSink, link_id: int, accept: bool, actor: str) -> str:
    """Record a reviewer's decision on a link (stopgap until the matching service offers
    one): "match" or "non_match", with its event, in one transaction."""
    decision = "match" if accept else "non_match"
    with engine.begin() as conn:
        changed = conn.execute(
            update(identity_links)
            .where(identity_links.c.id == link_id, identity_links.c.decision == "review")
            .values(decision=decision)
        ).rowcount
        if changed != 1:
            raise LookupError(f"link {link_id} is not waiting for review")
        events.append(conn, "MatchReviewed", {"link": link_id, "decision": decision, "by": actor})
    return decision


def propose_terms(engine: Engine, events: EventSink, terms: Terms) -> int:
    return create_agreement(terms.name, terms_to_canonical(terms), engine, events)


def agreement_view(engine: Engine, agreement_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        row = conn.execute(select(agreements).where(agreements.c.id == agreement_id)).one()
        signed = {
            r.party: r.signed_at
            for r in conn.execute(
                select(agreement_signatures).where(
                    agreement_signatures.c.agreement_id == agreement_id
                )
            )
        }
        planned = conn.execute(
            select(func.count()).where(tranches.c.agreement_id == agreement_id)
        ).scalar_one()
    return {
        "id": row.id,
        "name": row.name,
        "terms": json.loads(row.terms),
        "signed": signed,
        "planned": int(planned) > 0,
    }


def _candidates(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return [
            c
            for side in BELLIGERENTS
            for c in offer_candidates(
                conn, side, latest_list(conn, side, ListKind.HOLDINGS_ACK, side.other)
            )
        ]


def eligibility(engine: Engine, agreement_id: int) -> dict[str, Any]:
    """The eligibility report for the people each side acknowledged holding."""
    terms = terms_from_dict(agreement_terms(engine, agreement_id))
    report = check_eligibility(terms, _candidates(engine))
    return {"counts": report.counts(), "summary": report.summary()}


def plan_agreement(engine: Engine, events: EventSink, agreement_id: int) -> list[int]:
    """Plan the tranches of a signed agreement from the acknowledged lists, submit each
    side's release offer and store the plan (as the demo does)."""
    terms = terms_from_dict(agreement_terms(engine, agreement_id))
    plan = plan_exchange(terms, _candidates(engine))
    planned, reserve = plan_to_tranches(plan)
    for side in BELLIGERENTS:
        offered = [int(p.person_id) for t in plan.tranches for p in t.sides[side.value]]
        submit_list(SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered), engine, events)
    return save_plan(agreement_id, planned, reserve, engine, events)


def tranche_rows(engine: Engine, agreement_id: int) -> list[dict[str, Any]]:
    """Tranches with counts per side and state."""
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
                "size": {p: sum(v.values()) for p, v in by.items()},
            }
        )
    return out


def manifest(
    engine: Engine, tranche_id: int, side: Side
) -> tuple[list[ManifestRow], ManifestHeader]:
    """The paper list of the people ``side`` hands over in a stored tranche."""
    with engine.connect() as conn:
        t = conn.execute(select(tranches).where(tranches.c.id == tranche_id)).one()
        rows = conn.execute(
            select(handovers.c.checkin_code, handovers.c.category, persons)
            .join(persons, persons.c.id == handovers.c.person_id)
            .where(
                handovers.c.tranche_id == tranche_id,
                handovers.c.from_party == side.value,
                handovers.c.state != "withdrawn",
            )
            .order_by(handovers.c.position)
        ).all()
    header = ManifestHeader(
        title=f"Day {t.day}: people handed over by {side.value}",
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


def handover_brief(engine: Engine, handover_id: int) -> dict[str, Any] | None:
    """The handover without the person: enough to check access and answer the step."""
    with engine.connect() as conn:
        row = conn.execute(
            select(
                handovers.c.from_party,
                handovers.c.category,
                handovers.c.checkin_code,
                tranches.c.day,
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.id == handover_id)
        ).first()
    return None if row is None else dict(row._mapping)


def involved_party(principal: Any, card: dict[str, Any]) -> Side:
    """The party a reader stands for in a handover: a party is always one of the two
    sides; the mediator reads on behalf of the receiving side."""
    if principal.role.is_party:
        return Side(principal.party)
    return Side(card["from_party"]).other


def handover_card(engine: Engine, handover_id: int) -> dict[str, Any]:
    """What the console shows for one person: the handover, the person, the note's outcome."""
    with engine.connect() as conn:
        row = conn.execute(
            select(handovers, tranches.c.day, tranches.c.crossing)
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.id == handover_id)
        ).one()
        person = conn.execute(select(persons).where(persons.c.id == row.person_id)).one()
        note = conn.execute(
            select(interview_notes.c.outcome).where(interview_notes.c.handover_id == handover_id)
        ).scalar()
    return {
        "id": row.id,
        "state": row.state,
        "exception": row.exception,
        "day": row.day,
        "crossing": row.crossing,
        "from_party": row.from_party,
        "category": row.category,
        "code": row.checkin_code,
        "person": dict(person._mapping),
        "interview": note,
    }


def next_codes(engine: Engine, limit: int = 8) -> list[dict[str, Any]]:
    """The next people waiting at the crossing (earliest day, plan order)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                handovers.c.checkin_code, handovers.c.from_party, handovers.c.state, tranches.c.day
            )
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(handovers.c.state.not_in(["received", "failed", "withdrawn"]))
            .order_by(tranches.c.day, handovers.c.position, handovers.c.id)
            .limit(limit)
        ).all()
    return [dict(r._mapping) for r in rows]
