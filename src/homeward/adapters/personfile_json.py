"""JSON person files: a list of objects, streamed element by element.

Memory stays bounded by the largest element. RFC 8259 JSON only: ``NaN`` and ``Infinity``
refuse the file (Python would read them as the numbers nan and inf), as does nesting deeper
than MAX_DEPTH (instead of a RecursionError) and a list whose first item is not an object.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

from homeward.adapters.personfile_errors import (
    JSON_AFTER,
    JSON_COMMA_OR_END,
    JSON_CONSTANT,
    JSON_ENDS_INSIDE,
    JSON_EXPECTED,
    JSON_INVALID,
    JSON_LIST,
    JSON_NOT_OBJECTS,
    JSON_NOT_UTF8,
    JSON_TOO_DEEP,
    JSON_VALUE_OR_END,
    PersonFileError,
)
from homeward.domain.validation import DAMAGE_KEY, NOT_OBJECT, field_error

MAX_DEPTH = 32  # a person is an object of plain values; a nested value is kept as text
_CHUNK = 1 << 20


class _Constant(Exception):
    def __init__(self, text: str) -> None:
        self.text = text


def _refuse_constant(text: str) -> object:
    raise _Constant(text)


def json_rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """(line, raw row) for each item of the file's top-level list."""
    first = True
    for line, item in _json_array_items(path):
        if not isinstance(item, dict):
            if first:
                raise PersonFileError(path, line, JSON_NOT_OBJECTS)
            yield line, {DAMAGE_KEY: [field_error("row", NOT_OBJECT)]}
            continue
        first = False
        row: dict[str, object] = {}
        for key, value in item.items():
            if isinstance(value, dict | list):
                row[str(key)] = json.dumps(value, ensure_ascii=False)
            else:
                row[str(key)] = "" if value is None else str(value)
        yield line, row


def _depth(value: object) -> int:
    """Nesting depth without recursion: 1 for a flat object."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _json_array_items(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line, value) for each element of the file's top-level array, reading the
    file in chunks so memory stays bounded by the largest single element."""
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
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
                raise PersonFileError(path, line, JSON_NOT_UTF8, detail=exc.reason) from None
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
                raise PersonFileError(path, line, JSON_EXPECTED, what=what, found=found)
            return buffer[offset]

        def decode() -> tuple[object, int]:
            while True:
                try:
                    value, end = decoder.raw_decode(buffer, offset)
                    if end == len(buffer) and not eof:  # a number may continue
                        raise ValueError("the file ends inside an element")
                    return value, end
                except _Constant as exc:
                    raise PersonFileError(path, line, JSON_CONSTANT, value=exc.text) from None
                except RecursionError:
                    raise PersonFileError(path, line, JSON_TOO_DEEP, limit=MAX_DEPTH) from None
                except ValueError as exc:
                    if eof and offset >= len(buffer.rstrip()):
                        raise PersonFileError(path, line, JSON_ENDS_INSIDE) from None
                    if not fill():
                        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                        raise PersonFileError(path, line, JSON_INVALID, detail=msg) from None

        expect("[", JSON_LIST)
        offset += 1
        if expect(']{["-0123456789tfnNI', JSON_VALUE_OR_END) == "]":
            return
        while True:
            skip_space()
            value, end = decode()
            if _depth(value) > MAX_DEPTH:
                raise PersonFileError(path, line, JSON_TOO_DEEP, limit=MAX_DEPTH)
            yield line, value
            line += buffer.count("\n", offset, end)
            offset = end
            if offset > _CHUNK:  # drop what has been read
                buffer, offset = buffer[offset:], 0
            if expect(",]", JSON_COMMA_OR_END) == "]":
                offset += 1
                skip_space()
                if offset < len(buffer):
                    raise PersonFileError(path, line, JSON_AFTER)
                return
            offset += 1
