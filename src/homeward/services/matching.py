"""Duplicates within one registry: candidates, review verdicts, merges with undo.

Sought-to-held links live in ``identity_links`` and are reviewed through
``homeward.services.list_matching``; this module only handles two records of one registry
(party, kind) that may be the same person. Record ids are the registry's own ``record_id``.
Every verdict, merge and undo appends its event through the ``EventSink`` in the same
transaction; payloads carry ids, never names or dates.

>>> # [pair] = find_registry_duplicates(FindDuplicates("UA", "sought", records), engine)
>>> # review_duplicate(ReviewDuplicate(pair, "accepted", "clerk-1"), engine, events)
>>> # merge_id = merge_duplicate(MergeDuplicate(pair, "clerk-1"), engine, events)
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update

from homeward.adapters.db import inserted_id, refresh_statistics
from homeward.adapters.tables_matching import match_candidates, match_reviews, record_merges
from homeward.domain.person import PersonRecord
from homeward.matching.decide import DEFAULT_THRESHOLDS, Decision, Thresholds
from homeward.matching.engine import find_duplicates
from homeward.services.events import EventSink

Clock = Callable[[], dt.datetime]
VERDICTS = ("accepted", "rejected", "different_people")
_EVENT_KIND = {
    "accepted": "DuplicateAccepted",
    "rejected": "DuplicateRejected",
    "different_people": "MarkedDifferentPeople",
}


class ReviewError(Exception):
    """A review or merge that the rules forbid (unknown pair, merge without review...)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _store(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    return [inserted_id(conn.execute(insert(match_candidates).values(**row))) for row in rows]


@dataclass(frozen=True)
class FindDuplicates:
    """Find likely duplicates inside one registry (party, kind); they only go to review."""

    party: str
    kind: str
    records: Sequence[PersonRecord]
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    model_path: Path | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)


def find_registry_duplicates(cmd: FindDuplicates, engine: Engine, clock: Clock = _now) -> list[int]:
    """Store duplicate candidates with decision ``review`` (never merged automatically)."""
    now = clock()
    rows = [
        {
            "run_id": cmd.run_id,
            "party": cmd.party,
            "purpose": "duplicate",
            "request_kind": cmd.kind,
            "request_id": c.request_id,
            "target_party": cmd.party,
            "target_kind": cmd.kind,
            "record_id": c.record_id,
            "probability": c.probability,
            "match_weight": c.match_weight,
            "decision": Decision.REVIEW.value,
            "field_weights": json.dumps(dict(c.field_weights), sort_keys=True),
            "flags": "",
            "status": "open",
            "created_at": now,
        }
        for c in find_duplicates(cmd.records, cmd.model_path, cmd.thresholds)
    ]
    with engine.begin() as conn:
        stored = _store(conn, rows)
    refresh_statistics(engine, ("match_candidates",))
    return stored


def duplicate_queue(engine: Engine, party: str) -> list[dict[str, Any]]:
    """Open duplicate pairs of ``party``'s registries, with their per-field weights."""
    query = (
        select(match_candidates)
        .where(and_(match_candidates.c.party == party, match_candidates.c.status == "open"))
        .where(match_candidates.c.purpose == "duplicate")
        .order_by(match_candidates.c.probability.desc(), match_candidates.c.id)
    )
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["field_weights"] = json.loads(row["field_weights"])
    return rows


@dataclass(frozen=True)
class ReviewDuplicate:
    candidate_id: int
    verdict: str  # accepted | rejected | different_people
    reviewer: str
    note: str = ""


def review_duplicate(
    cmd: ReviewDuplicate, engine: Engine, events: EventSink, clock: Clock = _now
) -> int:
    """Record a reviewer's verdict on a duplicate pair with its event; return the review id."""
    if cmd.verdict not in VERDICTS:
        raise ReviewError(f"verdict {cmd.verdict!r} is not one of {', '.join(VERDICTS)}")
    with engine.begin() as conn:
        candidate = conn.execute(
            select(match_candidates).where(
                match_candidates.c.id == cmd.candidate_id,
                match_candidates.c.purpose == "duplicate",
            )
        ).first()
        if candidate is None:
            raise ReviewError(f"no duplicate pair {cmd.candidate_id}")
        review_id = inserted_id(
            conn.execute(
                insert(match_reviews).values(
                    candidate_id=cmd.candidate_id,
                    verdict=cmd.verdict,
                    reviewer=cmd.reviewer,
                    note=cmd.note,
                    decided_at=clock(),
                )
            )
        )
        conn.execute(
            update(match_candidates)
            .where(match_candidates.c.id == cmd.candidate_id)
            .values(status=cmd.verdict)
        )
        events.append(
            conn,
            _EVENT_KIND[cmd.verdict],
            {
                "candidate_id": cmd.candidate_id,
                "review_id": review_id,
                "party": candidate.party,
                "kind": candidate.target_kind,
                "reviewer": cmd.reviewer,
            },
        )
    return review_id


@dataclass(frozen=True)
class MergeDuplicate:
    """Merge an accepted duplicate pair: ``record_id`` is kept, ``request_id`` merged into it."""

    candidate_id: int
    merged_by: str


def merge_duplicate(
    cmd: MergeDuplicate, engine: Engine, events: EventSink, clock: Clock = _now
) -> int:
    """Merge a pair a reviewer accepted, with its ``RecordsMerged`` event; return the merge id."""
    with engine.begin() as conn:
        candidate = conn.execute(
            select(match_candidates).where(match_candidates.c.id == cmd.candidate_id)
        ).first()
        if candidate is None or candidate.purpose != "duplicate":
            raise ReviewError(f"candidate {cmd.candidate_id} is not a duplicate pair")
        review = conn.execute(
            select(match_reviews)
            .where(match_reviews.c.candidate_id == cmd.candidate_id)
            .order_by(match_reviews.c.id.desc())
        ).first()
        if review is None or review.verdict != "accepted":
            raise ReviewError("a merge needs a reviewer to accept the pair first")
        merge_id = inserted_id(
            conn.execute(
                insert(record_merges).values(
                    party=candidate.party,
                    kind=candidate.target_kind,
                    kept_record_id=candidate.record_id,
                    merged_record_id=candidate.request_id,
                    review_id=review.id,
                    merged_by=cmd.merged_by,
                    merged_at=clock(),
                )
            )
        )
        events.append(
            conn,
            "RecordsMerged",
            {
                "merge_id": merge_id,
                "party": candidate.party,
                "kind": candidate.target_kind,
                "review_id": review.id,
                "merged_by": cmd.merged_by,
            },
        )
    return merge_id


@dataclass(frozen=True)
class UndoMerge:
    merge_id: int
    undone_by: str


def undo_merge(cmd: UndoMerge, engine: Engine, events: EventSink, clock: Clock = _now) -> None:
    """Undo a merge: both records stand alone again; the merge row stays as history."""
    with engine.begin() as conn:
        merge = conn.execute(
            select(record_merges).where(record_merges.c.id == cmd.merge_id)
        ).first()
        if merge is None:
            raise ReviewError(f"no merge {cmd.merge_id}")
        if merge.undone_at is not None:
            raise ReviewError(f"merge {cmd.merge_id} was already undone")
        conn.execute(
            update(record_merges)
            .where(record_merges.c.id == cmd.merge_id)
            .values(undone_by=cmd.undone_by, undone_at=clock())
        )
        events.append(conn, "MergeUndone", {"merge_id": cmd.merge_id, "undone_by": cmd.undone_by})


def resolve_record(engine: Engine, party: str, kind: str, record_id: str) -> str:
    """The record a (possibly merged) record id now stands for, following active merges."""
    seen = {record_id}
    with engine.connect() as conn:
        while True:
            kept = conn.execute(
                select(record_merges.c.kept_record_id).where(
                    and_(
                        record_merges.c.party == party,
                        record_merges.c.kind == kind,
                        record_merges.c.merged_record_id == record_id,
                        record_merges.c.undone_at.is_(None),
                    )
                )
            ).scalar()
            if kept is None or kept in seen:
                return record_id
            seen.add(kept)
            record_id = kept
