"""Fold any spelling of an East Slavic name to one Latin match key, and a phonetic key.

Cyrillic (Ukrainian or Russian) and Latin written by KMU 2010, BGN/PCGN, ICAO 9303, GOST,
German, French, Polish or Czech conventions all reduce to one coarse skeleton:

>>> fold("Шевченко"), fold("Schewtschenko"), fold("Chevtchenko"), fold("Szewczenko")
('xevxenko', 'xevxenko', 'xevxenko', 'xevxenko')

The skeleton merges letters the schemes disagree on: every hushing or guttural sound
(ж ш щ ч х г: zh sh shch ch kh h g sch tsch cz sz) becomes ``x``; s, z and ц become ``s``;
v, w and f become ``v``; i, y, j, й, ы, і, ї become ``i``; doubled letters collapse. It is a
blocking and comparison key, never shown to people.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from homeward.matching.tables import apostrophes, lookalikes

CYRILLIC = "cyrillic"
LATIN = "latin"
MIXED = "mixed"
OTHER = "other"
EMPTY = "empty"

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ё": "io", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ы": "i",
    "э": "e", "ю": "iu", "я": "ia", "ь": "", "ъ": "",
}  # fmt: skip

# Letters whose plain decomposition would lose the sound they stand for.
_LATIN_SPECIAL = {
    "š": "sh", "č": "ch", "ž": "zh", "ż": "zh", "ź": "z", "ł": "l", "ß": "ss", "ř": "r",
    "ć": "ts", "ś": "s", "ń": "n", "œ": "oe", "æ": "ae", "ø": "o", "đ": "d",
    # ISO 9 and GOST 7.79 System A: one letter with a circumflex for щ ю я є
    "ŝ": "shch", "û": "iu", "â": "ia", "ê": "ie",
}  # fmt: skip

# Ordered rewrites on plain Latin letters; earlier (longer) ones win.
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        # A soft sign written j after a consonant (Kuzjmyn, Romanecj, Kovalj): no sound.
        (r"(?<=[bcdfghklmnprstvzš])j(?=[bcdfghklmnprstvzšžč]|$)", ""),
        (r"gu(?=[eiy])", "g"),
        # x is х in GOST 7.79 B and in informal spellings (Myxajljuk, Tverdoxlib); кс is
        # written ks by every scheme homeward reads.
        (r"schtsch|shtsh|szcz|shch|chtch|tsch|tch|sch|zh|sh|kh|ch|cz|sz|gh|h|g|x", "x"),
        (r"tc", "ts"),  # ц written tc (Vorontcov, Gzhitckii)
        (r"ck", "tsk"),  # ц before к (Gžickij): no scheme writes к as ck
        (r"c(?=[eijy]|$)", "s"),  # Polish and Czech c is ц before j (Cjucjura) and at the end
        (r"c", "k"),
        (r"q", "k"),
        (r"ph", "f"),
        (r"ts|tz|dz|z", "s"),
        (r"[wf]", "v"),
        (r"ou", "u"),
        (r"[yj]", "i"),
        (r"(.)\1+", r"\1"),  # Andriyenko and Андриенко alike before ie is read
        (r"ie", "e"),
        (r"io", "o"),
        (r"(.)\1+", r"\1"),
    )
)
_VOWELS = re.compile(r"[aeiou]")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_.,/]+")


def _is_cyrillic(ch: str) -> bool:
    return "CYRILLIC" in unicodedata.name(ch, "")


def _is_latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def detect_script(text: str) -> str:
    """``cyrillic``, ``latin``, ``mixed``, ``other`` (uncovered script) or ``empty``.

    >>> detect_script("Олександр"), detect_script("Oleksandr"), detect_script("Oлександр")
    ('cyrillic', 'latin', 'mixed')
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return EMPTY
    cyr = sum(_is_cyrillic(c) for c in letters)
    lat = sum(_is_latin(c) for c in letters)
    if cyr + lat < len(letters):
        return OTHER
    if cyr and lat:
        return MIXED
    return CYRILLIC if cyr else LATIN


def fix_lookalikes(text: str) -> str:
    """Read Latin look-alike letters as Cyrillic inside words that are mostly Cyrillic.

    >>> fix_lookalikes("Oлeксандр") == "Олександр"
    True
    """
    table = lookalikes()
    words = []
    for word in text.split(" "):
        # A Latin word with a stray Cyrillic letter (Kopыlov: l and v have no Cyrillic twin)
        # stays Latin; a Cyrillic word whose Latin letters all have twins is fixed.
        latin = [c for c in word if _is_latin(c)]
        if any(_is_cyrillic(c) for c in word) and all(c in table for c in latin):
            word = "".join(table.get(c, c) for c in word)
        words.append(word)
    return " ".join(words)


def clean(text: str) -> str:
    """NFKC, look-alikes fixed, lower case, apostrophes and hard/soft signs kept as written."""
    return fix_lookalikes(unicodedata.normalize("NFKC", text).strip()).lower()


def _fold_word(word: str) -> str:
    marks = apostrophes()
    out: list[str] = []
    for ch in word:
        if ch in marks:
            continue
        if ch in _CYR:
            out.append(_CYR[ch])
        elif ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            out.append(base if base.isalpha() else "")
    text = "".join(out)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """The coarse Latin skeleton of a name (words kept apart by one space)."""
    words = _SEPARATORS.split(clean(text))
    return " ".join(f for f in (_fold_word(w) for w in words) if f)


@lru_cache(maxsize=1 << 18)
def phonetic(folded: str) -> str:
    """First letter and the consonants of a folded name, at most six letters.

    >>> phonetic("xevxenko")
    'xvxnk'
    """
    if not folded:
        return ""
    first, rest = folded[0], folded[1:].replace(" ", "")
    skeleton = first + _VOWELS.sub("", rest)
    return re.sub(r"(.)\1+", r"\1", skeleton)[:6]
