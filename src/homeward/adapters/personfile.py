"""Read person files (CSV, XLSX, JSON) row by row, streaming, with line numbers.

Every row comes back: as a record, or with the errors that will quarantine it. Damage
confined to a row (invalid bytes, a stray quote, a NUL, too many values, an overlong line)
stays in that row. Problems of the whole file (another encoding on most lines, not a CSV at
all, a workbook that is not one or unpacks too big, JSON that is not a list of objects or
nests too deep) raise PersonFileError naming the file, the line and what was detected.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from homeward.adapters.personfile_errors import (
    ENCODING_CSV_ONLY,
    FILE_MESSAGES,
    UNKNOWN_ENCODING,
    UNSUPPORTED,
    PersonFileError,
)
from homeward.domain.person import PersonRecord
from homeward.domain.validation import (
    DAMAGE_KEY,
    DUPLICATE,
    FieldError,
    field_error,
    parse_person_row,
)

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".json")
# Encodings `--encoding` accepts: UTF-8/16 and the legacy ones Cyrillic registries come in.
ENCODINGS = (
    "utf-8",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "cp1251",
    "cp866",
    "koi8-r",
    "koi8-u",
    "iso8859-5",
    "mac-cyrillic",
    "cp1252",
    "latin-1",
)

__all__ = [
    "ENCODINGS",
    "FILE_MESSAGES",
    "SUPPORTED_SUFFIXES",
    "PersonFileError",
    "RowResult",
    "check_encoding",
    "read_person_file",
]


@dataclass(frozen=True, slots=True)
class RowResult:
    """One data row: its line (CSV: physical line of its start; XLSX: sheet row; JSON: line
    the item starts on), and the record, or the errors with the raw values."""

    line: int
    raw: Mapping[str, str]
    record: PersonRecord | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None


def check_encoding(path: Path, encoding: str | None) -> str | None:
    """The codec name for ``encoding`` (None: UTF-8, detected), or PersonFileError."""
    if encoding is None:
        return None
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    known = {codecs.lookup(e).name for e in ENCODINGS}
    if name not in known:
        raise PersonFileError(
            path, None, UNKNOWN_ENCODING, encoding=encoding, allowed=", ".join(ENCODINGS)
        )
    if path.suffix.lower() != ".csv" and name != "utf-8":
        raise PersonFileError(path, None, ENCODING_CSV_ONLY)
    return name


def read_person_file(
    path: Path, *, encoding: str | None = None, today: dt.date | None = None
) -> Iterator[RowResult]:
    """Yield every data row of ``path``; duplicate ``record_id`` within the file is an error.

    ``encoding`` reads a CSV in a legacy encoding (see ENCODINGS); by default the file must
    be UTF-8 and another encoding is detected and named. With ``today``, dates after it are
    refused. PersonFileError is raised for a problem of the whole file.

    >>> # for row in read_person_file(Path("holdings.csv")): ...
    """
    codec = check_encoding(path, encoding)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from homeward.adapters.personfile_csv import csv_rows

        rows = csv_rows(path, codec)
    elif suffix == ".xlsx":
        from homeward.adapters.personfile_xlsx import xlsx_rows

        rows = xlsx_rows(path)
    elif suffix == ".json":
        from homeward.adapters.personfile_json import json_rows

        rows = json_rows(path)
    else:
        raise PersonFileError(
            path, None, UNSUPPORTED, suffix=repr(suffix), allowed=", ".join(SUPPORTED_SUFFIXES)
        )
    seen: dict[str, int] = {}
    for line, raw in rows:
        record, errors = parse_person_row(raw, today)
        if record is not None:
            first = seen.get(record.record_id)
            if first is not None:
                errors = [field_error("record_id", DUPLICATE, line=first)]
                record = None
            else:
                seen[record.record_id] = line
        if record is None:
            kept = {k: str(v) for k, v in raw.items() if k != DAMAGE_KEY}
            yield RowResult(line, kept, None, errors)
        else:  # the record says it all; raw values are kept for rows that failed
            yield RowResult(line, {}, record, errors)
