"""Storage of identity links: which sought record is which held (or missing) record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class IdentityLink:
    sought_person_id: int
    held_person_id: int
    probability: float
    decision: str
    reasons: dict[str, Any]


class LinkRepository(Protocol):
    def add_many(self, links: Sequence[IdentityLink], purpose: str) -> None:
        """Store match decisions made for ``purpose`` ("holdings" or "missing")."""
        ...
