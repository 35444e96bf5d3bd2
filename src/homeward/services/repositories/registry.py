"""Storage of a party's registries: the people it seeks or holds, the files imported into
them, the rows quarantined from those files, and each person's earlier and held versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeward.domain.person import PersonRecord
from homeward.domain.values import RegistryKind, Side

SUPERSEDED = "superseded"
PENDING = "pending"
ACKNOWLEDGED = "acknowledged"
REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """One row of a person's history: replaced (superseded) or a change held (pending)."""

    id: int
    person_id: int
    batch_id: int | None
    status: str
    values: dict[str, Any]
    recorded_at: dt.datetime
    decided_by: str | None


class RegistryRepository(Protocol):
    def ids(self, party: Side, kind: RegistryKind) -> list[int]:
        """Every person id in one of the party's registries, in id order."""
        ...

    def rows(self, person_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The registry rows of ``person_ids`` (column name -> value), in id order."""
        ...

    def count(self, party: Side, kind: RegistryKind) -> int:
        """How many people one of the party's registries holds."""
        ...

    # -- import ------------------------------------------------------------------------
    def stored_values(self, record: PersonRecord) -> dict[str, Any]:
        """The values a record is stored as, with its ``content_hash`` (what tells an
        unchanged row on re-import) and ``sort_key``."""
        ...

    def add_batch(
        self, party: Side, kind: RegistryKind, file_name: str, sha256: str, at: dt.datetime
    ) -> int:
        """Record that a file is being imported; returns the batch id."""
        ...

    def finish_batch(
        self, batch_id: int, imported: int, quarantined: int, unchanged: int
    ) -> None: ...

    def known_records(self, party: Side, kind: RegistryKind) -> dict[str, tuple[int, str]]:
        """record_id -> (person id, content hash) for one registry."""
        ...

    def in_tranches(self, party: Side, kind: RegistryKind) -> set[int]:
        """Ids of this registry's people already in a tranche (any handover state)."""
        ...

    def quarantined_hashes(self, party: Side, kind: RegistryKind, file_name: str) -> set[str]:
        """Hashes of the rows of ``file_name`` already quarantined (a re-import adds none)."""
        ...

    def add_persons(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert new people (values from ``stored_values`` plus party, kind, custody and
        batch_id)."""
        ...

    def quarantine(self, rows: Sequence[dict[str, Any]]) -> None:
        """Keep bad rows, each under its file and line, with its reasons."""
        ...

    def quarantined(self, party: Side | None) -> list[dict[str, Any]]:
        """Quarantined rows (of one party, or all), by file, line and id."""
        ...

    # -- history -----------------------------------------------------------------------
    def add_version(
        self,
        person_id: int,
        batch_id: int | None,
        status: str,
        values: dict[str, Any],
        at: dt.datetime,
    ) -> None:
        """Keep a version of a person: the one replaced, or a change held for the mediator."""
        ...

    def update_person(self, person_id: int, values: dict[str, Any]) -> None:
        """Overwrite a person's stored values (``NotFound`` if there is no such person)."""
        ...

    def pending_hashes(self, person_ids: Iterable[int]) -> set[tuple[int, str]]:
        """(person id, content hash) of the changes already held for these people."""
        ...

    def pending(self, party: Side | None) -> list[StoredVersion]:
        """Every change held for the mediator (of one party's people, or all), oldest first."""
        ...

    def version(self, version_id: int) -> StoredVersion:
        """One stored version; ``NotFound`` if there is none with this id."""
        ...

    def decide(self, version_id: int, status: str, actor: str, at: dt.datetime) -> None:
        """Mark a held change acknowledged or refused, by whom and when."""
        ...

    def history(self, person_id: int) -> list[StoredVersion]:
        """Every stored version of a person, oldest first."""
        ...
