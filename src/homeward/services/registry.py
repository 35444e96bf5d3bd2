"""Use cases on a party's registries: import a person file, list persons, the quarantine."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Reading a person file is I/O at the edge, not storage: until the composition root hands
# a reader in, the service calls the adapter (listed in the contract's ignore_imports).
from homeward.adapters.personfile import RowResult, read_person_file
from homeward.domain.values import Custody, RegistryKind, Side
from homeward.services.person_history import hold_change, replace_person
from homeward.services.unit_of_work import UnitOfWork

BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class ImportPersonFile:
    """Command: import ``path`` into ``party``'s ``kind`` registry.

    ``encoding`` reads a CSV in a legacy encoding (cp1251, koi8-u ...); ``file_name`` is the
    name the quarantine records (default: ``path`` as given; an upload gives its own name).
    """

    party: Side
    kind: RegistryKind
    path: Path
    encoding: str | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    batch_id: int
    imported: int
    quarantined: int
    unchanged: int
    held: int = 0  # changes to people in a tranche, held for the mediator

    def summary(self) -> str:
        counts = (
            f"imported {self.imported}, quarantined {self.quarantined}, unchanged {self.unchanged}"
        )
        if self.held:
            counts += f", held for the mediator {self.held}"
        return counts


@dataclass(frozen=True, slots=True)
class QuarantinedReason:
    """One reason: the field, the message template (msgid) and its values."""

    field: str
    template: str
    values: dict[str, str]


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    file_name: str
    line: int
    field: str
    reason: str
    party: str
    kind: str
    raw: dict[str, str]
    reasons: tuple[QuarantinedReason, ...] = ()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _custody_for(kind: RegistryKind) -> Custody:
    # A party's own holdings file is its acknowledgement; sought rows are claims until
    # the other side or the mediator confirms them.
    return Custody.ACKNOWLEDGED if kind is RegistryKind.HOLDINGS else Custody.CLAIMED_BY_FAMILY


def import_person_file(
    command: ImportPersonFile,
    uow: UnitOfWork,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every good row, quarantine every bad one, all in one transaction.

    Raises PersonFileError (before anything is written) when the file as a whole is
    unreadable. ``progress`` is called with the number of rows read so far.
    """
    path = command.path
    party, kind = command.party, command.kind
    file_name = command.file_name or str(path)
    today = uow.clock.now().date()
    rows = read_person_file(path, encoding=command.encoding, today=today)
    first = next(rows, None)  # fail on a file-level error before opening a transaction
    sha = _file_sha256(path)
    imported = quarantined = unchanged = held = 0
    with uow:
        registry = uow.registry
        batch_id = registry.add_batch(party, kind, file_name, sha, uow.clock.now())
        known = registry.known_records(party, kind)
        in_tranche = registry.in_tranches(party, kind)
        held_known = registry.pending_hashes(in_tranche)
        # Every bad row is kept, each under its file and line; only the very same row of
        # the very same file (a re-import) is already there.
        known_bad = registry.quarantined_hashes(party, kind, file_name)
        new_rows: list[dict[str, Any]] = []
        bad_rows: list[dict[str, Any]] = []
        count = 0
        for row in _chain(first, rows):
            count += 1
            if row.record is None:
                quarantined += 1
                raw_text = json.dumps(dict(row.raw), sort_keys=True, ensure_ascii=False)
                row_hash = _bad_row_hash(file_name, row.line, raw_text)
                if row_hash not in known_bad:
                    known_bad.add(row_hash)
                    bad_rows.append(
                        {
                            "batch_id": batch_id,
                            "party": party.value,
                            "kind": kind.value,
                            "file_name": file_name,
                            "line": row.line,
                            "field": "; ".join(e.field for e in row.errors),
                            "reason": "; ".join(str(e) for e in row.errors),
                            "reasons": json.dumps(
                                [[e.field, e.template, dict(e.values)] for e in row.errors],
                                ensure_ascii=False,
                            ),
                            "raw": raw_text,
                            "row_hash": row_hash,
                        }
                    )
            else:
                values = registry.stored_values(row.record)
                digest = values["content_hash"]
                previous = known.get(row.record.record_id)
                if previous is not None and previous[1] == digest:
                    unchanged += 1
                elif previous is not None and previous[0] in in_tranche:
                    # Someone already in a tranche: the mediator decides, nothing is rewritten.
                    held += 1
                    if (previous[0], digest) not in held_known:
                        held_known.add((previous[0], digest))
                        hold_change(uow, previous[0], values, batch_id)
                else:
                    imported += 1
                    values["batch_id"] = batch_id
                    if previous is None:
                        values.update(
                            party=party.value,
                            kind=kind.value,
                            custody=_custody_for(kind).value,
                        )
                        new_rows.append(values)
                    else:
                        replace_person(uow, previous[0], values, batch_id)
                    known[row.record.record_id] = (previous[0] if previous else -1, digest)
            if len(new_rows) >= BATCH_SIZE:
                registry.add_persons(new_rows)
                new_rows.clear()
            if len(bad_rows) >= BATCH_SIZE:
                registry.quarantine(bad_rows)
                bad_rows.clear()
            if progress is not None and count % 1000 == 0:
                progress(count)
        registry.add_persons(new_rows)
        registry.quarantine(bad_rows)
        if progress is not None:
            progress(count)
        registry.finish_batch(batch_id, imported, quarantined, unchanged)
        uow.refresh_statistics(("persons", "import_batches", "quarantine"))
        uow.commit()
    return ImportResult(batch_id, imported, quarantined, unchanged, held)


def _bad_row_hash(file_name: str, line: int, raw_text: str) -> str:
    keyed = json.dumps([file_name, line, raw_text], ensure_ascii=False)
    return hashlib.sha256(keyed.encode("utf-8")).hexdigest()


def _chain(first: RowResult | None, rest: Iterator[RowResult]) -> Iterator[RowResult]:
    if first is not None:
        yield first
        yield from rest


def list_quarantine(party: Side | None, uow: UnitOfWork) -> list[QuarantinedRow]:
    """The rows quarantined (of one party, or all), by file and line."""
    with uow:
        found = uow.registry.quarantined(party)
    return [
        QuarantinedRow(
            r["file_name"],
            r["line"],
            r["field"],
            r["reason"],
            r["party"],
            r["kind"],
            json.loads(r["raw"]),
            _reasons(r["reasons"]),
        )
        for r in found
    ]


def _reasons(stored: str | None) -> tuple[QuarantinedReason, ...]:
    """The stored reasons; rows quarantined before they were kept give none."""
    if not stored:
        return ()
    return tuple(
        QuarantinedReason(f, t, {k: str(v) for k, v in vs.items()})
        for f, t, vs in json.loads(stored)
    )


def count_persons(party: Side, kind: RegistryKind, uow: UnitOfWork) -> int:
    """How many people one of the party's registries holds."""
    with uow:
        return uow.registry.count(party, kind)
