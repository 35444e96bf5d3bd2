"""An in-memory unit of work for unit tests of services: no database, no I/O.

Repositories keep plain dicts; ``FakeUnitOfWork.committed`` tells whether the use case
committed, and ``events.events`` what it logged. Each repository keeps the behaviour its
SQL twin promises in ``homeward.services.repositories`` (order, versions, snapshots).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from faker import Faker

from homeward.domain.carry_over import CarryFlag
from homeward.domain.errors import NotFound
from homeward.domain.lists import ListKind
from homeward.domain.person import PERSON_FIELDS, PersonRecord
from homeward.domain.values import RegistryKind, Side
from homeward.services.clock import FixedClock
from homeward.services.repositories.links import IdentityLink
from homeward.services.repositories.lists import ListVersion
from homeward.services.repositories.outcomes import LastHandover
from homeward.services.repositories.registry import PENDING, StoredVersion


def synthetic_names(count: int, seed: int = 1) -> list[tuple[str, str]]:
    """(surname, given name) pairs made up by Faker (uk_UA): never a real person's."""
    fake = Faker("uk_UA")
    fake.seed_instance(seed)
    return [(fake.last_name_male(), fake.first_name_male()) for _ in range(count)]


@dataclass
class MemoryEventLog:
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def append(self, kind: str, payload: dict[str, Any]) -> int:
        json.dumps(payload, allow_nan=False)  # the real log's shape rule
        self.events.append((kind, payload))
        return len(self.events) - 1

    def person_ref(self, person_id: int) -> str:
        return f"person-{person_id}"

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]


class FakeRegistryRepository:
    def __init__(self) -> None:
        self.persons: dict[int, dict[str, Any]] = {}
        self.batches: dict[int, dict[str, Any]] = {}
        self.bad_rows: list[dict[str, Any]] = []
        self.versions: dict[int, StoredVersion] = {}
        self.tranched: set[int] = set()  # people a test puts in a tranche
        self._ids = itertools.count(1)  # like a sequence: not given back on rollback
        self._version_ids = itertools.count(1)
        self._batch_ids = itertools.count(1)

    def add_person(self, party: Side, kind: RegistryKind, **values: Any) -> int:
        """Put a person in a registry (a test's arrangement; the import use case is the
        real way in)."""
        person_id = next(self._ids)
        row: dict[str, Any] = dict.fromkeys(PERSON_FIELDS)
        row.update(extra="{}", content_hash="", batch_id=None)
        row.update(values, id=person_id, party=party.value, kind=kind.value)
        row["content_hash"] = row["content_hash"] or json.dumps(values, sort_keys=True)
        self.persons[person_id] = row
        return person_id

    def ids(self, party: Side, kind: RegistryKind) -> list[int]:
        return sorted(
            i
            for i, r in self.persons.items()
            if r["party"] == party.value and r["kind"] == kind.value
        )

    def rows(self, person_ids: Sequence[int]) -> list[dict[str, Any]]:
        return [dict(self.persons[i]) for i in sorted(set(person_ids)) if i in self.persons]

    def count(self, party: Side, kind: RegistryKind) -> int:
        return len(self.ids(party, kind))

    def stored_values(self, record: PersonRecord) -> dict[str, Any]:
        row = record.as_row()
        values: dict[str, Any] = {name: (row[name] or None) for name in PERSON_FIELDS}
        values["extra"] = json.dumps(dict(record.extra), sort_keys=True) if record.extra else "{}"
        values["content_hash"] = json.dumps(row, sort_keys=True, ensure_ascii=False)
        return values

    def add_batch(
        self, party: Side, kind: RegistryKind, file_name: str, sha256: str, at: dt.datetime
    ) -> int:
        batch_id = next(self._batch_ids)
        self.batches[batch_id] = {
            "party": party,
            "kind": kind,
            "file_name": file_name,
            "sha256": sha256,
            "at": at,
        }
        return batch_id

    def finish_batch(self, batch_id: int, imported: int, quarantined: int, unchanged: int) -> None:
        self.batches[batch_id].update(
            imported=imported, quarantined=quarantined, unchanged=unchanged
        )

    def known_records(self, party: Side, kind: RegistryKind) -> dict[str, tuple[int, str]]:
        return {
            self.persons[i]["record_id"]: (i, self.persons[i]["content_hash"])
            for i in self.ids(party, kind)
        }

    def in_tranches(self, party: Side, kind: RegistryKind) -> set[int]:
        return self.tranched & set(self.ids(party, kind))

    def quarantined_hashes(self, party: Side, kind: RegistryKind, file_name: str) -> set[str]:
        return {
            r["row_hash"]
            for r in self.bad_rows
            if (r["party"], r["kind"], r["file_name"]) == (party.value, kind.value, file_name)
        }

    def add_persons(self, rows: Sequence[dict[str, Any]]) -> None:
        for values in rows:
            person_id = next(self._ids)
            self.persons[person_id] = {**copy.deepcopy(values), "id": person_id}

    def quarantine(self, rows: Sequence[dict[str, Any]]) -> None:
        self.bad_rows.extend(copy.deepcopy(list(rows)))

    def quarantined(self, party: Side | None) -> list[dict[str, Any]]:
        chosen = [r for r in self.bad_rows if party is None or r["party"] == party.value]
        return sorted(chosen, key=lambda r: (r["file_name"], r["line"]))

    def add_version(
        self,
        person_id: int,
        batch_id: int | None,
        status: str,
        values: dict[str, Any],
        at: dt.datetime,
    ) -> None:
        version_id = next(self._version_ids)
        kept = {k: values.get(k) for k in (*PERSON_FIELDS, "extra", "content_hash")}
        self.versions[version_id] = StoredVersion(
            version_id, person_id, batch_id, status, kept, at, None
        )

    def update_person(self, person_id: int, values: dict[str, Any]) -> None:
        if person_id not in self.persons:
            raise NotFound(f"no person {person_id}")
        self.persons[person_id].update(copy.deepcopy(values))

    def pending_hashes(self, person_ids: Iterable[int]) -> set[tuple[int, str]]:
        wanted = set(person_ids)
        return {
            (v.person_id, v.values["content_hash"])
            for v in self.versions.values()
            if v.status == PENDING and v.person_id in wanted
        }

    def pending(self, party: Side | None) -> list[StoredVersion]:
        return [
            v
            for _, v in sorted(self.versions.items())
            if v.status == PENDING
            and (party is None or self.persons[v.person_id]["party"] == party.value)
        ]

    def version(self, version_id: int) -> StoredVersion:
        if version_id not in self.versions:
            raise NotFound(f"no person version {version_id}")
        return self.versions[version_id]

    def decide(self, version_id: int, status: str, actor: str, at: dt.datetime) -> None:
        self.versions[version_id] = dataclasses.replace(
            self.versions[version_id], status=status, decided_by=actor
        )

    def history(self, person_id: int) -> list[StoredVersion]:
        return [v for _, v in sorted(self.versions.items()) if v.person_id == person_id]


@dataclass
class _StoredList:
    id: int
    party: Side
    kind: ListKind
    recipient: Side
    version: int
    submitted_at: dt.datetime
    rows: dict[int, dict[str, Any]]


class FakeListRepository:
    def __init__(self, registry: FakeRegistryRepository) -> None:
        self.registry = registry
        self.lists: list[_StoredList] = []
        self.released: set[int] = set()

    def _of(self, party: Side, kind: ListKind, recipient: Side) -> list[_StoredList]:
        return [s for s in self.lists if (s.party, s.kind, s.recipient) == (party, kind, recipient)]

    def next_version(self, party: Side, kind: ListKind, recipient: Side) -> int:
        return 1 + max((s.version for s in self._of(party, kind, recipient)), default=0)

    def add(
        self,
        party: Side,
        kind: ListKind,
        recipient: Side,
        version: int,
        submitted_at: dt.datetime,
        person_ids: Sequence[int],
    ) -> int:
        rows = {r["id"]: r for r in self.registry.rows(person_ids)}
        stored = _StoredList(
            len(self.lists) + 1, party, kind, recipient, version, submitted_at, rows
        )
        self.lists.append(stored)
        return stored.id

    def _version(
        self, party: Side, kind: ListKind, recipient: Side, version: int | None
    ) -> _StoredList | None:
        found = self._of(party, kind, recipient)
        if version is not None:
            found = [s for s in found if s.version == version]
        return max(found, key=lambda s: s.version, default=None)

    def latest(self, party: Side, kind: ListKind, recipient: Side) -> list[int]:
        stored = self._version(party, kind, recipient, None)
        return sorted(stored.rows) if stored else []

    def items(self, party: Side, kind: ListKind, recipient: Side, version: int) -> list[int]:
        stored = self._version(party, kind, recipient, version)
        return sorted(stored.rows) if stored else []

    def versions(self, parties: Sequence[Side]) -> list[ListVersion]:
        chosen = [s for s in self.lists if s.party in parties]
        chosen.sort(key=lambda s: (s.party.value, s.kind.value, s.recipient.value, -s.version))
        return [
            ListVersion(
                s.party.value,
                s.kind.value,
                s.recipient.value,
                s.version,
                len(s.rows),
                s.submitted_at,
            )
            for s in chosen
        ]

    def submitted_rows(
        self, party: Side, kind: ListKind, recipient: Side, version: int | None = None
    ) -> list[dict[str, Any]]:
        stored = self._version(party, kind, recipient, version)
        return [copy.deepcopy(stored.rows[i]) for i in sorted(stored.rows)] if stored else []

    def shared_rows(self, person_ids: Iterable[int], recipient: Side) -> dict[int, dict[str, Any]]:
        wanted = set(person_ids)
        out: dict[int, dict[str, Any]] = {}
        for s in sorted(self.lists, key=lambda s: (s.submitted_at, s.id)):
            if s.recipient is recipient:
                out.update({i: copy.deepcopy(r) for i, r in s.rows.items() if i in wanted})
        return out

    def already_released(self, person_ids: Sequence[int]) -> list[str]:
        return [
            f"person {i}: already released in an earlier exchange"
            for i in sorted(set(person_ids))
            if i in self.released
        ]


@dataclass
class FakeAgreementRepository:
    agreements: dict[int, tuple[str, str, dt.datetime]] = field(default_factory=dict)
    signatures: dict[int, dict[Side, tuple[dt.datetime, str | None]]] = field(default_factory=dict)

    def add(self, name: str, terms: str, created_at: dt.datetime) -> int:
        agreement_id = len(self.agreements) + 1
        self.agreements[agreement_id] = (name, terms, created_at)
        return agreement_id

    def terms(self, agreement_id: int) -> str:
        if agreement_id not in self.agreements:
            raise NotFound(f"no agreement {agreement_id}")
        return self.agreements[agreement_id][1]

    def signed_by(self, agreement_id: int) -> set[Side]:
        return set(self.signatures.get(agreement_id, {}))

    def sign(
        self, agreement_id: int, party: Side, signed_at: dt.datetime, note: str | None
    ) -> None:
        by_party = self.signatures.setdefault(agreement_id, {})
        if party in by_party:  # the table's primary key
            raise AssertionError(f"{party} signed agreement {agreement_id} twice")
        by_party[party] = (signed_at, note)


@dataclass
class FakeLinkRepository:
    links: list[tuple[IdentityLink, str]] = field(default_factory=list)

    def add_many(self, links: Sequence[IdentityLink], purpose: str) -> None:
        self.links.extend((link, purpose) for link in links)


@dataclass
class FakeOutcomeRepository:
    """What a test says the handovers, rounds, offers, flags and matches are."""

    rounds: dict[int, int] = field(default_factory=dict)
    handovers: dict[int, LastHandover] = field(default_factory=dict)
    offers: dict[Side, set[int]] = field(default_factory=dict)
    flags: dict[int, CarryFlag] = field(default_factory=dict)
    matched: list[tuple[int, int]] = field(default_factory=list)

    def round_numbers(self) -> dict[int, int]:
        return dict(self.rounds)

    def last_handovers(self) -> dict[int, LastHandover]:
        return dict(self.handovers)

    def offered(self, party: Side) -> set[int]:
        return set(self.offers.get(party, set()))

    def carry_flags(self, viewer: Side) -> dict[int, CarryFlag]:
        return dict(self.flags)

    def matches(self) -> list[tuple[int, int]]:
        return list(self.matched)


class FakeUnitOfWork:
    """Commits by keeping what was written; rolls back by restoring what was there.

    The repositories' state is copied on ``with uow:`` and put back on leaving without
    ``commit()``, so a test sees exactly what a real rollback leaves.
    """

    def __init__(self, clock: FixedClock | None = None) -> None:
        self.clock = clock if clock is not None else FixedClock()
        self.events = MemoryEventLog()
        self.registry = FakeRegistryRepository()
        self.lists = FakeListRepository(self.registry)
        self.agreements = FakeAgreementRepository()
        self.links = FakeLinkRepository()
        self.outcomes = FakeOutcomeRepository()
        self.committed = False
        self.analyzed: set[str] = set()
        self._saved: dict[str, Any] | None = None

    def _state(self) -> dict[str, Any]:
        return {
            "events": self.events.events,
            "registry": {
                k: getattr(self.registry, k)
                for k in ("persons", "batches", "bad_rows", "versions", "tranched")
            },
            "lists": self.lists.lists,
            "released": self.lists.released,
            "agreements": self.agreements.agreements,
            "signatures": self.agreements.signatures,
            "links": self.links.links,
        }

    def __enter__(self) -> Self:
        if self._saved is not None:
            raise RuntimeError("this unit of work is already open: make one per use case")
        self.committed = False
        self._saved = copy.deepcopy(self._state())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()  # to the last commit, as a closing transaction does
        self._saved = None

    def commit(self) -> None:
        if self._saved is None:
            raise RuntimeError("the unit of work is not open (use `with uow:`)")
        self.committed = True
        self._saved = copy.deepcopy(self._state())

    def rollback(self) -> None:
        if self._saved is None:
            return
        saved = copy.deepcopy(self._saved)
        self.events.events = saved["events"]
        for k, v in saved["registry"].items():
            setattr(self.registry, k, v)
        self.lists.lists = saved["lists"]
        self.lists.released = saved["released"]
        self.agreements.agreements = saved["agreements"]
        self.agreements.signatures = saved["signatures"]
        self.links.links = saved["links"]

    def refresh_statistics(self, tables: Iterable[str]) -> None:
        self.analyzed.update(tables)
