"""Read person files (CSV, XLSX, JSON) row by row, streaming, with line numbers.

Every row comes back: as a record, or with the errors that will quarantine it. Errors that
make the whole file unreadable (wrong encoding, not JSON, no header) raise PersonFileError
naming the file and line.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from homeward.domain.person import PersonRecord
from homeward.domain.validation import FieldError, parse_person_row

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".json")


class PersonFileError(Exception):
    """The file as a whole cannot be read; the message names the file and the place."""

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RowResult:
    """One data row: its line (CSV: physical line of its start; XLSX: sheet row; JSON: item
    number from 1), the raw values, and the record or the errors."""

    line: int
    raw: Mapping[str, str]
    record: PersonRecord | None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None


def read_person_file(path: Path) -> Iterator[RowResult]:
    """Yield every data row of ``path``; duplicate ``record_id`` within the file is an error.

    >>> # for row in read_person_file(Path("holdings.csv")): ...
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix == ".json":
        rows = _json_rows(path)
    else:
        raise PersonFileError(
            path, None, f"unsupported file type {suffix!r}; use {', '.join(SUPPORTED_SUFFIXES)}"
        )
    seen: dict[str, int] = {}
    for line, raw in rows:
        record, errors = parse_person_row(raw)
        if record is not None:
            first = seen.get(record.record_id)
            if first is not None:
                errors = [FieldError("record_id", f"duplicate of line {first} in this file")]
                record = None
            else:
                seen[record.record_id] = line
        yield RowResult(line, {k: str(v) for k, v in raw.items()}, record, errors)


def _decoded_lines(path: Path, binary: Iterator[bytes]) -> Iterator[str]:
    """Decode line by line so an encoding error names its physical line."""
    for number, raw in enumerate(binary, start=1):
        if number == 1:
            if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise PersonFileError(path, None, "file is UTF-16; save it as UTF-8")
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PersonFileError(
                path, number, f"not valid UTF-8 ({exc.reason}); save it as UTF-8"
            ) from None


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open("rb") as binary:
        reader = csv.reader(_decoded_lines(path, binary))
        try:
            header = next(reader, None)
            if not header:
                raise PersonFileError(path, 1, "no header row")
            names = [h.strip() for h in header]
            _check_header(path, names)
            line = reader.line_num + 1
            for values in reader:
                start, line = line, reader.line_num + 1
                if not any(v.strip() for v in values):
                    continue
                row = dict(zip(names, values, strict=False))
                if len(values) != len(names):
                    row["__shape__"] = f"{len(values)} values for {len(names)} columns"
                yield start, row
        except csv.Error as exc:
            raise PersonFileError(path, reader.line_num, f"malformed CSV: {exc}") from None


def _check_header(path: Path, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise PersonFileError(path, 1, f"column {name!r} appears twice in the header")
        seen.add(name)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook  # heavy; only for XLSX files

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise PersonFileError(path, None, f"not a readable XLSX workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise PersonFileError(path, 1, "no header row")
        names = ["" if h is None else str(h).strip() for h in header]
        _check_header(path, names)
        for number, values in enumerate(rows, start=2):
            cells = ["" if v is None else _cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield number, dict(zip(names, cells, strict=False))
    finally:
        book.close()


def _cell_text(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Stream the objects of a top-level JSON array, each with the line it starts on."""
    for line, item in _json_array_items(path):
        if not isinstance(item, dict):
            yield line, {"__shape__": f"item on line {line} is not an object"}
            continue
        row: dict[str, str] = {}
        for key, value in item.items():
            if isinstance(value, dict | list):
                row[str(key)] = json.dumps(value, ensure_ascii=False)
            else:
                row[str(key)] = "" if value is None else str(value)
        yield line, row


_CHUNK = 1 << 20


def _json_array_items(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line, value) for each element of the file's top-level array, reading the
    file in chunks so memory stays bounded by the largest single element."""
    decoder = json.JSONDecoder()
    with path.open("rb") as handle:
        reader = codecs.getincrementaldecoder("utf-8")(errors="strict")
        buffer, line, offset, eof = "", 1, 0, False

        def fill() -> bool:
            nonlocal buffer, eof
            if eof:
                return False
            chunk = handle.read(_CHUNK)
            try:
                text = reader.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                raise PersonFileError(path, line, f"not valid UTF-8 ({exc.reason})") from None
            if not chunk:
                eof = True
            buffer += text
            return bool(chunk) or bool(text)

        def skip_space() -> None:
            nonlocal buffer, line, offset
            while True:
                stripped = buffer[offset:].lstrip(" \t\r\n\ufeff")
                skipped = buffer[offset : len(buffer) - len(stripped)]
                line += skipped.count("\n")
                offset = len(buffer) - len(stripped)
                if offset < len(buffer) or not fill():
                    return

        def expect(chars: str, what: str) -> str:
            skip_space()
            if offset >= len(buffer) or buffer[offset] not in chars:
                found = "end of file" if offset >= len(buffer) else repr(buffer[offset])
                raise PersonFileError(path, line, f"not valid JSON: expected {what}, found {found}")
            return buffer[offset]

        expect("[", "a list of objects")
        offset += 1
        if expect(']{["-0123456789tfn', "a value or ]") == "]":
            return
        while True:
            skip_space()
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, offset)
                    if end == len(buffer) and not eof:  # a number may continue
                        raise ValueError("the file ends inside an element")
                    break
                except ValueError as exc:
                    if eof and offset >= len(buffer.rstrip()):
                        raise PersonFileError(
                            path, line, "not valid JSON: the file ends inside the list"
                        ) from None
                    if not fill():
                        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                        raise PersonFileError(path, line, f"not valid JSON: {msg}") from None
            yield line, value
            line += buffer.count("\n", offset, end)
            offset = end
            if offset > _CHUNK:  # drop what has been read
                buffer, offset = buffer[offset:], 0
            if expect(",]", "',' or ']'") == "]":
                offset += 1
                skip_space()
                if offset < len(buffer):
                    raise PersonFileError(path, line, "not valid JSON: data after the list")
                return
            offset += 1
