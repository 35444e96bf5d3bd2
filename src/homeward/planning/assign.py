"""Stage 2 of planning: which people go in which tranche, one side at a time.

The counts are fixed by stage 1 and the people selected are the best ranked of each
category. Priority is a hard rule here: within a category, tranches are filled in priority
order, so a tranche never carries someone of a lower priority group while someone of a
higher one waits for a later tranche. What remains free is which facilities fill each
tranche; CP-SAT minimises the number of (facility, tranche) groups, so people held together
travel together. The model is aggregated: one integer per (facility, category, priority
group, tranche), not one boolean per person and day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from homeward.planning.counts import SolverOptions, linear_sum, new_solver
from homeward.planning.model import Category, Terms
from homeward.planning.pool import Ranked

Group = tuple[str, Category, int]
"""(facility, category, priority tier)"""


@dataclass(frozen=True)
class SideAssignment:
    """``tranches[tranche_id]`` lists the side's counted people; plus the solve quality."""

    tranches: dict[str, list[Ranked]]
    groups: int
    bound: int
    optimal: bool


def tier_fill(tier_counts: list[int], per_tranche: list[int]) -> list[list[int]]:
    """Fill tranches in order with tier 0 first, then tier 1, ...: ``[tier][tranche]``.

    >>> tier_fill([3, 4], [5, 2])
    [[3, 0], [2, 2]]
    """
    left = list(per_tranche)
    out = []
    for n in tier_counts:
        row = []
        for i in range(len(left)):
            take = min(n, left[i])
            row.append(take)
            left[i] -= take
            n -= take
        out.append(row)
    return out


def _greedy(
    groups: dict[Group, int], demand: dict[tuple[Category, int], list[int]]
) -> dict[tuple[Group, int], int]:
    """A valid assignment: biggest facility groups first, each filling tranches in order."""
    y: dict[tuple[Group, int], int] = {}
    for (c, k), need in sorted(demand.items()):
        left = list(need)
        mine = sorted(
            (g for g in groups if g[1] is c and g[2] == k),
            key=lambda g: (-groups[g], g[0]),
        )
        ti = 0
        for g in mine:
            n = groups[g]
            while n:
                while left[ti] == 0:
                    ti += 1
                take = min(n, left[ti])
                y[g, ti] = y.get((g, ti), 0) + take
                left[ti] -= take
                n -= take
    return y


def assign_side(
    terms: Terms,
    selected: dict[Category, tuple[Ranked, ...]],
    counts: dict[str, dict[Category, int]],
    *,
    tranche_ids: list[str],
    tiers: int,
    options: SolverOptions,
) -> SideAssignment:
    """Place one side's selected people (ranked best first) into tranches ``tranche_ids``."""
    groups: dict[Group, int] = defaultdict(int)
    members: dict[Group, list[Ranked]] = defaultdict(list)
    for c, people in selected.items():
        for r in people:
            g = (r.person.facility, c, r.tier)
            groups[g] += 1
            members[g].append(r)
    demand: dict[tuple[Category, int], list[int]] = {}
    for c in terms.categories:
        tier_counts = [
            sum(n for g, n in groups.items() if g[1] is c and g[2] == k) for k in range(tiers)
        ]
        per_tranche = [counts[i][c] for i in tranche_ids]
        for k, row in enumerate(tier_fill(tier_counts, per_tranche)):
            if any(row):
                demand[c, k] = row
    hint = _greedy(groups, demand)
    y, n_groups, bound, optimal = _solve(groups, demand, len(tranche_ids), hint, options)
    out: dict[str, list[Ranked]] = {i: [] for i in tranche_ids}
    for g in sorted(groups):
        queue = iter(members[g])
        for ti, tid in enumerate(tranche_ids):
            for _ in range(y.get((g, ti), 0)):
                out[tid].append(next(queue))
    return SideAssignment(out, n_groups, bound, optimal)


def _solve(
    groups: dict[Group, int],
    demand: dict[tuple[Category, int], list[int]],
    n_tranches: int,
    hint: dict[tuple[Group, int], int],
    options: SolverOptions,
) -> tuple[dict[tuple[Group, int], int], int, int, bool]:
    m = cp_model.CpModel()
    y: dict[tuple[Group, int], cp_model.IntVar] = {}
    z: dict[tuple[str, int], cp_model.IntVar] = {}
    for g in sorted(groups):
        need = demand.get((g[1], g[2]), [0] * n_tranches)
        for t in range(n_tranches):
            if need[t] == 0:
                continue
            hi = min(groups[g], need[t])
            y[g, t] = m.new_int_var(0, hi, f"y_{g[0]}_{g[1].value}_{g[2]}_{t}")
            m.add_hint(y[g, t], hint.get((g, t), 0))
            if (g[0], t) not in z:
                z[g[0], t] = m.new_bool_var(f"z_{g[0]}_{t}")
            m.add(y[g, t] <= hi * z[g[0], t])
        m.add(linear_sum(y[g, t] for t in range(n_tranches) if (g, t) in y) == groups[g])
    for (c, k), need in demand.items():
        for t in range(n_tranches):
            if need[t]:
                m.add(
                    linear_sum(v for (g, tt), v in y.items() if tt == t and g[1] is c and g[2] == k)
                    == need[t]
                )
    used = {(g[0], t) for (g, t), n in hint.items() if n}
    for key, var in z.items():
        m.add_hint(var, key in used)
    # Cuts that tighten the bound: a group needs at least ceil(size / largest slot) of the
    # tranches its priority group may use, each of them opened for its facility.
    facilities = sorted({g[0] for g in groups})
    for g in sorted(groups):
        need = demand[g[1], g[2]]
        slots = [t for t in range(n_tranches) if need[t]]
        at_least = -(-groups[g] // max(need[t] for t in slots))
        m.add(linear_sum(z[g[0], t] for t in slots) >= at_least)
    m.minimize(sum(z.values()))
    solver = new_solver(options, options.assign_limit)
    status = solver.solve(m)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = {key: int(solver.value(v)) for key, v in y.items()}
        return (
            values,
            int(solver.objective_value),
            int(solver.best_objective_bound),
            status == cp_model.OPTIMAL,
        )
    return hint, len(used), len(facilities), False
