"""Storage of the lists parties submit: versions, their people, and each row as submitted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeward.domain.lists import ListKind
from homeward.domain.values import Side


@dataclass(frozen=True, slots=True)
class ListVersion:
    party: str
    kind: str
    recipient: str
    version: int
    size: int
    submitted_at: dt.datetime


class ListRepository(Protocol):
    def next_version(self, party: Side, kind: ListKind, recipient: Side) -> int:
        """The version a new list from ``party`` to ``recipient`` gets (1 for the first)."""
        ...

    def add(
        self,
        party: Side,
        kind: ListKind,
        recipient: Side,
        version: int,
        submitted_at: dt.datetime,
        person_ids: Sequence[int],
    ) -> int:
        """Store a list version with each person's registry row as it stands now (what
        the recipient will read); returns the list's id."""
        ...

    def latest(self, party: Side, kind: ListKind, recipient: Side) -> list[int]:
        """Person ids on the newest version, in id order (empty if none was submitted)."""
        ...

    def items(self, party: Side, kind: ListKind, recipient: Side, version: int) -> list[int]:
        """Person ids on one version (empty if there is no such version)."""
        ...

    def versions(self, parties: Sequence[Side]) -> list[ListVersion]:
        """Every version the ``parties`` submitted, by party, kind, recipient, newest first."""
        ...

    def submitted_rows(
        self, party: Side, kind: ListKind, recipient: Side, version: int | None = None
    ) -> list[dict[str, Any]]:
        """The rows of one version as submitted (the newest when ``version`` is None), each
        with its person ``id``, in id order."""
        ...

    def shared_rows(self, person_ids: Iterable[int], recipient: Side) -> dict[int, dict[str, Any]]:
        """person id -> the newest row of that person submitted to ``recipient``."""
        ...

    def already_released(self, person_ids: Sequence[int]) -> list[str]:
        """One line per person (the first few) already released in an earlier exchange."""
        ...
