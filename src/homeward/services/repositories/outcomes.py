"""What the outcomes written back to the registries are read from: the handovers, the
rounds they belong to, release offers, carry-over flags and identity matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from homeward.domain.carry_over import CarryFlag
from homeward.domain.values import Side


@dataclass(frozen=True, slots=True)
class LastHandover:
    """A person's most recent handover: its state, any exception, its round and date."""

    state: str
    exception: str | None
    agreement_id: int
    date: dt.date


class OutcomeRepository(Protocol):
    def round_numbers(self) -> dict[int, int]:
        """agreement id -> the round's number (in the order rounds were proposed)."""
        ...

    def last_handovers(self) -> dict[int, LastHandover]:
        """person id -> that person's most recent handover."""
        ...

    def offered(self, party: Side) -> set[int]:
        """Ids of the people on any release offer ``party`` submitted."""
        ...

    def carry_flags(self, viewer: Side) -> dict[int, CarryFlag]:
        """person id -> the flag an earlier round left, worded for ``viewer``."""
        ...

    def matches(self) -> list[tuple[int, int]]:
        """(sought person id, held person id) of every confirmed holdings match."""
        ...
