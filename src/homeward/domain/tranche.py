"""Tranches and their parity: the one model that decides, proposes and applies rebalancing.

A ``Tranche`` holds the handovers of one day, by side and category, and knows who travels
outside parity. An ``Exchange`` is the aggregate the crossing works on: every tranche of an
agreement, each side's reserve (ordered, best first) and the parity the terms ask for. When a
handover fails, ``Exchange.propose`` says how to keep parity:

- a person travelling outside parity is dropped: nobody replaces them, nobody is held back;
- otherwise the failing side's reserve sends its first person of the same category;
- with that reserve empty, the other side holds back its lowest-ranked person not yet checked
  in (same category; any category when parity is not per category), in the same tranche or,
  with parity over the whole exchange, in the latest other tranche; the person held back goes
  to the head of their side's reserve.

``Exchange.apply`` applies a proposal the mediator accepted. A declined proposal is passed
back to ``propose`` so that the next one names another remedy. The planner's property tests,
the crossing service and the stored model all run this code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from homeward.domain.handover import (
    Handover,
    HandoverState,
    InvalidTransition,
    counts_for_parity,
)
from homeward.domain.values import BELLIGERENTS, Category, Side


class Parity(StrEnum):
    """Where the two sides must hand over the same number of people."""

    PER_TRANCHE_AND_CATEGORY = "per_tranche_and_category"
    PER_TRANCHE = "per_tranche"
    OVERALL = "overall"


class Remedy(StrEnum):
    """How a failed handover is made good."""

    SUBSTITUTE = "substitute"
    HOLD_BACK = "hold_back"
    DROP = "drop"


class ParityBroken(Exception):
    """The tranche no longer releases equal numbers per category from each side."""


class CannotRebalance(Exception):
    """No remedy is left: the handover has not failed, is settled, or nobody can help."""


@dataclass
class Tranche:
    """One day's handovers (each side's people by category); who travels outside parity
    is marked on the handover itself."""

    day: int
    date: dt.date
    handovers: list[Handover] = field(default_factory=list)

    def counts(self, *, released_only: bool = False) -> dict[Side, Counter[Category]]:
        """Per side and category: handovers that count (or only those received/released)."""
        out: dict[Side, Counter[Category]] = {side: Counter() for side in BELLIGERENTS}
        for h in self.handovers:
            done = h.state in (HandoverState.RELEASED, HandoverState.RECEIVED)
            if released_only:
                if done:
                    out[h.from_side][h.category] += 1
            elif h.counts_for_parity and not h.outside_parity:
                out[h.from_side][h.category] += 1
        return out

    def parity_gaps(self, exempt: set[int] | None = None) -> dict[Category, int]:
        """Category -> (UA count - RU count), for categories out of balance.

        People travelling outside parity (and ``exempt`` person ids) are left out.
        """
        exempt = exempt or set()
        counts: dict[Side, Counter[Category]] = {side: Counter() for side in BELLIGERENTS}
        for h in self.handovers:
            if h.counts_for_parity and not h.outside_parity and h.person_id not in exempt:
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

    def counted(self, side: Side, category: Category | None = None) -> int:
        """People of ``side`` who count towards parity (of ``category``, or all)."""
        return sum(
            1
            for h in self.handovers
            if h.from_side is side
            and h.counts_for_parity
            and not h.outside_parity
            and (category is None or h.category is category)
        )


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the mediator is asked to accept after handover ``failed`` fell out.

    ``person_id``, ``side``, ``category`` and ``day`` name the substitute or the person held
    back (``None`` for a drop); ``held_back`` is the handover withdrawn by a hold-back.
    """

    failed: int
    remedy: Remedy
    person_id: int | None = None
    side: Side | None = None
    category: Category | None = None
    day: int | None = None
    held_back: int | None = None

    @property
    def declined_key(self) -> tuple[Remedy, int | None]:
        """What a decline rules out for the next proposal."""
        return (self.remedy, self.held_back if self.remedy is Remedy.HOLD_BACK else self.person_id)


@dataclass(frozen=True, slots=True)
class HeadCount:
    """``n`` handovers of one day, side, category, state and parity standing: what parity
    is counted from, whether read from loaded handovers or summed by the database."""

    day: int
    side: Side
    category: Category
    state: HandoverState
    outside_parity: bool
    n: int = 1


def parity_counts(
    parity: Parity, days: Collection[int], heads: Iterable[HeadCount]
) -> list[ParityCount]:
    """The counts ``parity`` compares over the tranches of ``days``: the one rule, used by
    the aggregate and by the crossing's card (which has the database sum the heads)."""
    counted: Counter[tuple[int, Side, Category]] = Counter()
    for h in heads:
        if counts_for_parity(h.state) and not h.outside_parity:
            counted[(h.day, h.side, h.category)] += h.n

    def n(side: Side, day: int | None = None, category: Category | None = None) -> int:
        return sum(
            v
            for (d, s, c), v in counted.items()
            if s is side and (day is None or d == day) and (category is None or c is category)
        )

    ordered = sorted(days)
    if parity is Parity.OVERALL:
        return [ParityCount(None, None, n(Side.UA), n(Side.RU))]
    if parity is Parity.PER_TRANCHE:
        return [ParityCount(d, None, n(Side.UA, d), n(Side.RU, d)) for d in ordered]
    return [
        ParityCount(d, c, n(Side.UA, d, c), n(Side.RU, d, c)) for d in ordered for c in Category
    ]


@dataclass(frozen=True, slots=True)
class ParityCount:
    """How many count on each side: for a day (``None``: the whole exchange) and a category
    (``None``: all categories)."""

    day: int | None
    category: Category | None
    ua: int
    ru: int

    @property
    def holds(self) -> bool:
        return self.ua == self.ru


@dataclass
class Exchange:
    """Every tranche of one agreement, each side's reserve and the parity the terms ask for.

    ``reserve[side][category]`` lists person ids, best first. ``settled`` holds the failed
    handovers whose remedy was applied.
    """

    parity: Parity
    tranches: list[Tranche]
    reserve: dict[Side, dict[Category, list[int]]] = field(default_factory=dict)
    settled: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        for side in BELLIGERENTS:
            self.reserve.setdefault(side, {})
            for category in Category:
                self.reserve[side].setdefault(category, [])

    # -- reading ---------------------------------------------------------------------------

    def handover(self, handover_id: int) -> Handover:
        for t in self.tranches:
            for h in t.handovers:
                if h.id == handover_id:
                    return h
        raise KeyError(f"no handover {handover_id} in this exchange")

    def tranche(self, day: int) -> Tranche:
        for t in self.tranches:
            if t.day == day:
                return t
        raise KeyError(f"no tranche on day {day}")

    def _scheduled(self) -> set[int]:
        return {h.person_id for t in self.tranches for h in t.handovers if h.counts_for_parity}

    def parity_counts(self) -> list[ParityCount]:
        """The counts the terms' parity compares (failed and withdrawn handovers and people
        outside parity do not count)."""
        heads = (
            HeadCount(t.day, h.from_side, h.category, h.state, h.outside_parity)
            for t in self.tranches
            for h in t.handovers
        )
        return parity_counts(self.parity, [t.day for t in self.tranches], heads)

    def parity_holds(self) -> bool:
        return all(c.holds for c in self.parity_counts())

    def check_parity(self) -> None:
        broken = [c for c in self.parity_counts() if not c.holds]
        if broken:
            detail = ", ".join(
                f"{'day ' + str(c.day) if c.day is not None else 'overall'}"
                f"{' ' + c.category.value if c.category else ''}: UA {c.ua} against RU {c.ru}"
                for c in broken
            )
            raise ParityBroken(f"out of parity ({detail})")

    # -- proposing -------------------------------------------------------------------------

    def propose(
        self, failed_id: int, declined: Collection[tuple[Remedy, int | None]] = ()
    ) -> Proposal:
        """How to keep parity after handover ``failed_id`` failed, skipping ``declined``
        remedies (``CannotRebalance`` when none is left)."""
        failed = self.handover(failed_id)
        if failed.state is not HandoverState.FAILED:
            raise CannotRebalance(f"handover {failed_id} has not failed")
        if failed_id in self.settled:
            raise CannotRebalance(f"handover {failed_id} is already rebalanced")
        if failed.outside_parity:
            if (Remedy.DROP, None) in declined:
                raise CannotRebalance(
                    "the person travels outside parity: dropping them is the only remedy"
                )
            return Proposal(failed_id, Remedy.DROP)
        scheduled = self._scheduled()
        for person_id in self.reserve[failed.from_side][failed.category]:
            if person_id in scheduled or (Remedy.SUBSTITUTE, person_id) in declined:
                continue
            return Proposal(
                failed_id,
                Remedy.SUBSTITUTE,
                person_id=person_id,
                side=failed.from_side,
                category=failed.category,
                day=failed.day,
            )
        for held in self._counterparts(failed):
            if (Remedy.HOLD_BACK, held.id) in declined:
                continue
            return Proposal(
                failed_id,
                Remedy.HOLD_BACK,
                person_id=held.person_id,
                side=held.from_side,
                category=held.category,
                day=held.day,
                held_back=held.id,
            )
        where = "the exchange" if self.parity is Parity.OVERALL else f"day {failed.day}"
        raise CannotRebalance(
            f"{failed.from_side.value} has no {failed.category.value} reserve left and "
            f"{failed.to_side.value} has nobody not yet checked in to hold back in {where}"
        )

    def _counterparts(self, failed: Handover) -> Iterable[Handover]:
        """Who the other side could hold back, first choice first: lowest-ranked (last in
        list order) not yet checked in, same category first."""
        tranches = [self.tranche(failed.day)]
        if self.parity is Parity.OVERALL:
            others = [t for t in self.tranches if t.day != failed.day]
            tranches += sorted(others, key=lambda t: t.day, reverse=True)
        categories = [failed.category]
        if self.parity is not Parity.PER_TRANCHE_AND_CATEGORY:
            categories += [c for c in Category if c is not failed.category]
        for t in tranches:
            for category in categories:
                candidates = [
                    h
                    for h in t.handovers
                    if h.from_side is failed.to_side
                    and h.category is category
                    and h.state is HandoverState.PLANNED
                    and not h.outside_parity
                    and h.id is not None
                ]
                yield from sorted(candidates, key=lambda h: h.position, reverse=True)

    # -- applying --------------------------------------------------------------------------

    def apply(self, proposal: Proposal) -> Handover | None:
        """Apply an accepted proposal: the new substitute's handover (without an id yet),
        the handover held back, or ``None`` for a drop. Refuses a stale proposal."""
        failed = self.handover(proposal.failed)
        if failed.state is not HandoverState.FAILED or proposal.failed in self.settled:
            raise CannotRebalance(f"handover {proposal.failed} needs no rebalancing now")
        if proposal.remedy is Remedy.DROP:
            if not failed.outside_parity:
                raise CannotRebalance("only a person travelling outside parity is dropped")
            self.settled.add(proposal.failed)
            return None
        if proposal.remedy is Remedy.SUBSTITUTE:
            assert proposal.person_id is not None
            reserve = self.reserve[failed.from_side][failed.category]
            if proposal.person_id not in reserve or proposal.person_id in self._scheduled():
                raise CannotRebalance("the reserve changed since the proposal was made")
            reserve.remove(proposal.person_id)
            tranche = self.tranche(failed.day)
            substitute = Handover(
                person_id=proposal.person_id,
                from_side=failed.from_side,
                category=failed.category,
                day=failed.day,
                substitute_for=proposal.failed,
                position=1 + max((h.position for h in tranche.handovers), default=0),
            )
            tranche.handovers.append(substitute)
            self.settled.add(proposal.failed)
            return substitute
        assert proposal.held_back is not None
        held = self.handover(proposal.held_back)
        if held.state is not HandoverState.PLANNED or held.from_side is failed.from_side:
            raise CannotRebalance(
                f"handover {proposal.held_back} can no longer be held back "
                f"(it is {held.state.value})"
            )
        held.withdraw()
        self.reserve[held.from_side][held.category].insert(0, held.person_id)
        self.settled.add(proposal.failed)
        return held
