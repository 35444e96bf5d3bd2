"""Matching use cases for the workspace: candidates, review verdicts, merges with undo.

The registry feature owns the person tables, so these use cases take plain records and
return events as ``{"kind": ..., "payload": ...}`` dicts for the caller to append to the
ledger in the same transaction. Payloads carry ids, never names or dates.

>>> # results = match_sought_list(MatchSoughtList("UA", sought, held, missing), engine)
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

from homeward.adapters.db import inserted_id
from homeward.adapters.tables_matching import match_candidates, match_reviews, record_merges
from homeward.domain.person import PersonRecord
from homeward.matching.decide import DEFAULT_THRESHOLDS, Decision, MatchResult, Thresholds
from homeward.matching.engine import find_duplicates, match_records

Event = dict[str, Any]
Clock = Callable[[], dt.datetime]
VERDICTS = ("accepted", "rejected", "different_people")
_EVENT_KIND = {
    "accepted": "MatchAccepted",
    "rejected": "MatchRejected",
    "different_people": "MarkedDifferentPeople",
}


class ReviewError(Exception):
    """A review or merge that the rules forbid (unknown candidate, merge without review...)."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class MatchSoughtList:
    """Match ``party``'s sought list against the other side's holdings and its own missing."""

    party: str
    sought: Sequence[PersonRecord]
    held_by_other: Sequence[PersonRecord]
    own_missing: Sequence[PersonRecord] = ()
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    model_path: Path | None = None
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class SoughtListMatched:
    run_id: str
    holdings: list[MatchResult]
    missing: list[MatchResult]
    candidate_ids: list[int]
    event: Event


def _other(party: str) -> str:
    return {"UA": "RU", "RU": "UA"}[party]


def _store(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    return [inserted_id(conn.execute(insert(match_candidates).values(**row))) for row in rows]


def _rows(cmd: MatchSoughtList, purpose: str, target: tuple[str, str],
          results: Sequence[MatchResult], now: dt.datetime) -> list[dict[str, Any]]:  # fmt: skip
    return [
        {
            "run_id": cmd.run_id,
            "party": cmd.party,
            "purpose": purpose,
            "request_kind": "sought",
            "request_id": r.request_id,
            "target_party": target[0],
            "target_kind": target[1],
            "record_id": r.record_id,
            "probability": r.probability,
            "match_weight": sum(r.field_weights.values()),
            "decision": r.decision.value,
            "field_weights": json.dumps(dict(r.field_weights), sort_keys=True),
            "flags": r.flags,
            "status": "open",
            "created_at": now,
        }
        for r in results
        if r.record_id is not None and r.decision is not Decision.NO_MATCH
    ]


def match_sought_list(
    cmd: MatchSoughtList, engine: Engine, clock: Clock = _now
) -> SoughtListMatched:
    """Score the list, store every match and review candidate, return the results and event."""
    holdings = match_records(cmd.held_by_other, cmd.sought, cmd.model_path, cmd.thresholds)
    missing = match_records(cmd.own_missing, cmd.sought, cmd.model_path, cmd.thresholds)
    now = clock()
    rows = _rows(cmd, "holdings", (_other(cmd.party), "holdings"), holdings, now)
    rows += _rows(cmd, "missing", (cmd.party, "missing"), missing, now)
    with engine.begin() as conn:
        ids = _store(conn, rows)
    counts = {d.value: sum(r.decision is d for r in holdings) for d in Decision}
    event = {
        "kind": "SoughtListMatched",
        "payload": {
            "run_id": cmd.run_id,
            "party": cmd.party,
            "requests": len(cmd.sought),
            "against_holdings": counts,
            "against_missing": {d.value: sum(r.decision is d for r in missing) for d in Decision},
        },
    }
    return SoughtListMatched(cmd.run_id, holdings, missing, ids, event)


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
        return _store(conn, rows)


def review_queue(engine: Engine, party: str) -> list[dict[str, Any]]:
    """Open candidates of ``party`` that need a person, with their per-field weights."""
    query = (
        select(match_candidates)
        .where(and_(match_candidates.c.party == party, match_candidates.c.status == "open"))
        .where(match_candidates.c.decision == Decision.REVIEW.value)
        .order_by(match_candidates.c.probability.desc(), match_candidates.c.id)
    )
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        row["field_weights"] = json.loads(row["field_weights"])
    return rows


@dataclass(frozen=True)
class ReviewCandidate:
    candidate_id: int
    verdict: str  # accepted | rejected | different_people
    reviewer: str
    note: str = ""


def review_candidate(cmd: ReviewCandidate, engine: Engine, clock: Clock = _now) -> Event:
    """Record a reviewer's verdict; return the event for the ledger."""
    if cmd.verdict not in VERDICTS:
        raise ReviewError(f"verdict {cmd.verdict!r} is not one of {', '.join(VERDICTS)}")
    with engine.begin() as conn:
        candidate = conn.execute(
            select(match_candidates).where(match_candidates.c.id == cmd.candidate_id)
        ).first()
        if candidate is None:
            raise ReviewError(f"no match candidate {cmd.candidate_id}")
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
    return {
        "kind": _EVENT_KIND[cmd.verdict],
        "payload": {
            "candidate_id": cmd.candidate_id,
            "review_id": review_id,
            "purpose": candidate.purpose,
            "request_id": candidate.request_id,
            "record_id": candidate.record_id,
            "reviewer": cmd.reviewer,
        },
    }


@dataclass(frozen=True)
class MergeDuplicate:
    """Merge an accepted duplicate pair: ``record_id`` is kept, ``request_id`` merged into it."""

    candidate_id: int
    merged_by: str


def merge_duplicate(cmd: MergeDuplicate, engine: Engine, clock: Clock = _now) -> Event:
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
    return {
        "kind": "RecordsMerged",
        "payload": {
            "merge_id": merge_id,
            "party": candidate.party,
            "kind": candidate.target_kind,
            "kept_record_id": candidate.record_id,
            "merged_record_id": candidate.request_id,
            "review_id": review.id,
            "merged_by": cmd.merged_by,
        },
    }


@dataclass(frozen=True)
class UndoMerge:
    merge_id: int
    undone_by: str


def undo_merge(cmd: UndoMerge, engine: Engine, clock: Clock = _now) -> Event:
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
    return {
        "kind": "MergeUndone",
        "payload": {"merge_id": cmd.merge_id, "undone_by": cmd.undone_by},
    }


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
