"""Match a party's sought list against the other side's acknowledged holdings, and its
family claims against its own missing-person reports.

A party keeps no separate missing registry: its sought registry holds rows from three
sources (the extra column ``source``: held_confirmed, missing_report, family_claim). A family
claim often names someone the party already reported missing, so family claims are matched
against the same party's missing reports; those links carry ``purpose = "missing"``.

The Splink model (``homeward.matching``) decides match / review / no_match per sought
person; matches and doubtful pairs become identity links between registry persons, each
with the per-field match weights a reviewer sees. The model is trained by an explicit step
(``services.match_model``, ``homeward match train``) and saved with the workspace
(``model_path``); matching only loads it, so nothing trains inside a web request.

A reviewer then accepts, rejects or marks as different people each doubtful pair
(``review_queue``, ``review_link``), each verdict an event in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, or_, select, update

from homeward.adapters.list_snapshots import shared_rows, shared_with, submitted_rows
from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_exchange import identity_links
from homeward.adapters.tables_registry import persons
from homeward.domain.lists import ListKind
from homeward.domain.person import PersonRecord
from homeward.domain.values import BELLIGERENTS, Side
from homeward.matching.decide import Decision
from homeward.matching.engine import match_records
from homeward.services.events import EventSink
from homeward.services.exchange import IdentityLink, record_links
from homeward.services.lists import person_rows


def link_lists(
    sought: Sequence[tuple[int, PersonRecord]],
    held: Sequence[tuple[int, PersonRecord]],
    model_path: Path | None,
) -> list[IdentityLink]:
    """Links from sought to held persons (registry ids); no_match gives no link."""
    if not sought or not held:
        return []
    sought_ids = {record.record_id: pid for pid, record in sought}
    held_ids = {record.record_id: pid for pid, record in held}
    results = match_records([r for _, r in held], [r for _, r in sought], model_path=model_path)
    links = []
    for result in results:
        if result.decision is Decision.NO_MATCH or result.record_id is None:
            continue
        reasons: dict[str, object] = {
            "field_weights": {k: round(v, 3) for k, v in result.field_weights.items()}
        }
        if result.flags:
            reasons["flags"] = result.flags
        if result.runner_up:
            reasons["runner_up"] = result.runner_up
        links.append(
            IdentityLink(
                sought_ids[result.request_id],
                held_ids[result.record_id],
                result.probability,
                result.decision.value,
                reasons,
            )
        )
    return links


def _submitted(engine: Engine, party: Side, kind: ListKind) -> list[tuple[int, PersonRecord]]:
    """The newest list ``party`` submitted to the mediator, as it was submitted: matching
    never reads a party's live registry, so nothing a party did not submit reaches a link."""
    with engine.connect() as conn:
        rows = submitted_rows(conn, party, kind, Side.MEDIATOR)
    return [(int(r["id"]), row_to_record(r)) for r in rows]


def _from_source(
    records: Sequence[tuple[int, PersonRecord]], source: str
) -> list[tuple[int, PersonRecord]]:
    return [(pid, r) for pid, r in records if r.extra.get("source") == source]


def run_matching(
    engine: Engine, events: EventSink, model_path: Path | None = None
) -> dict[str, int]:
    """Match each side's sought list against the other side's acknowledged holdings, and
    its family claims against its own missing reports, with the workspace's model; pairs
    already linked are left as they are. Reads the newest lists each side submitted to the
    mediator, as submitted. Returns new links per side (both purposes)."""
    with engine.connect() as conn:
        known = {
            (a, b)
            for a, b in conn.execute(
                select(identity_links.c.sought_person_id, identity_links.c.held_person_id)
            )
        }
    out = {}
    for side in BELLIGERENTS:
        sought = _submitted(engine, side, ListKind.SOUGHT)
        targets = {
            "holdings": _submitted(engine, side.other, ListKind.HOLDINGS_ACK),
            "missing": _from_source(sought, "missing_report"),
        }
        requests = {"holdings": sought, "missing": _from_source(sought, "family_claim")}
        out[side.value] = 0
        for purpose, held in targets.items():
            links = link_lists(requests[purpose], held, model_path)
            fresh = [
                link for link in links if (link.sought_person_id, link.held_person_id) not in known
            ]
            if purpose == "holdings" or fresh:
                record_links(fresh, engine, events, purpose)
            out[side.value] += len(fresh)
    return out


def link_counts(engine: Engine) -> dict[tuple[str, str], dict[str, int]]:
    """(party of the sought person, purpose) -> decision -> number of links."""
    query = (
        select(persons.c.party, identity_links.c.purpose, identity_links.c.decision, func.count())
        .join(persons, persons.c.id == identity_links.c.sought_person_id)
        .group_by(persons.c.party, identity_links.c.purpose, identity_links.c.decision)
        .order_by(persons.c.party.desc(), identity_links.c.purpose)
    )
    out: dict[tuple[str, str], dict[str, int]] = {}
    with engine.connect() as conn:
        for party, purpose, decision, n in conn.execute(query):
            out.setdefault((party, purpose), {})[decision] = int(n)
    return out


@dataclass(frozen=True, slots=True)
class ReviewItem:
    link_id: int
    purpose: str
    probability: str
    decision: str
    reasons: dict[str, Any]
    sought: dict[str, Any]
    held: dict[str, Any]


def review_queue(
    engine: Engine, party: Side | None, limit: int = 50, purpose: str | None = None
) -> list[ReviewItem]:
    """Links waiting for a person's decision; a party sees those about its sought people.
    ``purpose`` keeps only holdings or only missing links.

    A party sees its own rows as they are and the other side's as submitted to it; the
    mediator (``party`` None) sees both rows as submitted to it. A link to someone never
    submitted to the reader is not shown at all."""
    sought_p = persons.alias("sought_p")
    query = (
        select(identity_links)
        .join(sought_p, sought_p.c.id == identity_links.c.sought_person_id)
        .where(identity_links.c.decision == "review")
        .order_by(identity_links.c.id)
        .limit(limit)
    )
    if party is not None:
        query = query.where(
            sought_p.c.party == party.value,
            or_(
                identity_links.c.purpose == "missing",
                identity_links.c.held_person_id.in_(shared_with(party)),
            ),
        )
    else:
        query = query.where(
            identity_links.c.sought_person_id.in_(shared_with(Side.MEDIATOR)),
            identity_links.c.held_person_id.in_(shared_with(Side.MEDIATOR)),
        )
    if purpose is not None:
        query = query.where(identity_links.c.purpose == purpose)
    with engine.connect() as conn:
        links = conn.execute(query).all()
        if party is None:
            ids = [i for link in links for i in (link.sought_person_id, link.held_person_id)]
            seen = shared_rows(conn, ids, Side.MEDIATOR)
        else:
            own = [link.sought_person_id for link in links]
            own += [link.held_person_id for link in links if link.purpose == "missing"]
            theirs = [link.held_person_id for link in links if link.purpose != "missing"]
            seen = shared_rows(conn, theirs, party)
    if party is not None:
        seen.update({r["id"]: r for r in person_rows(engine, own)})
    items = []
    for link in links:
        if link.sought_person_id not in seen or link.held_person_id not in seen:
            continue
        rows = {pid: seen[pid] for pid in (link.sought_person_id, link.held_person_id)}
        items.append(
            ReviewItem(
                int(link.id),
                link.purpose,
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


class Verdict(StrEnum):
    """A reviewer's word on a doubtful pair. Rejecting says the evidence is not enough;
    different people says the reviewer knows they are two people."""

    ACCEPT = "accept"
    REJECT = "reject"
    DIFFERENT_PEOPLE = "different_people"


_DECISION = {
    Verdict.ACCEPT: "match",
    Verdict.REJECT: "non_match",
    Verdict.DIFFERENT_PEOPLE: "different_people",
}


def review_link(
    engine: Engine, events: EventSink, link_id: int, verdict: Verdict, actor: str
) -> str:
    """Record a reviewer's verdict on a link waiting for review: the link's decision becomes
    "match", "non_match" or "different_people", with its ``MatchReviewed`` event, in one
    transaction. ``LookupError`` if the link is not waiting.

    >>> # review_link(engine, events, 7, Verdict.DIFFERENT_PEOPLE, "ua-reviewer")
    """
    decision = _DECISION[Verdict(verdict)]
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
