"""Synthetic candidates and terms for planning tests: ids only, never names."""

from __future__ import annotations

import random
from datetime import date, timedelta

from homeward.planning import (
    Candidate,
    Category,
    CrossingPoint,
    Health,
    Parity,
    PriorityGroup,
    Terms,
    TrancheTerms,
)


def candidate(person_id: str, side: str = "UA", **fields: object) -> Candidate:
    base: dict[str, object] = {
        "person_id": person_id,
        "side": side,
        "category": Category.MILITARY,
        "facility": f"{side}-F1",
        "date_of_birth": "1990-01-01",
        "captured_on": date(2023, 3, 1),
        "sex": "M",
    }
    base.update(fields)
    return Candidate(**base)  # type: ignore[arg-type]


def offer(
    side: str, n: int, seed: int, facilities: int = 5, military_share: float = 0.7
) -> list[Candidate]:
    """``n`` random eligible-looking people held by ``side``; about 5% not acknowledged."""
    rnd = random.Random(f"{side}-{seed}")
    out = []
    for i in range(n):
        out.append(
            Candidate(
                person_id=f"{side}-{seed}-{i:05d}",
                side=side,
                category=Category.MILITARY if rnd.random() < military_share else Category.CIVILIAN,
                health=rnd.choice([Health.FIT] * 8 + [Health.WOUNDED, Health.SERIOUSLY_ILL]),
                sex=rnd.choice(["M"] * 9 + ["F"]),
                date_of_birth=str(rnd.randint(1965, 2004)),
                captured_on=date(rnd.randint(2014, 2025), rnd.randint(1, 12), 1),
                facility=f"{side}-F{rnd.randrange(facilities):02d}",
                acknowledged=rnd.random() < 0.95,
            )
        )
    return out


def simple_terms(
    totals: list[int],
    *,
    capacity: int = 10_000,
    parity: Parity = Parity.PER_TRANCHE_AND_CATEGORY,
    reserve_size: int = 5,
    **fields: object,
) -> Terms:
    start = date(2025, 6, 1)
    return Terms(
        name="test terms",
        total_per_side=sum(totals),
        parity=parity,
        reserve_size=reserve_size,
        priority_groups=tuple(PriorityGroup),
        crossing_points=(CrossingPoint("X", capacity),),
        tranches=tuple(
            TrancheTerms(f"t{i + 1}", start + timedelta(days=i), "X", total=n)
            for i, n in enumerate(totals)
        ),
        **fields,  # type: ignore[arg-type]
    )
