"""Planning benchmark: the Istanbul exchange, a 10,000-for-10,000 exchange over 10 days from
30 facilities, and live rebalancing of one dropout in it.

    python bench/bench_planning.py [--runs 3] [--no-write]

People are synthetic ids generated in memory (no names). Prints one line per measurement and
writes the section `## Planning` of docs/benchmarks.md unless --no-write.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import machine_line, write_section

from homeward.domain.handover import HandoverException
from homeward.domain.tranche import Remedy
from homeward.planning import (
    Candidate,
    Category,
    CrossingPoint,
    Health,
    Plan,
    PriorityGroup,
    Terms,
    TrancheTerms,
    exchange_from_plan,
    istanbul_2025_terms,
    plan_exchange,
    verify_plan,
)


def offer(side: str, n: int, facilities: int, seed: int) -> list[Candidate]:
    rnd = random.Random(f"{side}-{seed}")
    return [
        Candidate(
            person_id=f"{side}-{i:06d}",
            side=side,
            category=Category.MILITARY if rnd.random() < 0.75 else Category.CIVILIAN,
            health=rnd.choice(
                [Health.FIT] * 17 + [Health.WOUNDED, Health.WOUNDED, Health.SERIOUSLY_ILL]
            ),
            sex=rnd.choice(["M"] * 9 + ["F"]),
            date_of_birth=rnd.choice(
                [str(rnd.randint(1965, 2004)), f"{rnd.randint(1965, 2004)}-0{rnd.randint(1, 9)}"]
            ),
            captured_on=date(rnd.randint(2014, 2025), rnd.randint(1, 12), 1),
            facility=f"{side}-facility-{rnd.randrange(facilities):02d}",
            acknowledged=rnd.random() < 0.97,
            already_released=rnd.random() < 0.02,
        )
        for i in range(n)
    ]


def big_terms() -> Terms:
    start = date(2026, 6, 1)
    first = TrancheTerms("day-1", start, "north", total=1000, military=700, civilian=300)
    rest = tuple(
        TrancheTerms(f"day-{d + 1}", start + timedelta(days=d), "north", total=1000)
        for d in range(1, 10)
    )
    return Terms(
        name="10,000 for 10,000",
        total_per_side=10_000,
        civilian=2_500,
        tranches=(first, *rest),
        crossing_points=(CrossingPoint("north", 1_100),),
        priority_groups=tuple(PriorityGroup),
        reserve_size=200,
    )


def timed(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def dropouts(plan: Plan, terms: Terms, n: int) -> tuple[float, float, int]:
    """Median and worst time to propose and apply one dropout, over ``n`` random ones,
    with the crossing's own model (``domain.tranche.Exchange``)."""
    rnd = random.Random(5)
    times = []
    holds = 0
    for _ in range(n):
        exchange = exchange_from_plan(plan, terms.parity).exchange
        tranche = rnd.choice(exchange.tranches)
        failed = rnd.choice(tranche.handovers)
        assert failed.id is not None
        started = time.perf_counter()
        failed.fail(HandoverException.REFUSES_REPATRIATION)
        proposal = exchange.propose(failed.id)
        exchange.apply(proposal)
        times.append(time.perf_counter() - started)
        holds += proposal.remedy is Remedy.HOLD_BACK
    return statistics.median(times), max(times), holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    ist_terms = istanbul_2025_terms()
    ist_people = offer("UA", 1_348, 12, 1) + offer("RU", 6_465, 40, 2)
    ist_time, ist = timed(args.runs, lambda: plan_exchange(ist_terms, ist_people))
    assert isinstance(ist, Plan)
    assert verify_plan(ist, ist_terms, ist_people) == []
    print(f"istanbul 1,000 for 1,000 over 3 days: {ist_time:.3f} s, {ist.report}")

    terms = big_terms()
    people = offer("UA", 12_000, 30, 3) + offer("RU", 12_000, 30, 4)
    big_time, big = timed(args.runs, lambda: plan_exchange(terms, people))
    assert isinstance(big, Plan)
    assert verify_plan(big, terms, people) == []
    again = plan_exchange(terms, list(reversed(people)))
    deterministic = again.tranches == big.tranches and again.reserves == big.reserves
    r = big.report
    print(f"10,000 for 10,000 over 10 days, 30 facilities: {big_time:.3f} s, {r}, gap {r.gap:.2%}")
    print(f"same plan from the offer in reverse order: {deterministic}")

    median, worst, holds = dropouts(big, terms, 200)
    done = f"median {median * 1000:.2f} ms, worst {worst * 1000:.2f} ms"
    print(f"one dropout rebalanced (200 random, {holds} held back): {done}")

    if args.no_write:
        return
    ist_r = ist.report
    rows = [
        (
            "Istanbul: 1,000 for 1,000 over 3 days (UA offers 1,348, RU 6,465)",
            "< 1 s",
            f"{ist_time:.2f} s, {ist_r.status} ({ist_r.facility_groups} facility groups, "
            f"gap {ist_r.gap:.1%})",
        ),
        (
            "10,000 for 10,000 over 10 days from 30 facilities per side (12,000 offered each)",
            "< 10 s",
            f"{big_time:.2f} s, {r.status}: {r.facility_groups} facility groups, "
            f"bound {r.bound}, gap {r.gap:.1%}",
        ),
        (
            "same 10,000 plan from the offer in reverse order",
            "identical",
            "identical" if deterministic else "DIFFERENT",
        ),
        (
            "one dropout proposed and applied in the 10,000 exchange (200 random)",
            "< 1 s",
            done,
        ),
    ]
    table = "\n".join(f"| {m} | {t} | {f} |" for m, t, f in rows)
    body = f"""
`python bench/bench_planning.py --runs {args.runs}`, {machine_line()}; OR-Tools CP-SAT
with 1 worker and deterministic time limits (the plan does not depend on the machine's
speed). Synthetic offers (ids only), 12-40 facilities per side; median of {args.runs} runs.

| Measurement | Target | Figure |
|-------------|--------|--------|
{table}

The gap is on the secondary objective only (how many (facility, tranche) groups people
travel in); quotas, parity, capacity, totals and priority order are hard constraints,
checked on each plan by `verify_plan`. The model is aggregated per (facility, category,
priority group, tranche), so its size grows with facilities and days, not with people.
"""
    write_section("Planning", body)


if __name__ == "__main__":
    main()
