"""Name search across scripts: Cyrillic and Latin spellings meet on a loose Latin skeleton.

``skeleton("Олександр") == skeleton("Александр") == skeleton("Alexander")``: transliterate
(Ukrainian or Russian rules, whichever the letters say), fold look-alike sounds, drop vowels
and doubled letters. It is a search aid for people typing names, not the matcher.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import translitua

_UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
_FOLDS = (
    ("shch", "s"),
    ("sch", "s"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("x", "ks"),
    ("w", "v"),
    ("ph", "f"),
    ("q", "k"),
    ("g", "h"),
    ("ck", "k"),
)
_VOWELS = re.compile(r"[aeiouyj']")
_NOT_LETTER = re.compile(r"[^a-z ]")


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """A loose Latin key of a name, one word per space-separated part."""
    if any(ch in _UKRAINIAN_ONLY for ch in text):
        latin = translitua.translit(text)
    else:
        latin = translitua.translit(text, translitua.RussianSimple)
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(ch for ch in latin if not unicodedata.combining(ch)).lower()
    latin = _NOT_LETTER.sub(" ", latin)
    for old, new in _FOLDS:
        latin = latin.replace(old, new)
    words = []
    for word in latin.split():
        folded = _VOWELS.sub("", word)
        folded = re.sub(r"(.)\1+", r"\1", folded)
        words.append(folded or word[:1])
    return " ".join(words)


def matches(query: str, *names: str | None) -> bool:
    """Every word of the query starts some word of the names, in any script."""
    wanted = skeleton(query).split()
    if not wanted:
        return False
    have = " ".join(skeleton(n) for n in names if n).split()
    raw = " ".join(n.lower() for n in names if n)
    return all(any(h.startswith(w) for h in have) for w in wanted) or query.lower() in raw
