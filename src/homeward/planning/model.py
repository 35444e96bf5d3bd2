"""Plain data the planner works on: candidates on a release offer and the agreed terms.

Nothing here touches storage. ``Candidate.side`` is the party that holds the person and
releases them (the side whose offer lists them), so "RU offers 250 eligible military"
means 250 people held by RU.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from homeward.domain.tranche import Parity
from homeward.domain.values import Category, Health

__all__ = [
    "CATEGORIES",
    "SIDES",
    "Candidate",
    "Category",  # the domain's, shared so planner and registry speak of the same thing
    "CrossingPoint",
    "EligibilityRule",
    "Health",
    "InvalidTermsError",
    "Parity",
    "PriorityGroup",
    "Terms",
    "TrancheTerms",
]

SIDES: tuple[str, str] = ("UA", "RU")


CATEGORIES: tuple[Category, ...] = (Category.MILITARY, Category.CIVILIAN)


class PriorityGroup(StrEnum):
    SERIOUSLY_ILL = "seriously_ill"
    HELD_SINCE_2014 = "held_since_2014"
    UNDER_25 = "under_25"
    WOMEN = "women"


class InvalidTermsError(ValueError):
    """The terms are malformed (unknown crossing point, duplicate tranche id, ...)."""


@dataclass(frozen=True)
class Candidate:
    """One person on a release offer, as the planner sees them.

    ``date_of_birth`` may be partial: ``"1999"``, ``"1999-04"`` or ``"1999-04-12"``.
    ``sex`` is ``"F"``/``"M"`` (or ``"female"``/``"male"``); ``status`` is the legal
    status as in ``homeward.domain.values.LegalStatus`` (``"pow"``, ``"civilian_internee"``...).
    """

    person_id: str
    side: str
    category: Category
    health: Health = Health.FIT
    sex: str | None = None
    date_of_birth: str | None = None
    captured_on: date | None = None
    facility: str = ""
    status: str = "pow"
    acknowledged: bool = True
    already_released: bool = False
    held_for_proceedings: bool = False
    deceased: bool = False


@dataclass(frozen=True)
class CrossingPoint:
    """A place where handovers happen; ``daily_capacity`` is people per side per day."""

    name: str
    daily_capacity: int


@dataclass(frozen=True)
class TrancheTerms:
    """One tranche: a day at a crossing point, with optional per-side counts."""

    id: str
    day: date
    crossing: str
    total: int | None = None
    military: int | None = None
    civilian: int | None = None

    def quota(self, category: Category) -> int | None:
        return self.military if category is Category.MILITARY else self.civilian


@dataclass(frozen=True)
class EligibilityRule:
    """Who of a category may be released under the terms."""

    category: Category
    require_acknowledged: bool = True
    min_age: int | None = None
    max_age: int | None = None
    health: tuple[Health, ...] | None = None
    statuses: tuple[str, ...] | None = None
    captured_from: date | None = None
    captured_until: date | None = None

    def __post_init__(self) -> None:
        # Sets in meaning, kept sorted so equal rules compare (and sign) equal.
        if self.health is not None:
            object.__setattr__(self, "health", tuple(sorted(set(self.health))))
        if self.statuses is not None:
            object.__setattr__(self, "statuses", tuple(sorted(set(self.statuses))))


def _default_rules() -> tuple[EligibilityRule, ...]:
    return tuple(EligibilityRule(category=c) for c in CATEGORIES)


@dataclass(frozen=True)
class Terms:
    """An agreement on one exchange. Counts are per side unless named otherwise.

    ``military``/``civilian`` are overall quotas per side (None: free). Categories without
    an eligibility rule are outside the exchange.
    """

    name: str
    total_per_side: int
    tranches: tuple[TrancheTerms, ...]
    crossing_points: tuple[CrossingPoint, ...]
    parity: Parity = Parity.PER_TRANCHE_AND_CATEGORY
    military: int | None = None
    civilian: int | None = None
    priority_groups: tuple[PriorityGroup, ...] = ()
    seriously_ill_outside_parity: bool = False
    eligibility: tuple[EligibilityRule, ...] = field(default_factory=_default_rules)
    reserve_size: int = 0
    reference_date: date | None = None
    sides: tuple[str, str] = SIDES

    def __post_init__(self) -> None:
        problems = _structural_problems(self)
        if problems:
            raise InvalidTermsError("; ".join(problems))

    def quota(self, category: Category) -> int | None:
        return self.military if category is Category.MILITARY else self.civilian

    def rule(self, category: Category) -> EligibilityRule | None:
        for rule in self.eligibility:
            if rule.category is category:
                return rule
        return None

    @property
    def categories(self) -> tuple[Category, ...]:
        return tuple(c for c in CATEGORIES if self.rule(c) is not None)

    @property
    def as_of(self) -> date:
        """The date ages are computed at: ``reference_date`` or the first day."""
        if self.reference_date is not None:
            return self.reference_date
        return min(t.day for t in self.tranches)

    def crossing(self, name: str) -> CrossingPoint:
        for point in self.crossing_points:
            if point.name == name:
                return point
        raise KeyError(name)


def _structural_problems(terms: Terms) -> list[str]:
    problems: list[str] = []
    if len(set(terms.sides)) != 2:
        problems.append("sides: two different sides are needed")
    if terms.total_per_side < 0:
        problems.append("total_per_side: must not be negative")
    if terms.reserve_size < 0:
        problems.append("reserve_size: must not be negative")
    if not terms.tranches:
        problems.append("tranches: at least one tranche is needed")
    names = [p.name for p in terms.crossing_points]
    if len(set(names)) != len(names):
        problems.append("crossing_points: names must be unique")
    for i, point in enumerate(terms.crossing_points):
        if point.daily_capacity < 0:
            problems.append(f"crossing_points[{i}].daily_capacity: must not be negative")
    ids = [t.id for t in terms.tranches]
    if len(set(ids)) != len(ids):
        problems.append("tranches: ids must be unique")
    for i, t in enumerate(terms.tranches):
        if t.crossing not in names:
            problems.append(f"tranches[{i}].crossing: unknown crossing point {t.crossing!r}")
        for key in ("total", "military", "civilian"):
            value = getattr(t, key)
            if value is not None and value < 0:
                problems.append(f"tranches[{i}].{key}: must not be negative")
    for key in ("military", "civilian"):
        value = getattr(terms, key)
        if value is not None and value < 0:
            problems.append(f"{key}: must not be negative")
    cats = [r.category for r in terms.eligibility]
    if len(set(cats)) != len(cats):
        problems.append("eligibility: one rule per category")
    if len(set(terms.priority_groups)) != len(terms.priority_groups):
        problems.append("priority_groups: each group at most once")
    return problems
