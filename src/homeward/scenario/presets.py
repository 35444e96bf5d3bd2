"""Presets: how many people each side holds and seeks, and how their registries look."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from homeward.domain.values import Side


@dataclass(frozen=True, slots=True)
class PeoplePlan:
    """The people of one nation (``nation``) in a scenario: those the other side holds, and
    the rows of their own side's sought registry."""

    nation: Side
    held: int
    held_civilian_share: float
    holder_facilities: int
    sought_total: int
    # Shares of the held people: a held_confirmed row, else a missing_report row, else none.
    confirmed_share: float
    missing_share: float
    # Share of held people for whom a family also filed a claim (a second sought row).
    family_duplicate_share: float
    # Family claims about people nobody holds; the rest of sought_total is missing reports.
    family_not_held: int


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    reference_date: dt.date
    ua_people: PeoplePlan
    ru_people: PeoplePlan


ISTANBUL_2025 = Preset(
    name="istanbul-2025",
    # Lists were exchanged after the Istanbul agreement of 16 May 2025.
    reference_date=dt.date(2025, 5, 16),
    # June 2024 report: 6,465 of one side's people held against 1,348 of the other's.
    ua_people=PeoplePlan(
        nation=Side.UA,
        held=6465,
        held_civilian_share=0.18,
        holder_facilities=40,
        sought_total=10000,
        confirmed_share=0.70,
        missing_share=0.25,
        family_duplicate_share=0.10,
        family_not_held=510,
    ),
    ru_people=PeoplePlan(
        nation=Side.RU,
        held=1348,
        held_civilian_share=0.28,
        holder_facilities=15,
        sought_total=1500,
        confirmed_share=0.88,
        missing_share=0.09,
        family_duplicate_share=0.03,
        family_not_held=30,
    ),
)

SMALL = Preset(
    name="small",
    reference_date=dt.date(2025, 5, 16),
    ua_people=PeoplePlan(Side.UA, 260, 0.3, 6, 400, 0.7, 0.25, 0.1, 20),
    ru_people=PeoplePlan(Side.RU, 120, 0.3, 3, 140, 0.88, 0.09, 0.03, 3),
)

# The 2025 programme (three Istanbul rounds): by mid-2025 the side that held 1,348 in
# June 2024 held far more, enough for 1,000, the category stages and 1,200 more.
ISTANBUL_2025_PROGRAMME = Preset(
    name="istanbul-2025-programme",
    reference_date=dt.date(2025, 5, 16),
    ua_people=ISTANBUL_2025.ua_people,
    ru_people=PeoplePlan(
        nation=Side.RU,
        held=3400,
        held_civilian_share=0.28,
        holder_facilities=25,
        sought_total=3700,
        confirmed_share=0.88,
        missing_share=0.09,
        family_duplicate_share=0.03,
        family_not_held=60,
    ),
)

PRESETS: dict[str, Preset] = {p.name: p for p in (ISTANBUL_2025, SMALL, ISTANBUL_2025_PROGRAMME)}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; ValueError listing the known ones otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        known = ", ".join(sorted(PRESETS))
        raise ValueError(f"unknown preset {name!r}; known presets: {known}") from None
