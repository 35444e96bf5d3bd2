"""Stage 1 of planning: how many people of each side and category go in each tranche.

A small CP-SAT model over counts only. It is first solved "elastically" (quotas, totals
and capacity may be missed at a cost) so that, when the terms cannot be met, the missing
people are named per constraint instead of a bare INFEASIBLE. Then priorities decide free
category splits: fewer people of the first priority group left out, then the second, ...
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from homeward.planning.feasibility import Shortfall
from homeward.planning.model import Category, Parity, Terms
from homeward.planning.pool import Pool

Counts = dict[str, dict[str, dict[Category, int]]]
"""``counts[side][tranche_id][category]`` people who count towards parity."""
Outside = dict[str, dict[str, int]]
"""``outside[side][tranche_id]`` seriously ill handed over outside parity."""


@dataclass(frozen=True)
class SolverOptions:
    """Determinism: fixed seed and worker count, deterministic time limits only."""

    seed: int = 0
    workers: int = 1
    counts_limit: float = 5.0
    assign_limit: float = 1.0


def linear_sum(items: Iterable[cp_model.LinearExprT]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(list(items))


def new_solver(options: SolverOptions, limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = options.seed
    solver.parameters.num_workers = options.workers
    solver.parameters.max_deterministic_time = limit
    solver.parameters.linearization_level = 2
    if options.workers > 1:
        solver.parameters.interleave_search = True
    return solver


class _CountModel:
    def __init__(self, terms: Terms, pool: Pool, elastic: bool, parity: bool = True) -> None:
        self.terms = terms
        self.pool = pool
        self.m = cp_model.CpModel()
        self.slacks: list[tuple[cp_model.IntVar, Shortfall]] = []
        self.elastic = elastic
        m, cats = self.m, terms.categories
        self.x: dict[tuple[str, str, Category], cp_model.IntVar] = {}
        self.o: dict[tuple[str, str], cp_model.IntVar] = {}
        for s in terms.sides:
            n_out = len(pool.outside[s])
            for t in terms.tranches:
                cap = terms.crossing(t.crossing).daily_capacity
                for c in cats:
                    # Elastically, capacity is what gets missed, so it must not bound x.
                    hi = pool.available(s, c) if elastic else min(pool.available(s, c), cap)
                    self.x[s, t.id, c] = m.new_int_var(0, hi, f"x_{s}_{t.id}_{c.value}")
                self.o[s, t.id] = m.new_int_var(0, n_out, f"o_{s}_{t.id}")
            m.add(linear_sum(self.o[s, t.id] for t in terms.tranches) == n_out)
            for c in cats:
                m.add(
                    linear_sum(self.x[s, t.id, c] for t in terms.tranches) <= pool.available(s, c)
                )
        self._quotas()
        self._capacity()
        if parity:
            self._parity()

    def _at_least(self, expr: cp_model.LinearExpr, target: int, short: Shortfall) -> None:
        """``expr == target``; elastically ``expr + missing == target``."""
        if not self.elastic:
            self.m.add(expr == target)
            return
        miss = self.m.new_int_var(0, target, f"miss_{short.constraint}_{short.side}")
        self.m.add(expr + miss == target)
        self.slacks.append((miss, replace(short, short=target)))

    def _quotas(self) -> None:
        terms, cats, x = self.terms, self.terms.categories, self.x
        for s in terms.sides:
            for t in terms.tranches:
                for c in cats:
                    q = t.quota(c)
                    if q is not None:
                        what = f"{c.value} quota for {t.id} is {q:,} per side"
                        self._at_least(
                            x[s, t.id, c],
                            q,
                            Shortfall(f"tranche_quota:{t.id}:{c.value}", 0, what, s),
                        )
                if t.total is not None:
                    what = f"the total for {t.id} is {t.total:,} per side"
                    expr = linear_sum(x[s, t.id, c] for c in cats)
                    self._at_least(expr, t.total, Shortfall(f"tranche_total:{t.id}", 0, what, s))
            for c in cats:
                q = terms.quota(c)
                if q is not None:
                    expr = linear_sum(x[s, t.id, c] for t in terms.tranches)
                    what = f"the {c.value} quota is {q:,} per side"
                    self._at_least(expr, q, Shortfall(f"quota:{c.value}", 0, what, s))
            expr = linear_sum(x[s, t.id, c] for t in terms.tranches for c in cats)
            what = f"the total is {terms.total_per_side:,} per side"
            self._at_least(expr, terms.total_per_side, Shortfall("total_per_side", 0, what, s))

    def _capacity(self) -> None:
        terms = self.terms
        slots: dict[tuple[date, str], list[str]] = defaultdict(list)
        for t in terms.tranches:
            slots[(t.day, t.crossing)].append(t.id)
        for (day, crossing), ids in sorted(slots.items()):
            cap = terms.crossing(crossing).daily_capacity
            for s in terms.sides:
                load = linear_sum(
                    [self.x[s, i, c] for i in ids for c in terms.categories]
                    + [self.o[s, i] for i in ids]
                )
                if self.elastic:
                    over = self.m.new_int_var(0, terms.total_per_side + 10**6, "over")
                    self.m.add(load <= cap + over)
                    what = f"capacity at {crossing} on {day.isoformat()} is {cap:,} per side"
                    name = f"capacity:{crossing}:{day.isoformat()}"
                    self.slacks.append((over, Shortfall(name, cap, what, s)))
                else:
                    self.m.add(load <= cap)

    def _parity(self) -> None:
        terms, cats, x = self.terms, self.terms.categories, self.x
        a, b = terms.sides
        for t in terms.tranches:
            if terms.parity is Parity.PER_TRANCHE_AND_CATEGORY:
                for c in cats:
                    self.m.add(x[a, t.id, c] == x[b, t.id, c])
            elif terms.parity is Parity.PER_TRANCHE:
                self.m.add(
                    linear_sum(x[a, t.id, c] for c in cats)
                    == linear_sum(x[b, t.id, c] for c in cats)
                )
        if terms.parity is Parity.OVERALL:
            self.m.add(
                linear_sum(x[a, t.id, c] for t in terms.tranches for c in cats)
                == linear_sum(x[b, t.id, c] for t in terms.tranches for c in cats)
            )

    def selected(self, s: str, c: Category) -> cp_model.LinearExpr:
        return linear_sum(self.x[s, t.id, c] for t in self.terms.tranches)


def _elastic(terms: Terms, pool: Pool, options: SolverOptions, parity: bool) -> list[Shortfall]:
    cm = _CountModel(terms, pool, elastic=True, parity=parity)
    cm.m.minimize(linear_sum(v for v, _ in cm.slacks))
    solver = new_solver(options, options.counts_limit)
    status = solver.solve(cm.m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [Shortfall("parity", 0, "the two sides' offers cannot be matched at all")]
    out = []
    rule = terms.parity.value.replace("_", " ")
    for var, short in cm.slacks:
        n = int(solver.value(var))
        if not n:
            continue
        # The template's ``short`` holds the target (or the capacity) of the constraint.
        if short.constraint.startswith("capacity"):
            but = f"{short.side} would need {short.short + n:,}: {n:,} over"
        else:
            but = f"{short.side} can give only {short.short - n:,}: {n:,} short"
        if parity:
            but += f" (keeping parity {rule})"
        out.append(Shortfall(short.constraint, n, f"{short.message} but {but}", short.side))
    return out


def elastic_shortfalls(terms: Terms, pool: Pool, options: SolverOptions) -> list[Shortfall]:
    """The fewest people by which the terms are missed, per constraint (empty: feasible).

    Each side is first checked alone, so a shortfall is blamed on the side that causes it;
    only if both sides could meet the terms alone is parity between them brought in.
    """
    return _elastic(terms, pool, options, parity=False) or _elastic(
        terms, pool, options, parity=True
    )


def solve_counts(terms: Terms, pool: Pool, options: SolverOptions) -> tuple[Counts, Outside]:
    """Counts per side, tranche and category; call only once the terms are known feasible."""
    cm = _CountModel(terms, pool, elastic=False)
    m, solver = cm.m, new_solver(options, options.counts_limit)
    levels: list[cp_model.LinearExpr] = []
    for k in range(pool.tiers - 1):
        left_out = []
        for s in terms.sides:
            for c in terms.categories:
                want = pool.at_most_tier(s, c, k)
                lo = m.new_int_var(0, want, f"left_{k}_{s}_{c.value}")
                m.add(lo >= want - cm.selected(s, c))
                left_out.append(lo)
        levels.append(linear_sum(left_out))
    order = {t.id: i for i, t in enumerate(terms.tranches)}
    levels.append(linear_sum(order[i] * v for (_, i), v in cm.o.items()))
    for level in levels:
        m.minimize(level)
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError("count model became infeasible after the elastic check")
        m.add(level <= int(solver.objective_value))
    counts: Counts = {
        s: {
            t.id: {c: int(solver.value(cm.x[s, t.id, c])) for c in terms.categories}
            for t in terms.tranches
        }
        for s in terms.sides
    }
    outside: Outside = {
        s: {t.id: int(solver.value(cm.o[s, t.id])) for t in terms.tranches} for s in terms.sides
    }
    return counts, outside
