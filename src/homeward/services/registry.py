"""Use cases on a party's registries: import a person file, list persons, the quarantine."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from homeward.adapters.db import inserted_id, refresh_statistics
from homeward.adapters.personfile import RowResult, read_person_file
from homeward.adapters.registry_repo import existing_hashes, record_to_values
from homeward.adapters.tables_registry import import_batches, persons, quarantine
from homeward.domain.values import Custody, RegistryKind, Side

BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class ImportPersonFile:
    """Command: import ``path`` into ``party``'s ``kind`` registry."""

    party: Side
    kind: RegistryKind
    path: Path


@dataclass(frozen=True, slots=True)
class ImportResult:
    batch_id: int
    imported: int
    quarantined: int
    unchanged: int

    def summary(self) -> str:
        return (
            f"imported {self.imported}, quarantined {self.quarantined}, unchanged {self.unchanged}"
        )


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    file_name: str
    line: int
    field: str
    reason: str
    party: str
    kind: str
    raw: dict[str, str]


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
    engine: Engine,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every good row, quarantine every bad one, all in one transaction.

    Raises PersonFileError (before anything is written) when the file as a whole is
    unreadable. ``progress`` is called with the number of rows read so far.
    """
    path = command.path
    rows = read_person_file(path)
    first = next(rows, None)  # fail on a file-level error before opening a transaction
    sha = _file_sha256(path)
    imported = quarantined = unchanged = 0
    with engine.begin() as conn:
        batch_id = inserted_id(
            conn.execute(
                insert(import_batches).values(
                    party=command.party.value,
                    kind=command.kind.value,
                    file_name=str(path),
                    file_sha256=sha,
                    imported_at=dt.datetime.now(dt.UTC),
                    imported=0,
                    quarantined=0,
                    unchanged=0,
                )
            )
        )
        known = existing_hashes(conn, command.party.value, command.kind.value)
        known_bad = set(
            conn.execute(
                select(quarantine.c.row_hash).where(
                    quarantine.c.party == command.party.value,
                    quarantine.c.kind == command.kind.value,
                )
            ).scalars()
        )
        new_rows: list[dict[str, Any]] = []
        bad_rows: list[dict[str, Any]] = []
        count = 0
        for row in _chain(first, rows):
            count += 1
            if row.record is None:
                quarantined += 1
                raw_text = json.dumps(dict(row.raw), sort_keys=True, ensure_ascii=False)
                row_hash = hashlib.sha256(raw_text.encode("utf-8")).hexdigest()
                if row_hash not in known_bad:
                    known_bad.add(row_hash)
                    bad_rows.append(
                        {
                            "batch_id": batch_id,
                            "party": command.party.value,
                            "kind": command.kind.value,
                            "file_name": str(path),
                            "line": row.line,
                            "field": "; ".join(e.field for e in row.errors),
                            "reason": "; ".join(str(e) for e in row.errors),
                            "raw": raw_text,
                            "row_hash": row_hash,
                        }
                    )
            else:
                values = record_to_values(row.record)
                digest = values["content_hash"]
                previous = known.get(row.record.record_id)
                if previous is not None and previous[1] == digest:
                    unchanged += 1
                else:
                    imported += 1
                    values["batch_id"] = batch_id
                    if previous is None:
                        values.update(
                            party=command.party.value,
                            kind=command.kind.value,
                            custody=_custody_for(command.kind).value,
                        )
                        new_rows.append(values)
                    else:
                        conn.execute(update(persons).where(persons.c.id == previous[0]), values)
                    known[row.record.record_id] = (previous[0] if previous else -1, digest)
            if len(new_rows) >= BATCH_SIZE:
                conn.execute(insert(persons), new_rows)
                new_rows.clear()
            if len(bad_rows) >= BATCH_SIZE:
                conn.execute(insert(quarantine), bad_rows)
                bad_rows.clear()
            if progress is not None and count % 1000 == 0:
                progress(count)
        if new_rows:
            conn.execute(insert(persons), new_rows)
        if bad_rows:
            conn.execute(insert(quarantine), bad_rows)
        if progress is not None:
            progress(count)
        conn.execute(
            update(import_batches)
            .where(import_batches.c.id == batch_id)
            .values(imported=imported, quarantined=quarantined, unchanged=unchanged)
        )
    refresh_statistics(engine, ("persons", "import_batches", "quarantine"))
    return ImportResult(int(batch_id), imported, quarantined, unchanged)


def _chain(first: RowResult | None, rest: Iterator[RowResult]) -> Iterator[RowResult]:
    if first is not None:
        yield first
        yield from rest


def list_quarantine(engine: Engine, party: Side | None = None) -> list[QuarantinedRow]:
    query = select(quarantine).order_by(quarantine.c.file_name, quarantine.c.line)
    if party is not None:
        query = query.where(quarantine.c.party == party.value)
    with engine.connect() as conn:
        return [
            QuarantinedRow(
                r.file_name, r.line, r.field, r.reason, r.party, r.kind, json.loads(r.raw)
            )
            for r in conn.execute(query)
        ]


def count_persons(engine: Engine, party: Side, kind: RegistryKind) -> int:
    query = select(func.count()).where(persons.c.party == party.value, persons.c.kind == kind.value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
