"""Bands with reasons: each request's best candidate, its decision and per-field weights."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    MATCH = "match"
    REVIEW = "review"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probability bands. A match whose runner-up (another record) is within ``margin`` bits
    of match weight and itself above ``review`` goes to review: namesakes are for people.
    So does a match on which a name or the birth date plainly disagrees (a field weight below
    ``veto`` bits) unless a service or document number agrees: a twin in the same unit
    agrees on everything but the given name; such a pair below the match band is no match.
    A match whose given name is a known name other than the record's (the request's name is
    in the tables, yet the names do not agree) goes to review too, unless a number agrees:
    a twin whose name is close to his brother's. Names alone make a match only above
    ``undated``: without an agreeing birth date or number a pair below it goes to review."""

    match: float = 0.8
    review: float = 0.5
    margin: float = 3.0
    veto: float = -5.0
    undated: float = 0.995

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.match <= self.undated <= 1.0:
            raise ValueError("thresholds need 0 <= review <= match <= undated <= 1")


DEFAULT_THRESHOLDS = Thresholds()
SWAPPED = "names_swapped"  # a field weight: the candidate read the request's names swapped
VETO_FIELDS = ("surname", "given_name", "date_of_birth")
IDENTIFIERS = ("service_number", "document_number")  # agreeing, they lift the veto
UNTABLED = "given_name_not_in_tables"  # a request flag: its given name is in no table


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pair: ``field_weights`` are log2 Bayes factors per field (the reasons)."""

    request_id: str
    record_id: str
    probability: float
    match_weight: float
    field_weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_pair(cls, pair: Mapping[str, Any]) -> Candidate:
        weights = {k[3:]: float(v) for k, v in pair.items() if k.startswith("mw_")}
        return cls(
            str(pair["request_id"]),
            str(pair["record_id"]),
            float(pair["probability"]),
            float(pair["match_weight"]),
            weights,
        )


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One request's outcome: ``record_id`` is None for no_match."""

    request_id: str
    record_id: str | None
    probability: float
    decision: Decision
    field_weights: Mapping[str, float] = field(default_factory=dict)
    runner_up: str | None = None
    flags: str = ""


def best_candidates(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    """Candidates grouped by request, best first."""
    grouped: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        grouped.setdefault(candidate.request_id, []).append(candidate)
    for items in grouped.values():
        items.sort(key=lambda c: (-c.match_weight, c.record_id))
    return grouped


def decide(
    request_ids: Sequence[str],
    candidates: Iterable[Candidate],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    flags: Mapping[str, str] | None = None,
) -> list[MatchResult]:
    """Exactly one result per request, in the order given.

    >>> decide(["Q1"], [])[0].decision
    <Decision.NO_MATCH: 'no_match'>
    """
    grouped = best_candidates(candidates)
    flags = flags or {}
    results = []
    for request_id in request_ids:
        items = grouped.get(request_id, [])
        flag = flags.get(request_id, "")
        if not items or items[0].probability < thresholds.review:
            best = items[0] if items else None
            results.append(
                MatchResult(
                    request_id,
                    None,
                    best.probability if best else 0.0,
                    Decision.NO_MATCH,
                    dict(best.field_weights) if best else {},
                    None,
                    flag,
                )
            )
            continue
        best = items[0]
        second = items[1] if len(items) > 1 else None
        decision = Decision.MATCH if best.probability >= thresholds.match else Decision.REVIEW
        close = (
            second is not None
            and second.probability >= thresholds.review
            and best.match_weight - second.match_weight < thresholds.margin
        )
        identified = any(best.field_weights.get(f, 0.0) > 0 for f in IDENTIFIERS)
        vetoed = not identified and any(
            best.field_weights.get(f, 0.0) < thresholds.veto for f in VETO_FIELDS
        )
        other_name = (
            not identified
            and SWAPPED not in best.field_weights
            and best.field_weights.get("given_name", 0.0) < 0
            and UNTABLED not in flag.split(",")
        )
        undated = (
            best.field_weights.get("date_of_birth", 0.0) <= 0
            and not identified
            and best.probability < thresholds.undated
        )
        # A known given name that plainly disagrees is another person (a brother), whatever
        # else agrees; one outside the tables may be a typo, which a reviewer can judge.
        brother = other_name and best.field_weights.get("given_name", 0.0) < thresholds.veto
        if decision is Decision.MATCH and (close or vetoed or undated or other_name):
            decision = Decision.REVIEW
        if brother or (
            decision is Decision.REVIEW and vetoed and best.probability < thresholds.match
        ):
            decision = Decision.NO_MATCH
        if SWAPPED in best.field_weights:
            flag = ",".join(sorted({*flag.split(","), SWAPPED} - {""}))
        found = decision is not Decision.NO_MATCH
        results.append(
            MatchResult(
                request_id,
                best.record_id if found else None,
                best.probability,
                decision,
                dict(best.field_weights),
                second.record_id if close and second and found else None,
                flag,
            )
        )
    return results
