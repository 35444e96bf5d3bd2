"""CSV person files: the whole file is checked first, then each record is parsed on its own.

Records are split by our own RFC 4180 parser, not the csv module, so that damage stays in
its row: a line with invalid bytes or a NUL, a quote left open or followed by other text,
too many values, or a line longer than LINE_LIMIT is quarantined with its raw bytes and the
next line starts afresh. A quoted value may span lines (an address with a line break) only
if the record it closes has exactly the header's number of values and at most
MAX_RECORD_LINES lines; otherwise the opening line alone is the damaged row.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from homeward.adapters.personfile_errors import (
    DUPLICATE_COLUMN,
    HEADER_DAMAGED,
    KIND_BINARY,
    KIND_OLE,
    KIND_PDF,
    KIND_ZIP,
    LEGACY,
    NO_HEADER,
    NO_KNOWN_COLUMN,
    NOT_CSV,
    UTF16_BOM,
    UTF16_NO_BOM,
    PersonFileError,
)
from homeward.domain.person import PERSON_FIELDS
from homeward.domain.validation import (
    BAD_BYTES,
    DAMAGE_KEY,
    LINE_TOO_LONG,
    NUL_LINE,
    SHAPE,
    STRAY_QUOTE,
    UNNAMED_PREFIX,
    FieldError,
    field_error,
)

SNIFF_BYTES = 4 << 20  # the whole-file checks read this much of the start
LINE_LIMIT = 1 << 20  # characters; a longer physical line is one damaged row
MAX_RECORD_LINES = 50  # physical lines one quoted value may span
RAW_SHOWN = 300  # characters of a damaged line shown in the reason
DELIMITERS = (",", ";", "\t")  # spreadsheets in uk/ru locales save with ';'
_LEGACY_CANDIDATES = ("cp1251", "koi8-u", "cp866", "iso8859-5", "mac-cyrillic", "cp1252")
_PUNCTUATION = ",.;:'\"-/()"
_OK, _OPEN, _STRAY = "ok", "open", "stray"
RAW_KEY = "__raw__"  # the escaped raw line kept for a row whose bytes are damaged


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str
    damage: FieldError | None


def csv_rows(path: Path, encoding: str | None) -> Iterator[tuple[int, dict[str, object]]]:
    """(line, raw row) for every non-blank record after the header."""
    codec = encoding or _check_whole_file(path)
    errors = "replace" if codec.startswith("utf-16") else "surrogateescape"
    with path.open("rb") as binary:
        text = io.TextIOWrapper(binary, encoding=codec, errors=errors, newline=None)
        lines = _Lines(_physical_lines(text, codec))
        header = _header(path, lines, codec)
        delimiter, names = header
        width = len(names)
        while (line := lines.next()) is not None:
            if not line.text.strip(delimiter + " \t"):
                continue
            if line.damage is not None:
                yield line.number, _damaged(line.text, codec, line.damage)
                continue
            values, state = _parse(line.text, delimiter)
            if state == _OPEN:
                values, state, taken = _continue(lines, line, delimiter, width)
                if state != _OK:
                    yield line.number, _damaged(line.text, codec, _stray(line.text, codec))
                    lines.push_back(taken)
                    continue
            elif state == _STRAY:
                yield line.number, _damaged(line.text, codec, _stray(line.text, codec))
                continue
            row: dict[str, object] = dict(zip(names, values, strict=False))
            if len(values) != width:
                shape = field_error(
                    "row", SHAPE, values=len(values), columns=width, raw=_escape(line.text, codec)
                )
                row = {RAW_KEY: _escape(line.text, codec), DAMAGE_KEY: [shape]}
            yield line.number, row


class _Lines:
    """Physical lines with a push-back buffer (lines read ahead for a quoted value)."""

    def __init__(self, source: Iterator[_Line]) -> None:
        self._source = source
        self._back: list[_Line] = []

    def next(self) -> _Line | None:
        if self._back:
            return self._back.pop()
        return next(self._source, None)

    def push_back(self, lines: list[_Line]) -> None:
        self._back.extend(reversed(lines))


def _continue(
    lines: _Lines, first: _Line, delimiter: str, width: int
) -> tuple[list[str], str, list[_Line]]:
    """Read on while a quoted value is open; (values, state, the lines taken after first)."""
    taken: list[_Line] = []
    texts = [first.text]
    size = len(first.text)
    values: list[str] = []
    state = _OPEN
    while state == _OPEN and len(texts) < MAX_RECORD_LINES and size < LINE_LIMIT:
        following = lines.next()
        if following is None:
            break
        taken.append(following)
        if following.damage is not None:
            return values, _STRAY, taken
        texts.append(following.text)
        size += len(following.text)
        values, state = _parse("\n".join(texts), delimiter)
    if state == _OK and len(values) != width:
        state = _STRAY  # the quote swallowed other rows or split this one wrongly
    return values, state, taken


def _parse(text: str, delimiter: str) -> tuple[list[str], str]:
    """Split one record: (values, ok | open (a quote not yet closed) | stray)."""
    if '"' not in text:  # most rows: no quoting, split in C
        return text.split(delimiter), _OK
    values: list[str] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == '"':
            i += 1
            parts: list[str] = []
            while True:
                j = text.find('"', i)
                if j < 0:
                    return values, _OPEN
                parts.append(text[i:j])
                if j + 1 < n and text[j + 1] == '"':
                    parts.append('"')
                    i = j + 2
                    continue
                i = j + 1
                break
            if i < n and text[i] != delimiter:
                return values, _STRAY
            values.append("".join(parts))
        else:
            j = text.find(delimiter, i)
            if j < 0:
                values.append(text[i:])
                return values, _OK
            values.append(text[i:j])
            i = j
        if i >= n:
            return values, _OK
        i += 1  # past the delimiter
        if i == n:
            values.append("")
            return values, _OK


def _physical_lines(text: io.TextIOWrapper, codec: str) -> Iterator[_Line]:
    number = 0
    while line := text.readline(LINE_LIMIT):
        number += 1
        if not line.endswith("\n") and len(line) >= LINE_LIMIT:
            while (rest := text.readline(LINE_LIMIT)) and not rest.endswith("\n"):
                pass  # skip the rest of an overlong line without holding it
            damage = field_error("row", LINE_TOO_LONG, limit=LINE_LIMIT, raw=_escape(line, codec))
            yield _Line(number, line[:RAW_SHOWN], damage)
            continue
        line = line.removesuffix("\n")
        yield _Line(number, line, _line_damage(line, codec))


def _line_damage(line: str, codec: str) -> FieldError | None:
    if "\x00" in line:
        return field_error("row", NUL_LINE, raw=_escape(line, codec))
    if _undecodable(line, codec):
        shown = "UTF-8" if codec == "utf-8-sig" else codec
        return field_error("row", BAD_BYTES, encoding=shown, raw=_escape(line, codec))
    return None


def _undecodable(line: str, codec: str) -> bool:
    if codec.startswith("utf-16"):
        return "\ufffd" in line
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # surrogateescape left lone surrogates for the bad bytes
        return True
    return False


def _escape(line: str, codec: str) -> str:
    """The raw line, readable: valid characters kept, bad bytes as \\xNN, controls escaped."""
    if codec.startswith("utf-16"):
        shown = line
    else:
        base = "utf-8" if codec == "utf-8-sig" else codec
        shown = line.encode(base, "surrogateescape").decode(base, "backslashreplace")
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)
    return shown if len(shown) <= RAW_SHOWN else shown[:RAW_SHOWN] + "…"


def _damaged(text: str, codec: str, damage: FieldError) -> dict[str, object]:
    return {RAW_KEY: _escape(text, codec), DAMAGE_KEY: [damage]}


def _stray(text: str, codec: str) -> FieldError:
    return field_error("row", STRAY_QUOTE, raw=_escape(text, codec))


def _header(path: Path, lines: _Lines, codec: str) -> tuple[str, list[str]]:
    """The delimiter and column names; unnamed columns are keyed __unnamed_<n>__."""
    while (line := lines.next()) is not None and not line.text.strip():
        pass
    if line is None:
        raise PersonFileError(path, 1, NO_HEADER)
    if line.damage is not None:
        raise PersonFileError(
            path,
            line.number,
            HEADER_DAMAGED,
            encoding="UTF-8" if codec == "utf-8-sig" else codec,
            raw=_escape(line.text, codec),
        )
    text = line.text.removeprefix("\ufeff")
    known = set(PERSON_FIELDS)
    best: tuple[int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        values, state = _parse(text, delimiter)
        names = [v.strip() for v in values]
        score = len(known.intersection(names)) if state == _OK else -1
        if best is None or score > best[0]:
            best = (score, delimiter, names)
    assert best is not None
    score, delimiter, names = best
    if score <= 0:
        raise PersonFileError(path, line.number, NO_KNOWN_COLUMN, raw=_escape(text, codec))
    seen: set[str] = set()
    keyed: list[str] = []
    for position, name in enumerate(names, start=1):
        if not name:
            keyed.append(f"{UNNAMED_PREFIX}{position}__")
            continue
        if name in seen:
            raise PersonFileError(path, line.number, DUPLICATE_COLUMN, column=repr(name))
        seen.add(name)
        keyed.append(name)
    return delimiter, keyed


def _check_whole_file(path: Path) -> str:
    """Refuse a file that is not UTF-8 text as a whole; return the codec to read it with."""
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES)
        truncated = bool(handle.read(1))
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if sample.startswith(bom):
            raise PersonFileError(path, None, UTF16_BOM, encoding=name)
    for magic, kind in ((b"PK\x03\x04", KIND_ZIP), (b"%PDF", KIND_PDF)):
        if sample.startswith(magic):
            raise PersonFileError(path, None, NOT_CSV, kind=kind)
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise PersonFileError(path, None, NOT_CSV, kind=KIND_OLE)
    _refuse_utf16_or_binary(path, sample)
    _refuse_legacy_encoding(path, sample, truncated)
    return "utf-8-sig"


def _refuse_utf16_or_binary(path: Path, sample: bytes) -> None:
    nul = sample.count(0)
    if len(sample) >= 4 and nul * 8 > len(sample):
        odd = sample[1::2].count(0)
        even = sample[0::2].count(0)
        if odd * 10 >= nul * 9:
            raise PersonFileError(path, None, UTF16_NO_BOM, encoding="utf-16-le")
        if even * 10 >= nul * 9:
            raise PersonFileError(path, None, UTF16_NO_BOM, encoding="utf-16-be")
        raise PersonFileError(path, None, NOT_CSV, kind=KIND_BINARY)
    controls = sum(sample.count(b) for b in (*range(1, 9), 11, 12, *range(14, 32)))
    if len(sample) >= 16 and (controls + nul) * 20 > len(sample):
        raise PersonFileError(path, None, NOT_CSV, kind=KIND_BINARY)


def _refuse_legacy_encoding(path: Path, sample: bytes, truncated: bool) -> None:
    """Most lines not UTF-8 means the file is in another encoding: name the likeliest."""
    lines = sample.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if truncated and len(lines) > 1:
        lines.pop()  # may end inside a character
    data = [line for line in lines[1:] if line.strip()]
    bad = []
    for line in lines[:1] + data:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(line)
    if not bad or len(bad) * 2 <= max(len(data), 1):
        return
    raise PersonFileError(
        path, None, LEGACY, bad=len(bad), lines=len(data) + 1, encoding=_guess_legacy(bad)
    )


def _guess_legacy(lines: list[bytes]) -> str:
    """The codec under which the non-ASCII letters read most like words of one script.

    A wrong codec turns Cyrillic into symbols, swaps its case (KOI8 read as cp1251 gives
    иВАНОВ) or puts letters of two scripts in one word (Müller read as cp1251 is Mьller);
    the right one gives words of one script, capitals first.
    """
    joined = b"\n".join(lines)
    best, best_score = "cp1252", 0
    for codec in _LEGACY_CANDIDATES:
        text = joined.decode(codec, "replace")
        score = 0
        for a, b in pairwise(text):
            if not (a.isalpha() and b.isalpha()) or (a.isascii() and b.isascii()):
                continue
            if _script(a) != _script(b):
                score -= 2
            elif b.islower() or a.isupper():
                score += 1
            else:  # a capital inside a lower-case word: the case bits read wrong
                score -= 1
        score -= 4 * sum(1 for c in text if not (c.isalnum() or c.isspace() or c in _PUNCTUATION))
        if score > best_score:
            best, best_score = codec, score
    return best


def _script(letter: str) -> str:
    return "cyrillic" if "\u0400" <= letter <= "\u04ff" else "latin"
