"""Canonical JSON: the one byte form of every ledger event.

Sorted keys, compact separators, UTF-8, integers but never floats. Two equal events always
serialise to the same bytes, so their leaf hashes agree on every machine.

>>> canonical_json({"b": 1, "a": [True, None, "ї"]})
b'{"a":[true,null,"\\xd1\\x97"],"b":1}'
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["CanonicalError", "canonical_json", "check_canonical", "parse_canonical"]

_MAX_DEPTH = 64


class CanonicalError(ValueError):
    """A value cannot be, or a byte string is not, canonical ledger JSON."""


_SCALARS = (str, bool, type(None))
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


def _fast_ok(value: object, depth: int = 0) -> bool:
    """True if ``value`` holds only allowed types; no messages, so it stays cheap."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is int:
        assert isinstance(value, int)
        return _INT_MIN <= value <= _INT_MAX
    if depth > _MAX_DEPTH:
        return False
    if kind is dict:
        assert isinstance(value, dict)
        return all(type(key) is str and _fast_ok(item, depth + 1) for key, item in value.items())
    if kind is list:
        assert isinstance(value, list)
        return all(_fast_ok(item, depth + 1) for item in value)
    return False


def _check(value: object, path: str, depth: int) -> None:
    """The slow twin of _fast_ok: says where and why a value is not allowed."""
    if depth > _MAX_DEPTH:
        raise CanonicalError(f"{path}: nested deeper than {_MAX_DEPTH} levels")
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise CanonicalError(f"{path}: integer outside the signed 64-bit range")
        return
    if isinstance(value, float):
        raise CanonicalError(f"{path}: floats are not allowed in ledger events ({value!r})")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: object key {key!r} is not a string")
            _check(item, f"{path}.{key}", depth + 1)
        return
    raise CanonicalError(f"{path}: type {type(value).__name__} is not allowed in ledger events")


def canonical_json(value: object) -> bytes:
    """Serialise ``value`` canonically; raise CanonicalError for floats or other types."""
    if not _fast_ok(value):
        _check(value, "$", 0)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError("a string is not encodable as UTF-8 (lone surrogate)") from exc


def _reject_constant(name: str) -> Any:
    raise CanonicalError(f"non-standard JSON constant {name}")


def _reject_float(text: str) -> Any:
    raise CanonicalError(f"floats are not allowed ({text})")


def parse_canonical(data: bytes) -> Any:
    """Parse ``data`` and insist it is already in canonical form."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalError(f"not valid UTF-8 (byte {exc.start})") from exc
    try:
        value = json.loads(text, parse_float=_reject_float, parse_constant=_reject_constant)
    except CanonicalError:
        raise
    except RecursionError as exc:
        raise CanonicalError("JSON nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise CanonicalError(f"not valid JSON ({exc.msg} at column {exc.colno})") from exc
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise CanonicalError(f"not acceptable JSON ({exc})") from exc
    try:
        again = canonical_json(value)
    except RecursionError as exc:
        raise CanonicalError("JSON nested too deeply") from exc
    if again != data:
        raise CanonicalError("JSON is not in canonical form (sorted keys, compact, UTF-8)")
    return value


def check_canonical(data: bytes) -> None:
    """Raise CanonicalError unless ``data`` is canonical JSON."""
    parse_canonical(data)
