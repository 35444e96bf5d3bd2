"""The eligible people of each side, ranked per category, ready for planning."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from homeward.planning.eligibility import check_eligibility
from homeward.planning.model import Candidate, Category, Terms
from homeward.planning.people import outside_parity, rank_key, tier_of


@dataclass(frozen=True)
class Ranked:
    person: Candidate
    tier: int


@dataclass(frozen=True)
class Pool:
    """``counted[side][category]`` is ranked best first; ``outside[side]`` skips parity."""

    counted: dict[str, dict[Category, tuple[Ranked, ...]]]
    outside: dict[str, tuple[Ranked, ...]]
    tiers: int

    def available(self, side: str, category: Category) -> int:
        return len(self.counted[side][category])

    def at_most_tier(self, side: str, category: Category, tier: int) -> int:
        return sum(1 for r in self.counted[side][category] if r.tier <= tier)


def build_pool(terms: Terms, candidates: Iterable[Candidate]) -> Pool:
    people = list(candidates)
    on = terms.as_of
    eligible = check_eligibility(terms, people).eligible_ids()
    seen: set[str] = set()
    counted: dict[str, dict[Category, list[Ranked]]] = {
        s: {c: [] for c in terms.categories} for s in terms.sides
    }
    outside: dict[str, list[Ranked]] = {s: [] for s in terms.sides}
    for person in people:
        if person.person_id not in eligible or person.person_id in seen:
            continue
        seen.add(person.person_id)
        ranked = Ranked(person, tier_of(person, terms, on))
        if outside_parity(person, terms):
            outside[person.side].append(ranked)
        else:
            counted[person.side][person.category].append(ranked)

    def order(rs: list[Ranked]) -> tuple[Ranked, ...]:
        return tuple(sorted(rs, key=lambda r: rank_key(r.person, r.tier)))

    return Pool(
        counted={s: {c: order(rs) for c, rs in cs.items()} for s, cs in counted.items()},
        outside={s: order(rs) for s, rs in outside.items()},
        tiers=len(terms.priority_groups) + 1,
    )
