"""The shape of one ledger leaf: canonical JSON ``{"at", "kind", "payload", "v"}``.

>>> make_leaf("tranche_planned", {"size": 3}, "2025-05-23T08:00:00Z")
b'{"at":"2025-05-23T08:00:00Z","kind":"tranche_planned","payload":{"size":3},"v":1}'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from homeward.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from homeward.ledger.privacy import PERSONAL_KEYS, personal_data

__all__ = ["PERSONAL_KEYS", "EventError", "check_leaf", "make_leaf"]

_KIND = re.compile(r"[a-z][a-z0-9_.]{0,63}")
_FIELDS = {"at", "kind", "payload", "v"}


class EventError(ValueError):
    """An event cannot be logged, or a leaf is not a well-formed event."""


def make_leaf(kind: str, payload: Mapping[str, Any], at: str) -> bytes:
    if not isinstance(kind, str) or not _KIND.fullmatch(kind):
        raise EventError(f"event kind {kind!r} is not lower_snake_case of at most 64 chars")
    if not isinstance(payload, Mapping):
        raise EventError("event payload must be a JSON object")
    try:
        leaf = canonical_json({"at": at, "kind": kind, "payload": dict(payload), "v": 1})
    except CanonicalError as exc:
        raise EventError(f"event {kind}: {exc}".replace("$.payload", "payload")) from exc
    problem = personal_data(payload)
    if problem is not None:
        raise EventError(
            f"event {kind}: {problem}; log a person only as person_commitment(...) and staff "
            "only as actor ids"
        )
    return leaf


def check_leaf(leaf: bytes) -> None:
    """Raise EventError unless ``leaf`` is a canonical event written by ``make_leaf``."""
    try:
        value = parse_canonical(leaf)
    except CanonicalError as exc:
        raise EventError(str(exc)) from exc
    if not isinstance(value, dict) or set(value) != _FIELDS:
        raise EventError("entry is not an object with exactly at, kind, payload and v")
    if value["v"] != 1 or isinstance(value["v"], bool):
        raise EventError(f"entry has unknown version {value['v']!r}")
    if not isinstance(value["kind"], str) or not _KIND.fullmatch(value["kind"]):
        raise EventError("entry kind is not lower_snake_case")
    if not isinstance(value["payload"], dict) or not isinstance(value["at"], str):
        raise EventError("entry payload is not an object or its time is not a string")
