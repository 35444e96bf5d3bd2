"""An independent check of a plan against the terms: every rule, one message per breach.

The property tests run it on every plan; services can run it on a plan read back from
storage or edited by hand before the parties sign it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from homeward.planning.model import Candidate, Category, Parity, Terms
from homeward.planning.plan import Plan
from homeward.planning.pool import build_pool


def _counts(plan: Plan, terms: Terms) -> dict[tuple[str, str, Category], int]:
    out: dict[tuple[str, str, Category], int] = defaultdict(int)
    for t in plan.tranches:
        for s in terms.sides:
            for c in terms.categories:
                out[s, t.tranche_id, c] = t.counted(s, c)
    return out


def _quota_breaches(plan: Plan, terms: Terms) -> list[str]:
    out = []
    n = _counts(plan, terms)
    for s in terms.sides:
        for t in terms.tranches:
            for c in terms.categories:
                q = t.quota(c)
                if q is not None and n[s, t.id, c] != q:
                    out.append(f"{s} {t.id}: {n[s, t.id, c]} {c.value}, quota {q}")
            got = sum(n[s, t.id, c] for c in terms.categories)
            if t.total is not None and got != t.total:
                out.append(f"{s} {t.id}: {got} people, tranche total {t.total}")
        for c in terms.categories:
            q = terms.quota(c)
            got = sum(n[s, t.id, c] for t in terms.tranches)
            if q is not None and got != q:
                out.append(f"{s}: {got} {c.value} overall, quota {q}")
        got = sum(n[s, t.id, c] for t in terms.tranches for c in terms.categories)
        if got != terms.total_per_side:
            out.append(f"{s}: {got} people overall, total {terms.total_per_side}")
    a, b = terms.sides
    for t in terms.tranches:
        if terms.parity is Parity.PER_TRANCHE_AND_CATEGORY:
            for c in terms.categories:
                if n[a, t.id, c] != n[b, t.id, c]:
                    out.append(f"{t.id} {c.value}: parity broken")
        elif terms.parity is Parity.PER_TRANCHE and (
            sum(n[a, t.id, c] - n[b, t.id, c] for c in terms.categories) != 0
        ):
            out.append(f"{t.id}: parity broken")
    return out


def _capacity_breaches(plan: Plan, terms: Terms) -> list[str]:
    load: dict[tuple[str, date, str], int] = defaultdict(int)
    for t in plan.tranches:
        for s in terms.sides:
            load[s, t.day, t.crossing] += len(t.sides[s])
    return [
        f"{s} {crossing} {day}: {n} people, capacity {terms.crossing(crossing).daily_capacity}"
        for (s, day, crossing), n in sorted(load.items())
        if n > terms.crossing(crossing).daily_capacity
    ]


def verify_plan(plan: Plan, terms: Terms, candidates: Iterable[Candidate]) -> list[str]:
    """Every way ``plan`` breaks ``terms`` (empty when it keeps them all)."""
    pool = build_pool(terms, candidates)
    out = _quota_breaches(plan, terms) + _capacity_breaches(plan, terms)
    seen: set[str] = set()
    for t in plan.tranches:
        for s in terms.sides:
            for p in t.sides[s]:
                if p.person_id in seen:
                    out.append(f"{p.person_id} planned twice")
                seen.add(p.person_id)
    order = sorted(range(len(plan.tranches)), key=lambda i: plan.tranches[i].day)
    for s in terms.sides:
        outside = {r.person.person_id for r in pool.outside[s]}
        planned_out = {p.person_id for t in plan.tranches for p in t.sides[s] if p.outside_parity}
        if planned_out != outside:
            out.append(f"{s}: the seriously ill outside parity are not all planned")
        for c in terms.categories:
            ranked = [r.person.person_id for r in pool.counted[s][c]]
            tier = {r.person.person_id: r.tier for r in pool.counted[s][c]}
            chosen = [
                p.person_id
                for i in order
                for p in plan.tranches[i].sides[s]
                if p.category is c and not p.outside_parity
            ]
            if any(pid not in tier for pid in chosen):
                out.append(f"{s} {c.value}: someone planned is not eligible in this category")
                continue
            if set(chosen) != set(ranked[: len(chosen)]):
                out.append(f"{s} {c.value}: a better-ranked person was passed over")
            reserve = [p.person_id for p in plan.reserves[s].get(c, ())]
            expected = ranked[len(chosen) : len(chosen) + terms.reserve_size]
            if reserve != expected:
                out.append(f"{s} {c.value}: reserve is not the next ranked people in order")
            worst = -1
            for i in order:
                tiers = [
                    tier[p.person_id]
                    for p in plan.tranches[i].sides[s]
                    if p.category is c and not p.outside_parity
                ]
                if tiers and min(tiers) < worst:
                    out.append(f"{s} {c.value}: a priority group waits for a later tranche")
                worst = max([worst, *tiers])
    return out
