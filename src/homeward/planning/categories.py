"""Category agreements: "all for all" for a category defined by rules on the person.

Istanbul-2 (2 June 2025) agreed "all for all" for the seriously wounded and ill and for
those aged 18-25, carried out in stages with no fixed end. A ``CategoryAgreement`` lists
its ``CategoryRule`` s (health, age at a date between bounds, legal status, military or
civilian), optionally a number per side, and the capacity of a stage. Eligibility is
person by person: which rule includes whom, why each rule leaves a person out, and which
people cannot be judged because a field the rule needs is missing (no birth date for an
age rule). Stages take every eligible person, the seriously ill first, a stage's capacity
at a time, until nobody eligible is left: the number of stages follows from the people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from homeward.domain.values import Category, Health
from homeward.planning.model import Candidate


class CategoryTermsError(ValueError):
    """Category terms that contradict themselves; the message names the rule."""


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """One category: a person fits when every selector given fits (a selector left out
    is free). ``min_age``/``max_age`` are inclusive ages on ``age_on``."""

    name: str
    health: frozenset[Health] | None = None
    min_age: int | None = None
    max_age: int | None = None
    age_on: dt.date | None = None
    statuses: frozenset[str] | None = None
    category: Category | None = None

    def selectors(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("health", self.health),
                ("age", (self.min_age, self.max_age, self.age_on))
                if self.min_age is not None or self.max_age is not None
                else ("age", None),
                ("statuses", self.statuses),
                ("category", self.category),
            )
            if v is not None
        }


@dataclass(frozen=True, slots=True)
class CategoryAgreement:
    name: str
    rules: tuple[CategoryRule, ...]
    first_stage: dt.date
    stage_capacity: int
    days_between_stages: int = 7
    per_side: int | None = None  # None: all for all
    crossing: str = "ua-by-border"


def category_terms_problems(terms: CategoryAgreement) -> list[str]:
    """Everything wrong with the terms, in plain words naming the rule (empty: fine)."""
    problems: list[str] = []
    if not terms.rules:
        problems.append("a category agreement needs at least one category rule")
    if terms.stage_capacity < 1:
        problems.append("stage_capacity must be at least 1 person per side")
    if terms.per_side is not None and terms.per_side < 1:
        problems.append("per_side, when given, must be at least 1")
    seen: dict[str, str] = {}
    names: set[str] = set()
    for rule in terms.rules:
        if rule.name in names:
            problems.append(f"category {rule.name!r} is defined twice")
        names.add(rule.name)
        sel = rule.selectors()
        if not sel:
            problems.append(f"category {rule.name!r} has no rule: it would take everyone")
        if rule.min_age is not None and rule.max_age is not None and rule.min_age > rule.max_age:
            problems.append(
                f"category {rule.name!r} contradicts itself: age from {rule.min_age} "
                f"to {rule.max_age}"
            )
        if (rule.min_age is not None or rule.max_age is not None) and rule.age_on is None:
            problems.append(f"category {rule.name!r} has an age rule without a date (age_on)")
        if rule.health is not None and not rule.health:
            problems.append(f"category {rule.name!r} allows no state of health: it takes nobody")
        key = repr(sorted((k, repr(v)) for k, v in sel.items()))
        if key in seen:
            problems.append(
                f"categories {seen[key]!r} and {rule.name!r} overlap entirely (the same rule)"
            )
        seen.setdefault(key, rule.name)
    return problems


def _age_on(born: str, on: dt.date) -> tuple[int, int] | None:
    """Lowest and highest possible age on ``on`` for a possibly partial birth date."""
    parts = born.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
    except ValueError:
        return None

    def age(y: int, m: int, d: int) -> int:
        return on.year - y - ((on.month, on.day) < (m, d))

    if month is None:
        return age(year, 12, 31), age(year, 1, 1)
    if day is None:
        return age(year, month, 28 if month == 2 else 30), age(year, month, 1)
    a = age(year, month, day)
    return a, a


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    rule: str
    fits: bool
    why: str
    missing: str | None = None


def judge(person: Candidate, rule: CategoryRule) -> RuleVerdict:  # noqa: PLR0911 - one per rule
    """Whether ``person`` fits ``rule`` and why (``missing`` names a field the rule needs)."""
    if rule.category is not None and person.category is not rule.category:
        return RuleVerdict(rule.name, False, f"{person.category.value}, not {rule.category.value}")
    if rule.health is not None and person.health not in rule.health:
        return RuleVerdict(rule.name, False, f"health {person.health.value}")
    if rule.statuses is not None and person.status not in rule.statuses:
        return RuleVerdict(rule.name, False, f"status {person.status or 'unknown'}")
    if rule.min_age is not None or rule.max_age is not None:
        assert rule.age_on is not None  # category_terms_problems refuses terms without it
        if not person.date_of_birth:
            return RuleVerdict(
                rule.name, False, "no birth date for the age rule", missing="date_of_birth"
            )
        ages = _age_on(person.date_of_birth, rule.age_on)
        if ages is None:
            return RuleVerdict(
                rule.name,
                False,
                f"birth date {person.date_of_birth!r} unreadable",
                missing="date_of_birth",
            )
        low, high = ages
        lo = rule.min_age if rule.min_age is not None else 0
        hi = rule.max_age if rule.max_age is not None else 200
        if low < lo or high > hi:
            shown = str(low) if low == high else f"{low}-{high}"
            return RuleVerdict(rule.name, False, f"aged {shown} on {rule.age_on.isoformat()}")
    return RuleVerdict(rule.name, True, "fits")


@dataclass(frozen=True, slots=True)
class PersonEligibility:
    person_id: str
    side: str
    included_by: str | None
    verdicts: tuple[RuleVerdict, ...]
    also_fits: tuple[str, ...] = ()

    @property
    def missing(self) -> list[str]:
        return [f"{v.rule}: {v.why}" for v in self.verdicts if v.missing]


@dataclass(frozen=True, slots=True)
class CategoryReport:
    people: tuple[PersonEligibility, ...] = field(default_factory=tuple)

    def eligible(self, side: str) -> list[PersonEligibility]:
        return [p for p in self.people if p.side == side and p.included_by is not None]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for p in self.people:
            key = p.included_by or "not_eligible"
            by = out.setdefault(p.side, {})
            by[key] = by.get(key, 0) + 1
        return out

    def do_not_fit(self, person_ids: Iterable[str]) -> list[str]:
        """One line per listed person who fits no category, naming why for each rule."""
        by_id = {p.person_id: p for p in self.people}
        lines = []
        for pid in person_ids:
            p = by_id.get(pid)
            if p is None:
                lines.append(f"person {pid}: not among the people judged")
            elif p.included_by is None:
                reasons = "; ".join(f"{v.rule}: {v.why}" for v in p.verdicts)
                lines.append(f"person {pid} fits no agreed category ({reasons})")
        return lines


def check_categories(terms: CategoryAgreement, candidates: Iterable[Candidate]) -> CategoryReport:
    """Person by person: the first rule that includes them, and every rule's verdict."""
    problems = category_terms_problems(terms)
    if problems:
        raise CategoryTermsError("; ".join(problems))
    people = []
    for c in candidates:
        verdicts = tuple(judge(c, rule) for rule in terms.rules)
        fits = [v.rule for v in verdicts if v.fits]
        excluded = c.already_released or c.deceased or c.held_for_proceedings or not c.acknowledged
        people.append(
            PersonEligibility(
                c.person_id,
                c.side,
                fits[0] if fits and not excluded else None,
                verdicts,
                tuple(fits[1:]),
            )
        )
    return CategoryReport(tuple(people))


@dataclass(frozen=True, slots=True)
class Stage:
    number: int
    date: dt.date
    people: dict[str, list[tuple[str, Category]]]


def plan_stages(
    terms: CategoryAgreement, candidates: Sequence[Candidate], sides: Sequence[str]
) -> list[Stage]:
    """Every eligible person, a stage's capacity per side at a time (the seriously ill
    first, then by category rule order, then by id), until nobody eligible is left."""
    report = check_categories(terms, candidates)
    by_id = {c.person_id: c for c in candidates}
    order = {rule.name: i for i, rule in enumerate(terms.rules)}
    queues: dict[str, list[Candidate]] = {}
    for side in sides:
        chosen = sorted(
            report.eligible(side),
            key=lambda p: (
                by_id[p.person_id].health is not Health.SERIOUSLY_ILL,
                order[p.included_by or ""],
                int(p.person_id) if p.person_id.isdigit() else 0,
                p.person_id,
            ),
        )
        if terms.per_side is not None:
            chosen = chosen[: terms.per_side]
        queues[side] = [by_id[p.person_id] for p in chosen]
    stages: list[Stage] = []
    while any(queues.values()):
        number = len(stages) + 1
        day = terms.first_stage + dt.timedelta(days=terms.days_between_stages * (number - 1))
        people = {}
        for side in sides:
            take, queues[side] = (
                queues[side][: terms.stage_capacity],
                queues[side][terms.stage_capacity :],
            )
            people[side] = [(c.person_id, c.category) for c in take]
        stages.append(Stage(number, day, people))
    return stages


def category_terms_to_dict(terms: CategoryAgreement) -> dict[str, Any]:
    """The canonical form that is signed (strings, integers, lists; no floats, no nulls)."""
    rules = []
    for r in terms.rules:
        rule: dict[str, Any] = {"name": r.name}
        if r.health is not None:
            rule["health"] = sorted(h.value for h in r.health)
        if r.min_age is not None:
            rule["min_age"] = r.min_age
        if r.max_age is not None:
            rule["max_age"] = r.max_age
        if r.age_on is not None:
            rule["reference_date"] = r.age_on.isoformat()
        if r.statuses is not None:
            rule["statuses"] = sorted(r.statuses)
        if r.category is not None:
            rule["category"] = r.category.value
        rules.append(rule)
    out: dict[str, Any] = {
        "format": "homeward-category-terms/1",
        "name": terms.name,
        "categories": rules,
        # The log refuses dates outside the schedule's own date keys ("date", "day",
        # "reference_date"): they could be birth dates.
        "stages": {
            "date": terms.first_stage.isoformat(),
            "capacity": terms.stage_capacity,
            "every_days": terms.days_between_stages,
            "crossing": terms.crossing,
        },
        "all_for_all": terms.per_side is None,
    }
    if terms.per_side is not None:
        out["per_side"] = terms.per_side
    return out
