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
from homeward.services.person_history import (
    hold_change,
    pending_hashes,
    people_in_tranches,
    replace_person,
)

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
    engine: Engine,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every good row, quarantine every bad one, all in one transaction.

    Raises PersonFileError (before anything is written) when the file as a whole is
    unreadable. ``progress`` is called with the number of rows read so far.
    """
    path = command.path
    file_name = command.file_name or str(path)
    today = dt.datetime.now(dt.UTC).date()
    rows = read_person_file(path, encoding=command.encoding, today=today)
    first = next(rows, None)  # fail on a file-level error before opening a transaction
    sha = _file_sha256(path)
    imported = quarantined = unchanged = held = 0
    with engine.begin() as conn:
        batch_id = inserted_id(
            conn.execute(
                insert(import_batches).values(
                    party=command.party.value,
                    kind=command.kind.value,
                    file_name=file_name,
                    file_sha256=sha,
                    imported_at=dt.datetime.now(dt.UTC),
                    imported=0,
                    quarantined=0,
                    unchanged=0,
                )
            )
        )
        known = existing_hashes(conn, command.party.value, command.kind.value)
        in_tranche = people_in_tranches(conn, command.party.value, command.kind.value)
        held_known = pending_hashes(conn, in_tranche)
        # Every bad row is kept, each under its file and line; only the very same row of
        # the very same file (a re-import) is already there.
        known_bad = set(
            conn.execute(
                select(quarantine.c.row_hash).where(
                    quarantine.c.party == command.party.value,
                    quarantine.c.kind == command.kind.value,
                    quarantine.c.file_name == file_name,
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
                row_hash = _bad_row_hash(file_name, row.line, raw_text)
                if row_hash not in known_bad:
                    known_bad.add(row_hash)
                    bad_rows.append(
                        {
                            "batch_id": batch_id,
                            "party": command.party.value,
                            "kind": command.kind.value,
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
                values = record_to_values(row.record)
                digest = values["content_hash"]
                previous = known.get(row.record.record_id)
                if previous is not None and previous[1] == digest:
                    unchanged += 1
                elif previous is not None and previous[0] in in_tranche:
                    # Someone already in a tranche: the mediator decides, nothing is rewritten.
                    held += 1
                    if (previous[0], digest) not in held_known:
                        held_known.add((previous[0], digest))
                        hold_change(conn, previous[0], values, batch_id)
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
                        replace_person(conn, previous[0], values, batch_id)
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
    return ImportResult(int(batch_id), imported, quarantined, unchanged, held)


def _bad_row_hash(file_name: str, line: int, raw_text: str) -> str:
    keyed = json.dumps([file_name, line, raw_text], ensure_ascii=False)
    return hashlib.sha256(keyed.encode("utf-8")).hexdigest()


def _chain(first: RowResult | None, rest: Iterator[RowResult]) -> Iterator[RowResult]:
    if first is not None:
        yield first
        yield from rest


def list_quarantine(engine: Engine, party: Side | None = None) -> list[QuarantinedRow]:
    query = select(quarantine).order_by(quarantine.c.file_name, quarantine.c.line, quarantine.c.id)
    if party is not None:
        query = query.where(quarantine.c.party == party.value)
    with engine.connect() as conn:
        return [
            QuarantinedRow(
                r.file_name,
                r.line,
                r.field,
                r.reason,
                r.party,
                r.kind,
                json.loads(r.raw),
                _reasons(r.reasons),
            )
            for r in conn.execute(query)
        ]


def _reasons(stored: str | None) -> tuple[QuarantinedReason, ...]:
    """The stored reasons; rows quarantined before they were kept give none."""
    if not stored:
        return ()
    return tuple(
        QuarantinedReason(f, t, {k: str(v) for k, v in vs.items()})
        for f, t, vs in json.loads(stored)
    )


def count_persons(engine: Engine, party: Side, kind: RegistryKind) -> int:
    query = select(func.count()).where(persons.c.party == party.value, persons.c.kind == kind.value)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
