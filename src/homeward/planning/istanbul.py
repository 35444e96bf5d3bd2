"""The reference exchange's terms: Istanbul, agreed 16 May 2025, executed 23-25 May."""

from __future__ import annotations

from datetime import date

from homeward.planning.model import (
    CrossingPoint,
    Parity,
    PriorityGroup,
    Terms,
    TrancheTerms,
)

BORDER = "ua-by-border"


def istanbul_2025_terms(*, reserve_size: int = 50, daily_capacity: int = 400) -> Terms:
    """1,000 for 1,000 over three days: 390 (270 military, 120 civilians), 307, 303.

    Days 2 and 3 were reported as servicemen only, so their civilian quota is 0; parity
    holds per tranche and category. Matches docs/examples/istanbul-2025.toml.
    """
    return Terms(
        name="Istanbul 2025: 1000 for 1000",
        total_per_side=1000,
        parity=Parity.PER_TRANCHE_AND_CATEGORY,
        priority_groups=(
            PriorityGroup.SERIOUSLY_ILL,
            PriorityGroup.HELD_SINCE_2014,
            PriorityGroup.UNDER_25,
            PriorityGroup.WOMEN,
        ),
        reserve_size=reserve_size,
        crossing_points=(CrossingPoint(name=BORDER, daily_capacity=daily_capacity),),
        tranches=(
            TrancheTerms(
                "day-1",
                date(2025, 5, 23),
                BORDER,
                total=390,
                military=270,
                civilian=120,
            ),
            TrancheTerms("day-2", date(2025, 5, 24), BORDER, total=307, military=307, civilian=0),
            TrancheTerms("day-3", date(2025, 5, 25), BORDER, total=303, military=303, civilian=0),
        ),
    )
