"""A clean UTF-8 person CSV read whole into Arrow columns, validated column by column.

``homeward match`` reads a registry of a million rows: the row-by-row reader
(``personfile_csv`` + ``parse_person_row``) takes over a minute for it, because it makes a
``PersonRecord`` per row. Here the file is parsed by Arrow's CSV reader and every check of
``parse_person_row`` that ``homeward match`` relies on is made on whole columns, each
distinct value of an enumerated field or date once. Names repeat a lot, so this is cheap.

The answer is all or nothing: a file with anything this module does not vouch for (quotes,
control characters, another separator, a bad value anywhere, a duplicate ``record_id``) gives
``None``, and the caller reads it with ``read_person_file``, which names the file, line and
field of every bad row exactly as before. So the fast path never changes what is accepted.

>>> # columns = read_clean_csv(Path("registry.csv"))  # pa.Table or None
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]

from homeward.domain.field_values import canonical_value
from homeward.domain.person import PERSON_FIELDS, REQUIRED_FIELDS
from homeward.domain.validation import MAX_FIELD_LENGTH
from homeward.domain.values import PartialDate

_BOM = b"\xef\xbb\xbf"
# Bytes the row-by-row reader treats specially: quotes (its strict RFC 4180 rules) and NUL.
# Arrow's trim removes exactly the characters str.strip() removes (checked over all of
# Unicode on pyarrow 2026-12); the information separators are left to the row reader anyway.
_NOT_VOUCHED = (b'"', b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
ENUMERATED = ("sex", "status", "category", "health")
DATES = ("date_of_birth", "date_of_capture")
_KNOWN = frozenset(PERSON_FIELDS)


def read_clean_csv(path: Path, wanted: frozenset[str] = _KNOWN) -> pa.Table | None:
    """The ``wanted`` person fields of ``path`` as trimmed string columns (empty is null,
    enumerated values canonical), or None when the file must go through the row-by-row
    reader. The other columns are checked as thoroughly but not returned."""
    if path.suffix.lower() != ".csv":
        return None
    data = path.read_bytes()
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    names = _header(data)
    if names is None or any(byte in data for byte in _NOT_VOUCHED):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=",", quote_char=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None  # a row with more or fewer values, invalid UTF-8, ...
    del data
    columns: dict[str, pa.Array] = {}
    for name in names:
        if name not in _KNOWN:
            continue  # an extra column: kept by an import, never read by matching
        raw = table.column(name).combine_chunks()
        if name in wanted or name in REQUIRED_FIELDS:
            column = _clean(raw)
        elif name in ENUMERATED or name in DATES:
            column = _distinct_values(raw)
        else:  # a text field not wanted: only its length is checked
            column = raw if _short(raw) else None
        if column is None:
            return None
        columns[name] = column
    if not _valid(columns, table.num_rows):
        return None
    return pa.table({k: v for k, v in columns.items() if k in wanted})


def _header(data: bytes) -> list[str] | None:
    end = data.find(b"\n")
    line = data[: end if end >= 0 else len(data)].rstrip(b"\r")
    if b"\r" in line:
        return None  # lone-CR line ends: left to the row-by-row reader
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if ";" in text or "\t" in text:
        return None
    names = [n.strip() for n in text.split(",")]
    if "" in names or len(set(names)) != len(names) or not set(REQUIRED_FIELDS) <= set(names):
        return None
    return names


def _short(column: pa.Array) -> bool:
    """No value over the length limit (in bytes first: a UTF-8 character is 1-4 bytes)."""
    longest = pc.max(pc.binary_length(column)).as_py()
    if longest is None or longest <= MAX_FIELD_LENGTH:
        return True
    longest = pc.max(pc.utf8_length(pc.utf8_trim_whitespace(column))).as_py()
    return longest is None or longest <= MAX_FIELD_LENGTH


def _clean(column: pa.Array) -> pa.Array | None:
    """Trimmed, empty as null; None when a value is too long."""
    if not _short(column):
        return None
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _distinct_values(column: pa.Array) -> pa.Array | None:
    """An unwanted enumerated or date column: its distinct values, trimmed (what the checks
    need), or None when one is too long."""
    if not _short(column):
        return None
    trimmed = [v.strip() for v in pc.unique(column).to_pylist()]
    return pa.array([v or None for v in trimmed], type=pa.string())


def _valid(columns: dict[str, pa.Array], rows: int) -> bool:
    """Every check ``parse_person_row`` and ``read_person_file`` make on a match input;
    enumerated columns are rewritten to their canonical values."""
    for name in REQUIRED_FIELDS:
        if columns[name].null_count:
            return False
    if pc.count_distinct(columns["record_id"]).as_py() != rows:  # a duplicate record_id
        return False
    for name in ENUMERATED:
        if name in columns:
            mapped = _canonical(name, columns[name])
            if mapped is None:
                return False
            columns[name] = mapped
    for name in DATES:
        if name in columns and not all(map(_is_date, pc.unique(columns[name]).to_pylist())):
            return False
    return True


def _canonical(name: str, column: pa.Array) -> pa.Array | None:
    encoded = pc.dictionary_encode(column)
    words = encoded.dictionary.to_pylist()
    canonical = [canonical_value(name, w) for w in words]
    if None in canonical:
        return None
    return pc.take(pa.array(canonical, type=pa.string()), encoded.indices)


def _is_date(text: str | None) -> bool:
    if text is None:
        return True
    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True
