"""Planning an exchange: eligibility, feasibility, counts, then people into tranches."""

from __future__ import annotations

import time
from collections.abc import Iterable

from homeward.planning.assign import assign_side
from homeward.planning.counts import SolverOptions, elastic_shortfalls, solve_counts
from homeward.planning.feasibility import (
    TermsCannotBeMetError,
    pool_problems,
    terms_problems,
)
from homeward.planning.model import Candidate, Category, Terms
from homeward.planning.plan import Plan, PlannedPerson, SolveReport, TranchePlan
from homeward.planning.pool import Pool, Ranked, build_pool


def _planned(r: Ranked, terms: Terms, outside: bool = False) -> PlannedPerson:
    groups = terms.priority_groups
    return PlannedPerson(
        person_id=r.person.person_id,
        category=r.person.category,
        facility=r.person.facility,
        priority=groups[r.tier].value if r.tier < len(groups) else None,
        outside_parity=outside,
    )


def check_feasibility(terms: Terms, pool: Pool, options: SolverOptions) -> None:
    """Raise ``TermsCannotBeMetError`` naming the constraints missed and by how many people."""
    problems = terms_problems(terms) or pool_problems(terms, pool)
    if not problems:
        problems = elastic_shortfalls(terms, pool, options)
    if problems:
        raise TermsCannotBeMetError(problems)


def plan_exchange(
    terms: Terms, candidates: Iterable[Candidate], options: SolverOptions | None = None
) -> Plan:
    """Assign each side's eligible people to tranches, and rank the reserves.

    Deterministic for the same terms and candidates (in any order). Raises
    ``TermsCannotBeMetError`` when the terms cannot be met with the people offered.
    """
    opts = options or SolverOptions()
    started = time.perf_counter()
    pool = build_pool(terms, candidates)
    check_feasibility(terms, pool, opts)
    counts, outside = solve_counts(terms, pool, opts)
    order = sorted(range(len(terms.tranches)), key=lambda i: (terms.tranches[i].day, i))
    tranche_ids = [terms.tranches[i].id for i in order]
    rank = {
        r.person.person_id: i
        for s in terms.sides
        for rs in pool.counted[s].values()
        for i, r in enumerate(rs)
    }
    per_side: dict[str, dict[str, tuple[PlannedPerson, ...]]] = {}
    reserves: dict[str, dict[Category, tuple[PlannedPerson, ...]]] = {}
    groups = bound = 0
    optimal = True
    for s in terms.sides:
        n_sel = {c: sum(counts[s][i][c] for i in tranche_ids) for c in terms.categories}
        selected = {c: pool.counted[s][c][: n_sel[c]] for c in terms.categories}
        reserves[s] = {
            c: tuple(
                _planned(r, terms)
                for r in pool.counted[s][c][n_sel[c] : n_sel[c] + terms.reserve_size]
            )
            for c in terms.categories
        }
        side = assign_side(
            terms, selected, counts[s], tranche_ids=tranche_ids, tiers=pool.tiers, options=opts
        )
        groups, bound = groups + side.groups, bound + side.bound
        optimal = optimal and side.optimal
        out_queue = iter(pool.outside[s])
        per_side[s] = {}
        for tid in tranche_ids:
            first = [_planned(next(out_queue), terms, True) for _ in range(outside[s][tid])]
            people = sorted(
                side.tranches[tid],
                key=lambda r: (r.tier, r.person.facility, rank[r.person.person_id]),
            )
            per_side[s][tid] = tuple(first + [_planned(r, terms) for r in people])
    tranches = tuple(
        TranchePlan(
            tranche_id=t.id,
            day=t.day,
            crossing=t.crossing,
            sides={s: per_side[s][t.id] for s in terms.sides},
        )
        for t in (terms.tranches[i] for i in order)
    )
    report = SolveReport(
        status="optimal" if optimal else "feasible",
        facility_groups=groups,
        bound=bound,
        seconds=time.perf_counter() - started,
    )
    return Plan(terms_name=terms.name, tranches=tranches, reserves=reserves, report=report)
