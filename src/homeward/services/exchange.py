"""Use cases before the crossing: submit lists, record identity links, agree terms."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from homeward.adapters.db import inserted_id, refresh_statistics
from homeward.adapters.list_snapshots import snapshot_rows
from homeward.adapters.tables_exchange import (
    agreement_signatures,
    agreements,
    exchange_list_items,
    exchange_lists,
    identity_links,
)
from homeward.adapters.tables_registry import persons

# Re-exported: handover and rounds still import it from here.
from homeward.domain.errors import NotAllowed as NotAllowed  # noqa: PLC0414
from homeward.domain.lists import ListDiff, ListKind, diff_lists
from homeward.domain.values import Side
from homeward.services.events import EventSink


@dataclass(frozen=True, slots=True)
class SubmitList:
    party: Side
    kind: ListKind
    recipient: Side
    person_ids: Sequence[int]


@dataclass(frozen=True, slots=True)
class SubmittedList:
    list_id: int
    version: int
    size: int


# From this many rows written at once, the planner's statistics are refreshed afterwards.
BULK_ROWS = 1000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def submit_list(command: SubmitList, engine: Engine, events: EventSink) -> SubmittedList:
    """Submit a new version of a list; a party may list only its own registry's persons."""
    if command.party is Side.MEDIATOR or command.recipient is command.party:
        raise NotAllowed("a list goes from a party to the other side or the mediator")
    wanted_kind = "sought" if command.kind is ListKind.SOUGHT else "holdings"
    ids = sorted(set(command.person_ids))
    with engine.begin() as conn:
        owned = set(
            conn.execute(
                select(persons.c.id).where(
                    persons.c.party == command.party.value, persons.c.kind == wanted_kind
                )
            ).scalars()
        )
        foreign = [i for i in ids if i not in owned]
        if foreign:
            raise NotAllowed(
                f"{len(foreign)} persons are not in {command.party.value}'s {wanted_kind} "
                f"registry (first: {foreign[0]})"
            )
        if command.kind is ListKind.RELEASE_OFFER:
            from homeward.services.carry_over import release_problems

            again = release_problems(conn, ids)
            if again:
                raise NotAllowed("the offer lists people already released: " + "; ".join(again))
        version = 1 + int(
            conn.execute(
                select(func.coalesce(func.max(exchange_lists.c.version), 0)).where(
                    exchange_lists.c.party == command.party.value,
                    exchange_lists.c.kind == command.kind.value,
                    exchange_lists.c.recipient == command.recipient.value,
                )
            ).scalar_one()
        )
        list_id = inserted_id(
            conn.execute(
                insert(exchange_lists).values(
                    party=command.party.value,
                    kind=command.kind.value,
                    version=version,
                    recipient=command.recipient.value,
                    submitted_at=_now(),
                    size=len(ids),
                )
            )
        )
        if ids:
            # The rows as they stand now: what the other side and the mediator will read.
            snapshots = snapshot_rows(conn, ids)
            conn.execute(
                insert(exchange_list_items),
                [{"list_id": list_id, "person_id": i, "record": snapshots[i]} for i in ids],
            )
        events.append(
            conn,
            "ListSubmitted",
            {
                "party": command.party.value,
                "kind": command.kind.value,
                "recipient": command.recipient.value,
                "version": version,
                "size": len(ids),
            },
        )
    if len(ids) >= BULK_ROWS:
        refresh_statistics(engine, ("exchange_lists", "exchange_list_items"))
    return SubmittedList(int(list_id), version, len(ids))


def latest_list(conn: Connection, party: Side, kind: ListKind, recipient: Side) -> list[int]:
    """Person ids on the newest version of a list (empty if none was submitted)."""
    newest = (
        select(exchange_lists.c.id)
        .where(
            exchange_lists.c.party == party.value,
            exchange_lists.c.kind == kind.value,
            exchange_lists.c.recipient == recipient.value,
        )
        .order_by(exchange_lists.c.version.desc())
        .limit(1)
    )
    list_id = conn.execute(newest).scalar()
    if list_id is None:
        return []
    query = select(exchange_list_items.c.person_id).where(exchange_list_items.c.list_id == list_id)
    return sorted(conn.execute(query).scalars())


def list_versions_diff(
    engine: Engine, party: Side, kind: ListKind, recipient: Side, old: int, new: int
) -> ListDiff:
    """What version ``new`` of a list adds and removes against version ``old``."""

    def items(conn: Connection, version: int) -> list[int]:
        query = (
            select(exchange_list_items.c.person_id)
            .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
            .where(
                exchange_lists.c.party == party.value,
                exchange_lists.c.kind == kind.value,
                exchange_lists.c.recipient == recipient.value,
                exchange_lists.c.version == version,
            )
        )
        return list(conn.execute(query).scalars())

    with engine.connect() as conn:
        return diff_lists(items(conn, old), items(conn, new))


@dataclass(frozen=True, slots=True)
class IdentityLink:
    sought_person_id: int
    held_person_id: int
    probability: float
    decision: str
    reasons: dict[str, Any]


def record_links(
    links: Iterable[IdentityLink], engine: Engine, events: EventSink, purpose: str = "holdings"
) -> int:
    """Store match decisions between a sought list and an acknowledged holdings list (or,
    with ``purpose="missing"``, the same party's missing reports)."""
    rows = [
        {
            "sought_person_id": link.sought_person_id,
            "held_person_id": link.held_person_id,
            "probability": f"{link.probability:.6f}",
            "decision": link.decision,
            "reasons": json.dumps(link.reasons, sort_keys=True),
            "purpose": purpose,
        }
        for link in links
    ]
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(identity_links), rows)
        counts = Counter(str(row["decision"]) for row in rows)
        payload: dict[str, Any] = {"decisions": dict(sorted(counts.items()))}
        if purpose != "holdings":  # holdings events keep the shape the ledger always had
            payload["purpose"] = purpose
        events.append(conn, "ListsMatched", payload)
    if len(rows) >= BULK_ROWS:
        refresh_statistics(engine, ("identity_links",))
    return len(rows)


def create_agreement(name: str, terms: dict[str, Any], engine: Engine, events: EventSink) -> int:
    """Record agreed terms (canonical form, no floats) awaiting the three signatures."""
    text = json.dumps(terms, sort_keys=True, ensure_ascii=False, allow_nan=False)
    with engine.begin() as conn:
        agreement_id = inserted_id(
            conn.execute(insert(agreements).values(name=name, terms=text, created_at=_now()))
        )
        events.append(conn, "TermsProposed", {"agreement": int(agreement_id), "terms": terms})
    return int(agreement_id)


def sign_agreement(
    agreement_id: int,
    party: Side,
    engine: Engine,
    events: EventSink,
    signed_note: str | None = None,
) -> bool:
    """Sign the terms as ``party``; True once all three (UA, RU, mediator) have signed.

    ``signed_note`` is the party's own signed note over the terms, already verified by
    ``services.agreement.upload_signature``; it is stored, and the log commits to it."""
    with engine.begin() as conn:
        signed = set(
            conn.execute(
                select(agreement_signatures.c.party).where(
                    agreement_signatures.c.agreement_id == agreement_id
                )
            ).scalars()
        )
        if party.value in signed:
            raise NotAllowed(f"{party.value} has already signed agreement {agreement_id}")
        conn.execute(
            insert(agreement_signatures).values(
                agreement_id=agreement_id, party=party.value, signed_at=_now(), note=signed_note
            )
        )
        signed.add(party.value)
        payload: dict[str, Any] = {"agreement": agreement_id, "party": party.value}
        if signed_note is not None:
            payload["signed_note_sha256"] = hashlib.sha256(signed_note.encode()).hexdigest()
        events.append(conn, "TermsSigned", payload)
    return signed == {s.value for s in Side}


def agreement_terms(engine: Engine, agreement_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        text = conn.execute(
            select(agreements.c.terms).where(agreements.c.id == agreement_id)
        ).scalar_one()
    terms: dict[str, Any] = json.loads(text)
    return terms
