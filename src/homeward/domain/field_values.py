"""One mapping of enumerated field values written in Ukrainian, Russian or English.

Registries are kept in their own language: ``полонений``, ``пропавший без вести``, ``ч``.
``data/field_values.csv`` lists, per field, every word and abbreviation homeward reads and
the canonical value it stands for; imports and ``homeward match`` both read values through
:func:`canonical_value`, so there is one mapping, documented in docs/formats.md.

>>> canonical_value("status", "  Зниклий   безвісти ")
'missing'
>>> canonical_value("sex", "Ч")
'M'
>>> canonical_value("status", "captured by aliens") is None
True
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

ENUMERATED_FIELDS = ("sex", "status", "category", "health")

_SPACES = re.compile(r"\s+")
_SLASH = re.compile(r"\s*[/\\]\s*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", "ʹ": "'"})


def value_key(text: str) -> str:
    """The form values are compared in: NFKC, case-folded, ё as е, one space, no final dot.

    >>> value_key(" В / П. ")
    'в/п'
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    folded = folded.replace("ё", "е").replace("_", " ").replace("-", " ")
    folded = _SLASH.sub("/", _SPACES.sub(" ", folded)).strip()
    return folded.rstrip(".").strip()


@cache
def _table() -> dict[str, dict[str, str]]:
    """field -> value key -> canonical value, read once from the data file."""
    table: dict[str, dict[str, str]] = {name: {} for name in ENUMERATED_FIELDS}
    source = resources.files("homeward.domain") / "data" / "field_values.csv"
    with source.open("r", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            field, canonical, value = row["field"], row["canonical"], row["value"]
            key = value_key(value)
            known = table[field].setdefault(key, canonical)
            if known != canonical:
                raise ValueError(
                    f"field_values.csv:{number}: {value!r} means both {known} and {canonical}"
                )
    return table


@lru_cache(maxsize=4096)  # a registry repeats a handful of spellings a million times
def canonical_value(field: str, text: str) -> str | None:
    """The canonical value ``text`` stands for in ``field``, or None when it is not known."""
    return _table()[field].get(value_key(text))


def accepted_values(field: str) -> dict[str, list[str]]:
    """canonical value -> every accepted spelling (as compared), for docs and messages."""
    found: dict[str, list[str]] = {}
    for key, canonical in _table()[field].items():
        found.setdefault(canonical, []).append(key)
    return found
