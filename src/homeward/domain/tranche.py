"""A tranche: the people each side releases on one day, kept at parity per category."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from homeward.domain.handover import Handover, HandoverState, InvalidTransition
from homeward.domain.values import BELLIGERENTS, Category, Side


class ParityBroken(Exception):
    """The tranche no longer releases equal numbers per category from each side."""


@dataclass
class Tranche:
    day: int
    date: dt.date
    handovers: list[Handover] = field(default_factory=list)

    def counts(self, *, released_only: bool = False) -> dict[Side, Counter[Category]]:
        """Per side and category: handovers that count (or only those received/released)."""
        out: dict[Side, Counter[Category]] = {side: Counter() for side in BELLIGERENTS}
        for h in self.handovers:
            done = h.state in (HandoverState.RELEASED, HandoverState.RECEIVED)
            if (released_only and done) or (not released_only and h.counts_for_parity):
                out[h.from_side][h.category] += 1
        return out

    def parity_gaps(self, exempt: set[int] | None = None) -> dict[Category, int]:
        """Category -> (UA count - RU count), for categories out of balance.

        ``exempt`` person ids (seriously wounded and ill, when the terms say so) are
        left out of the comparison.
        """
        exempt = exempt or set()
        counts: dict[Side, Counter[Category]] = {side: Counter() for side in BELLIGERENTS}
        for h in self.handovers:
            if h.counts_for_parity and h.person_id not in exempt:
                counts[h.from_side][h.category] += 1
        gaps = {c: counts[Side.UA][c] - counts[Side.RU][c] for c in Category}
        return {c: g for c, g in gaps.items() if g}

    def check_parity(self, exempt: set[int] | None = None) -> None:
        gaps = self.parity_gaps(exempt)
        if gaps:
            detail = ", ".join(f"{c.value}: UA {g:+d} against RU" for c, g in gaps.items())
            raise ParityBroken(f"day {self.day} is out of parity ({detail})")

    def handover_for(self, person_id: int) -> Handover:
        for h in self.handovers:
            if h.person_id == person_id and h.counts_for_parity:
                return h
        raise KeyError(f"person {person_id} is not in day {self.day}")

    def add(self, handover: Handover, released_ever: set[int]) -> None:
        """Add a handover; a person already released (ever) or already here is refused."""
        if handover.person_id in released_ever:
            raise InvalidTransition(f"person {handover.person_id} was already released")
        if any(h.person_id == handover.person_id and h.counts_for_parity for h in self.handovers):
            raise InvalidTransition(f"person {handover.person_id} is already in day {self.day}")
        self.handovers.append(handover)
