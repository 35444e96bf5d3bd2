"""Rounds of an exchange programme: one agreement, its plan, tranches and handovers.

A workspace holds many rounds ("Istanbul-1 2025", "Istanbul-2 2025", ...). Rounds are
numbered in the order their agreements were proposed. A round is a *draft* until the two
parties and the mediator have all signed; a draft never becomes the round that pages show
by default, so proposing new terms cannot hide the rounds already carried out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from homeward.domain.handover import HandoverState
from homeward.domain.values import Side

FINAL_STATES: frozenset[str] = frozenset(
    {HandoverState.RECEIVED.value, HandoverState.FAILED.value, HandoverState.WITHDRAWN.value}
)
"""A handover in one of these states is over for its tranche."""


class RoundStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    PLANNED = "planned"
    UNDER_WAY = "under_way"
    COMPLETED = "completed"


class RoundRefused(Exception):
    """A round cannot be planned (or a list offered) yet; the message says why."""


@dataclass(frozen=True, slots=True)
class TrancheState:
    """A stored tranche as the round sees it: its date and its handovers' states."""

    tranche_id: int
    day: int
    date: dt.date
    states: tuple[str, ...]

    @property
    def closed(self) -> bool:
        """Every handover is over (received, failed or withdrawn)."""
        return all(s in FINAL_STATES for s in self.states)

    def completed_by(self, today: dt.date) -> bool:
        """Closed and not dated in the future: what a public bulletin may announce."""
        return self.closed and bool(self.states) and self.date <= today


@dataclass(frozen=True, slots=True)
class Round:
    number: int
    agreement_id: int
    name: str
    signed_by: frozenset[str]
    tranches: tuple[TrancheState, ...]

    @property
    def signed(self) -> bool:
        return self.signed_by >= {s.value for s in Side}

    @property
    def status(self) -> RoundStatus:
        if not self.signed:
            return RoundStatus.DRAFT
        if not self.tranches:
            return RoundStatus.SIGNED
        if all(t.closed for t in self.tranches):
            return RoundStatus.COMPLETED
        if any(s != HandoverState.PLANNED.value for t in self.tranches for s in t.states):
            return RoundStatus.UNDER_WAY
        return RoundStatus.PLANNED

    @property
    def open_tranches(self) -> list[TrancheState]:
        return [t for t in self.tranches if not t.closed]


def number_rounds(
    agreements: Iterable[tuple[int, str]],
    signatures: dict[int, set[str]],
    tranches: dict[int, list[TrancheState]],
) -> list[Round]:
    """Rounds numbered from 1 in the order the agreements were proposed (by id)."""
    return [
        Round(
            number=number,
            agreement_id=agreement_id,
            name=name,
            signed_by=frozenset(signatures.get(agreement_id, set())),
            tranches=tuple(sorted(tranches.get(agreement_id, []), key=lambda t: t.day)),
        )
        for number, (agreement_id, name) in enumerate(sorted(agreements), start=1)
    ]


def default_round(rounds: Sequence[Round]) -> Round | None:
    """The round pages show unless another is chosen: the newest signed one.

    A draft is shown only as a draft, never instead of a round that was agreed.

    >>> default_round([]) is None
    True
    """
    signed = [r for r in rounds if r.signed]
    return signed[-1] if signed else None


def check_can_plan(rounds: Sequence[Round], agreement_id: int) -> None:
    """Refuse to plan a round while an earlier round still has tranches open.

    Planning the next round starts from what is still owed, which is only known once every
    earlier tranche is closed (everyone received, failed or withdrawn).
    """
    earlier = [r for r in rounds if r.agreement_id < agreement_id]
    for r in earlier:
        open_ = r.open_tranches
        if open_:
            days = ", ".join(f"day {t.day} ({t.date.isoformat()})" for t in open_)
            raise RoundRefused(
                f"round {r.number} ({r.name}) still has open tranches: {days}; close them "
                "(everyone received, failed or withdrawn) before planning the next round"
            )
