"""Storage of agreed terms and the parties' signatures on them."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from homeward.domain.values import Side


class AgreementRepository(Protocol):
    def add(self, name: str, terms: str, created_at: dt.datetime) -> int:
        """Store terms (canonical JSON text) under ``name``; returns the agreement's id."""
        ...

    def terms(self, agreement_id: int) -> str:
        """The agreement's terms as stored; ``NotFound`` if there is no such agreement."""
        ...

    def signed_by(self, agreement_id: int) -> set[Side]:
        """The parties that have signed the agreement so far."""
        ...

    def sign(
        self, agreement_id: int, party: Side, signed_at: dt.datetime, note: str | None
    ) -> None:
        """Record ``party``'s signature (and its signed note, if it gave one)."""
        ...
