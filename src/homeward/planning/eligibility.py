"""Checking every person on a release offer against the terms, with a reason each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from homeward.planning.model import Candidate, EligibilityRule, Terms
from homeward.planning.people import age_bounds


class Reason(StrEnum):
    ELIGIBLE = "eligible"
    UNKNOWN_SIDE = "unknown_side"
    DUPLICATE = "duplicate_on_offer"
    DECEASED = "deceased"
    ALREADY_RELEASED = "already_released"
    HELD_FOR_PROCEEDINGS = "held_for_proceedings"
    OUTSIDE_CATEGORY = "outside_category"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    STATUS_NOT_COVERED = "status_not_covered"
    HEALTH_NOT_COVERED = "health_not_covered"
    AGE_UNKNOWN = "age_unknown"
    OUTSIDE_AGE_RANGE = "outside_age_range"
    AGE_UNCERTAIN = "age_uncertain"
    CAPTURED_OUTSIDE_PERIOD = "captured_outside_period"


REASON_TEXT: dict[Reason, str] = {
    Reason.ELIGIBLE: "eligible",
    Reason.UNKNOWN_SIDE: "not held by a party to these terms",
    Reason.DUPLICATE: "listed more than once on the offer",
    Reason.DECEASED: "reported deceased",
    Reason.ALREADY_RELEASED: "already released in an earlier exchange",
    Reason.HELD_FOR_PROCEEDINGS: "held back for criminal proceedings",
    Reason.OUTSIDE_CATEGORY: "category not covered by the terms",
    Reason.NOT_ACKNOWLEDGED: "custody not acknowledged by the detaining side",
    Reason.STATUS_NOT_COVERED: "legal status not covered by the terms",
    Reason.HEALTH_NOT_COVERED: "state of health not covered by the terms",
    Reason.AGE_UNKNOWN: "date of birth unknown but the terms set an age range",
    Reason.OUTSIDE_AGE_RANGE: "age outside the range in the terms",
    Reason.AGE_UNCERTAIN: "partial date of birth: age may fall outside the range",
    Reason.CAPTURED_OUTSIDE_PERIOD: "captured outside the period in the terms",
}


@dataclass(frozen=True)
class Verdict:
    person_id: str
    side: str
    reason: Reason

    @property
    def eligible(self) -> bool:
        return self.reason is Reason.ELIGIBLE

    @property
    def explanation(self) -> str:
        return REASON_TEXT[self.reason]


@dataclass(frozen=True)
class EligibilityReport:
    verdicts: tuple[Verdict, ...]

    def eligible_ids(self) -> frozenset[str]:
        return frozenset(v.person_id for v in self.verdicts if v.eligible)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per side, how many people have each reason."""
        out: dict[str, Counter[str]] = {}
        for v in self.verdicts:
            out.setdefault(v.side, Counter())[v.reason.value] += 1
        return {side: dict(sorted(c.items())) for side, c in sorted(out.items())}

    def summary(self) -> str:
        """A few lines for the negotiators: how many are eligible and why the rest are not."""
        lines = []
        for side, counts in self.counts().items():
            total = sum(counts.values())
            ok = counts.get(Reason.ELIGIBLE.value, 0)
            lines.append(f"{side}: {ok} of {total} people on the offer are eligible")
            for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                if reason != Reason.ELIGIBLE.value:
                    lines.append(f"  {n:>6}  {REASON_TEXT[Reason(reason)]}")
        return "\n".join(lines)


def _record_reason(person: Candidate, terms: Terms) -> Reason | None:
    if person.side not in terms.sides:
        return Reason.UNKNOWN_SIDE
    if person.deceased or person.status == "deceased":
        return Reason.DECEASED
    if person.already_released:
        return Reason.ALREADY_RELEASED
    if person.held_for_proceedings:
        return Reason.HELD_FOR_PROCEEDINGS
    return None


def _rule_reason(person: Candidate, rule: EligibilityRule) -> Reason | None:
    if rule.require_acknowledged and not person.acknowledged:
        return Reason.NOT_ACKNOWLEDGED
    if rule.statuses is not None and person.status not in rule.statuses:
        return Reason.STATUS_NOT_COVERED
    if rule.health is not None and person.health not in rule.health:
        return Reason.HEALTH_NOT_COVERED
    return None


def _age_reason(person: Candidate, rule: EligibilityRule, on: date) -> Reason | None:
    if rule.min_age is None and rule.max_age is None:
        return None
    ages = age_bounds(person.date_of_birth, on)
    if ages is None:
        return Reason.AGE_UNKNOWN
    youngest, oldest = ages
    low = rule.min_age if rule.min_age is not None else 0
    high = rule.max_age if rule.max_age is not None else 200
    if oldest < low or youngest > high:
        return Reason.OUTSIDE_AGE_RANGE
    if youngest < low or oldest > high:
        return Reason.AGE_UNCERTAIN
    return None


def _capture_reason(person: Candidate, rule: EligibilityRule) -> Reason | None:
    if rule.captured_from is None and rule.captured_until is None:
        return None
    held = person.captured_on
    early = rule.captured_from is not None and (held is None or held < rule.captured_from)
    late = rule.captured_until is not None and (held is None or held > rule.captured_until)
    return Reason.CAPTURED_OUTSIDE_PERIOD if early or late else None


def check_person(person: Candidate, terms: Terms) -> Reason:
    """The first reason the person cannot be released under the terms, or ELIGIBLE."""
    found = _record_reason(person, terms)
    if found is not None:
        return found
    rule = terms.rule(person.category)
    if rule is None or terms.quota(person.category) == 0:
        return Reason.OUTSIDE_CATEGORY
    found = (
        _rule_reason(person, rule)
        or _age_reason(person, rule, terms.as_of)
        or _capture_reason(person, rule)
    )
    return found or Reason.ELIGIBLE


def check_eligibility(terms: Terms, candidates: Iterable[Candidate]) -> EligibilityReport:
    """One verdict per person, in offer order; a repeated person id is not eligible twice."""
    seen: set[str] = set()
    verdicts = []
    for person in candidates:
        if person.person_id in seen:
            verdicts.append(Verdict(person.person_id, person.side, Reason.DUPLICATE))
            continue
        seen.add(person.person_id)
        verdicts.append(Verdict(person.person_id, person.side, check_person(person, terms)))
    return EligibilityReport(tuple(verdicts))
