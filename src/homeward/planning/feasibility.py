"""Arithmetic checks that explain, in a negotiator's words, why terms cannot be met.

They run before the solver; the solver's own elastic check (``counts.py``) catches what
arithmetic alone cannot see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from homeward.planning.model import Category, Parity, Terms
from homeward.planning.pool import Pool


@dataclass(frozen=True)
class Shortfall:
    """One constraint that cannot be met: ``constraint`` is a stable machine name."""

    constraint: str
    short: int
    message: str
    side: str | None = None


class TermsCannotBeMetError(ValueError):
    def __init__(self, shortfalls: list[Shortfall]) -> None:
        self.shortfalls = tuple(shortfalls)
        super().__init__("; ".join(s.message for s in shortfalls))


def _n(value: int) -> str:
    return f"{value:,}"


def terms_problems(terms: Terms) -> list[Shortfall]:
    """Contradictions inside the terms themselves, whoever is on the lists."""
    out: list[Shortfall] = []
    total = terms.total_per_side
    for t in terms.tranches:
        cats = [t.quota(c) for c in terms.categories]
        if t.total is not None and all(q is not None for q in cats):
            by_cat = sum(q for q in cats if q is not None)
            if by_cat != t.total:
                out.append(
                    Shortfall(
                        f"tranche_total:{t.id}",
                        abs(t.total - by_cat),
                        f"tranche {t.id}: the category quotas add up to {_n(by_cat)} per side "
                        f"but the tranche total is {_n(t.total)}",
                    )
                )
        for c in Category:
            q = t.quota(c)
            if q and c not in terms.categories:
                out.append(
                    Shortfall(
                        f"tranche_quota:{t.id}:{c.value}",
                        q,
                        f"tranche {t.id} asks for {_n(q)} {c.value} per side "
                        f"but the terms have no eligibility rule for {c.value}",
                    )
                )
            if q is not None and t.total is not None and q > t.total:
                out.append(
                    Shortfall(
                        f"tranche_quota:{t.id}:{c.value}",
                        q - t.total,
                        f"tranche {t.id}: {c.value} quota {_n(q)} is above the tranche "
                        f"total {_n(t.total)}",
                    )
                )
    totals = [t.total for t in terms.tranches]
    if all(v is not None for v in totals):
        planned = sum(v for v in totals if v is not None)
        if planned != total:
            word = "short" if planned < total else "too many"
            out.append(
                Shortfall(
                    "total_per_side",
                    abs(total - planned),
                    f"the tranche totals add up to {_n(planned)} per side but the agreed "
                    f"total is {_n(total)}: {_n(abs(total - planned))} {word}",
                )
            )
    for c in terms.categories:
        overall = terms.quota(c)
        fixed = [t.quota(c) for t in terms.tranches]
        fixed_sum = sum(q for q in fixed if q is not None)
        if overall is not None and overall > total:
            out.append(
                Shortfall(
                    f"quota:{c.value}",
                    overall - total,
                    f"the {c.value} quota is {_n(overall)} per side, above the total "
                    f"of {_n(total)}",
                )
            )
        if overall is not None and fixed_sum > overall:
            out.append(
                Shortfall(
                    f"quota:{c.value}",
                    fixed_sum - overall,
                    f"the tranches ask for {_n(fixed_sum)} {c.value} per side but the "
                    f"overall {c.value} quota is {_n(overall)}",
                )
            )
    quotas = [terms.quota(c) for c in terms.categories]
    if quotas and all(q is not None for q in quotas):
        cat_sum = sum(q for q in quotas if q is not None)
        if cat_sum != total:
            out.append(
                Shortfall(
                    "total_per_side",
                    abs(total - cat_sum),
                    f"the category quotas add up to {_n(cat_sum)} per side but the "
                    f"agreed total is {_n(total)}",
                )
            )
    out.extend(_capacity_problems(terms, dict.fromkeys(terms.sides, 0)))
    return out


def _tranche_minimum(terms: Terms, tranche_id: str) -> int:
    t = next(t for t in terms.tranches if t.id == tranche_id)
    by_cat = sum(t.quota(c) or 0 for c in terms.categories)
    return max(t.total or 0, by_cat)


def _capacity_problems(terms: Terms, extra: dict[str, int]) -> list[Shortfall]:
    out: list[Shortfall] = []
    slots: dict[tuple[date, str], list[str]] = defaultdict(list)
    for t in terms.tranches:
        slots[(t.day, t.crossing)].append(t.id)
    for (day, crossing), ids in sorted(slots.items()):
        need = sum(_tranche_minimum(terms, i) for i in ids)
        cap = terms.crossing(crossing).daily_capacity
        if need > cap:
            out.append(
                Shortfall(
                    f"capacity:{crossing}:{day.isoformat()}",
                    need - cap,
                    f"capacity at {crossing} on {day.isoformat()} is {_n(cap)} per side but "
                    f"the tranches there need {_n(need)}: {_n(need - cap)} over",
                )
            )
    whole = sum(terms.crossing(c).daily_capacity for (_, c) in slots)
    for side in terms.sides:
        need = terms.total_per_side + extra[side]
        if need > whole:
            what = "people" if not extra[side] else "people (with the seriously ill)"
            out.append(
                Shortfall(
                    "capacity",
                    need - whole,
                    f"crossing capacity over all days is {_n(whole)} per side but {side} "
                    f"must hand over {_n(need)} {what}: {_n(need - whole)} over",
                    side,
                )
            )
            break
    return out


def pool_problems(terms: Terms, pool: Pool) -> list[Shortfall]:
    """Where the people offered cannot fill what the terms ask for."""
    out: list[Shortfall] = []
    for side in terms.sides:
        for c in terms.categories:
            have = pool.available(side, c)
            fixed = [(t, t.quota(c)) for t in terms.tranches if t.quota(c) is not None]
            fixed_sum = sum(q or 0 for _, q in fixed)
            overall = terms.quota(c) or 0
            need = max(overall, fixed_sum)
            if have >= need:
                continue
            if overall >= fixed_sum:
                what = f"the {c.value} quota is {_n(overall)} per side"
                name = f"quota:{c.value}"
            elif len(fixed) == 1:
                t = fixed[0][0]
                what = (
                    f"{c.value} quota for {t.id} ({t.day.isoformat()}) is {_n(fixed_sum)} per side"
                )
                name = f"tranche_quota:{t.id}:{c.value}"
            else:
                ids = ", ".join(t.id for t, _ in fixed)
                what = f"{c.value} quotas for {ids} add up to {_n(fixed_sum)} per side"
                name = f"tranche_quota:{c.value}"
            out.append(
                Shortfall(
                    name,
                    need - have,
                    f"{what} but {side} offers only {_n(have)} eligible {c.value}: "
                    f"{_n(need - have)} short",
                    side,
                )
            )
        have_all = sum(pool.available(side, c) for c in terms.categories)
        if have_all < terms.total_per_side:
            short = terms.total_per_side - have_all
            out.append(
                Shortfall(
                    "total_per_side",
                    short,
                    f"the total is {_n(terms.total_per_side)} per side but {side} offers only "
                    f"{_n(have_all)} eligible people: {_n(short)} short",
                    side,
                )
            )
    if not out and terms.parity is Parity.PER_TRANCHE_AND_CATEGORY:
        matched = {c: min(pool.available(s, c) for s in terms.sides) for c in terms.categories}
        most = sum(matched.values())
        if most < terms.total_per_side:
            parts = ", ".join(
                f"{c.value} " + " vs ".join(f"{s} {_n(pool.available(s, c))}" for s in terms.sides)
                for c in terms.categories
            )
            short = terms.total_per_side - most
            out.append(
                Shortfall(
                    "parity",
                    short,
                    f"with parity per category at most {_n(most)} per side can be matched "
                    f"({parts} eligible) but the total is {_n(terms.total_per_side)}: "
                    f"{_n(short)} short",
                )
            )
    extra = {s: len(pool.outside[s]) for s in terms.sides}
    if any(extra.values()):
        out.extend(p for p in _capacity_problems(terms, extra) if p.constraint == "capacity")
    return out
