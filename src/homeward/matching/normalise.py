"""Normalise a person's names for matching, keeping every original spelling.

``normalise_name`` describes one spelling (script, language, display Latin form, folded and
phonetic keys); ``match_features`` turns a whole ``PersonRecord`` into the flat row the
linkage engine compares.

>>> n = normalise_name("Мар'яна")
>>> n.script, n.language, n.display, n.folded
('cyrillic', 'uk', 'Mariana', 'mariana')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import iuliia  # type: ignore[import-untyped,unused-ignore]
from translitua import UkrainianKMU, translit

from homeward.domain.person import PersonRecord
from homeward.matching.decide import SWAPPED
from homeward.matching.fold import (
    CYRILLIC,
    EMPTY,
    MIXED,
    OTHER,
    clean,
    detect_script,
    fix_lookalikes,
    fold,
    phonetic,
)
from homeward.matching.names import (
    given_key,
    in_given_tables,
    patronymic_key,
    surname_key,
)
from homeward.matching.tables import given_names

UK = "uk"
RU = "ru"
UNCOVERED_SCRIPT = "uncovered_script"
LOOKALIKES_FIXED = "lookalikes_fixed"

_UK_ONLY = set("іїєґ'’ʼ")
_RU_ONLY = set("ыэёъ")
_CODE = re.compile(r"[^0-9A-ZА-ЯЁІЇЄҐ]+")
_NOT_CODE = re.compile(r"[^0-9A-Z]+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """One spelling of a name and what homeward derives from it."""

    original: str
    script: str
    language: str | None
    display: str
    folded: str
    phonetic: str


def _table_language(word: str) -> str | None:
    uk = {n.uk.lower() for n in given_names()}
    ru = {n.ru.lower() for n in given_names()}
    if word in uk and word not in ru:
        return UK
    if word in ru and word not in uk:
        return RU
    return None


def detect_language(text: str) -> str | None:
    """``uk`` or ``ru`` for Cyrillic text (by letters, then by the name tables), else None."""
    lowered = clean(text)
    if detect_script(lowered) not in (CYRILLIC, MIXED):
        return None
    letters = set(lowered)
    if letters & _UK_ONLY:
        return UK
    if letters & _RU_ONLY:
        return RU
    for word in lowered.split():
        found = _table_language(word)
        if found:
            return found
    return UK if "и" not in letters else RU


def display_latin(text: str, language: str | None) -> str:
    """The Latin form shown to people: KMU 2010 for Ukrainian, iuliia Wikipedia for Russian."""
    fixed = fix_lookalikes(unicodedata.normalize("NFKC", text))
    if detect_script(fixed) not in (CYRILLIC, MIXED):
        return text
    if language == RU:
        return str(iuliia.WIKIPEDIA.translate(fixed))
    return str(translit(fixed, UkrainianKMU))


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> NormalisedName:
    script = detect_script(text)
    language = detect_language(text)
    folded = fold(text)
    return NormalisedName(
        original=text,
        script=script,
        language=language,
        display=display_latin(text, language),
        folded=folded,
        phonetic=phonetic(folded),
    )


@dataclass(frozen=True, slots=True)
class MatchFeatures:
    """The flat row the linkage engine compares; names keep their originals alongside."""

    unique_id: str
    given_name: str
    surname: str
    patronymic: str | None
    given_key: str | None
    given_fold: str | None
    given_phon: str | None
    given_canon: str | None
    surname_key: str | None
    surname_fold: str | None
    surname_phon: str | None
    patronymic_key: str | None
    patronymic_fold: str | None
    dob: str | None
    dob_y: int | None
    dob_m: int | None
    dob_d: int | None
    service_number: str | None
    unit: str | None
    document_number: str | None
    flags: str
    sex: str | None = None


_CODE_LOOKALIKES = str.maketrans("АВЕКМНОРСТХУІ", "ABEKMHOPCTXYI")
# After the look-alikes, the other Cyrillic capitals by KMU 2010, so that every code is
# ASCII: both engines then count edit distance over the same characters.
_CODE_REST = str.maketrans({
    "Б": "B", "Г": "H", "Ґ": "G", "Д": "D", "Є": "IE", "Ж": "ZH", "З": "Z", "И": "Y",
    "Ї": "I", "Й": "I", "Л": "L", "П": "P", "Ф": "F", "Ц": "TS", "Ч": "CH", "Ш": "SH",
    "Щ": "SHCH", "Ь": "", "Ю": "IU", "Я": "IA", "Ё": "E", "Ы": "Y", "Э": "E", "Ъ": "",
})  # fmt: skip
# A unit's number, however it is introduced: "в/ч А1234", "v/ch A1234", "military unit 3057".
_UNIT_NUMBER = re.compile(r"([A-Z]{0,2})-?(\d{3,})")


_CODE_ASCII: dict[int, str | int | None] = {**_CODE_LOOKALIKES, **_CODE_REST}


def _code(text: str | None) -> str | None:
    """A service or document number: capitals and digits, Cyrillic look-alikes read as Latin,
    the other Cyrillic letters transliterated (every code is ASCII)."""
    if not text:
        return None
    value = str(text.upper().translate(_CODE_ASCII))
    if not (value.isascii() and value.isalnum()):  # the common case needs no regex
        value = _NOT_CODE.sub("", value)
    return value or None


_NOT_CODE_LINES = re.compile(r"[^0-9A-Z\n]+")


def codes(texts: Sequence[str | None]) -> list[str | None]:
    """``_code`` of every text, worked out in one pass over them all joined by line breaks
    (no code keeps one); a million unique service numbers are too many calls otherwise.

    >>> codes(["ав-12", None, "x 7"])
    ['AB12', None, 'X7']
    """
    if not texts:
        return []
    joined = "\n".join(t or "" for t in texts)
    if joined.count("\n") != len(texts) - 1:  # a text holds a line break itself
        return [_code(t) for t in texts]
    value = _NOT_CODE_LINES.sub("", joined.upper().translate(_CODE_ASCII))
    return [code or None for code in value.split("\n")]


@lru_cache(maxsize=1 << 16)
def _unit(text: str | None) -> str | None:
    """A military unit by its number (А1234), the words before it in any language dropped."""
    if not text:
        return None
    spaced = re.sub(r"[^0-9A-ZА-ЯЁІЇЄҐ]+", " ", text.upper())
    latin = spaced.translate(_CODE_LOOKALIKES).translate(_CODE_REST)
    found = _UNIT_NUMBER.findall(latin)
    if found:
        letters, digits = found[-1]
        return f"{letters[-1:]}{digits}"
    return _code(text)


def _nonempty(text: str) -> str | None:
    return text or None


def _script_flag(text: str) -> str | None:
    script = detect_script(text)
    if script == OTHER:
        return UNCOVERED_SCRIPT
    if script == MIXED:
        return LOOKALIKES_FIXED
    return None


@lru_cache(maxsize=1 << 18)
def _surname_info(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(flag, folded, key, phonetic of the key), cached: surnames repeat across a registry."""
    key = surname_key(text)
    return _script_flag(text), _nonempty(fold(text)), _nonempty(key), _nonempty(phonetic(key))


@lru_cache(maxsize=1 << 18)
def _given_info(
    text: str, sex: str | None
) -> tuple[tuple[str, ...], str | None, str | None, str | None, str | None]:
    """(flags, key, folded, phonetic of the fold, fold of the key), cached."""
    flags = [f for f in (_script_flag(text),) if f]
    if not in_given_tables(text) and detect_script(text) != EMPTY:
        flags.append("given_name_not_in_tables")
    folded = fold(text)
    key = given_key(text, sex)
    return (
        tuple(flags),
        _nonempty(key),
        _nonempty(folded),
        _nonempty(phonetic(folded)),
        _nonempty(fold(key)),
    )


@lru_cache(maxsize=1 << 18)
def _patronymic_info(text: str) -> tuple[str | None, str | None, str | None]:
    return _script_flag(text), _nonempty(patronymic_key(text)), _nonempty(fold(text))


def _flags(*found: str | None) -> str:
    present = {f for f in found if f}
    return ",".join(sorted(present)) if present else ""


def could_be_swapped(features: MatchFeatures) -> bool:
    """True when the surname column reads as a given name or the given-name column does not."""
    return in_given_tables(features.surname) or not in_given_tables(features.given_name)


def swap_names(features: MatchFeatures, unique_id: str) -> MatchFeatures:
    """The same request read with its surname and given-name columns the other way round."""
    s_flag, s_fold, s_key, s_phon = _surname_info(features.given_name)
    g_flags, g_key, g_fold, g_phon, canon = _given_info(features.surname, features.sex)
    found = _flags(s_flag, *g_flags)
    kept = set(features.flags.split(",")) - {"", "given_name_not_in_tables"}
    return replace(
        features,
        unique_id=unique_id,
        given_name=features.surname,
        surname=features.given_name,
        flags=",".join(sorted((kept | set(found.split(",")) | {SWAPPED}) - {""})),
        given_key=g_key,
        given_fold=g_fold,
        given_phon=g_phon,
        given_canon=canon,
        surname_key=s_key,
        surname_fold=s_fold,
        surname_phon=s_phon,
    )


def match_features(record: PersonRecord) -> MatchFeatures:
    """Everything the engine needs from one record; names in uncovered scripts are flagged."""
    sex = record.sex.value if record.sex is not None else None
    s_flag, s_fold, s_key, s_phon = _surname_info(record.surname)
    g_flags, g_key, g_fold, g_phon, canon = _given_info(record.given_name, sex)
    p_flag, p_key, p_fold = _patronymic_info(record.patronymic or "")
    flags = _flags(s_flag, p_flag, *g_flags) if s_flag or p_flag or g_flags else ""
    dob = record.date_of_birth
    full = dob is not None and dob.day is not None
    return MatchFeatures(
        record.record_id,
        record.given_name,
        record.surname,
        record.patronymic,
        g_key,
        g_fold,
        g_phon,
        canon,
        s_key,
        s_fold,
        s_phon,
        p_key,
        p_fold,
        f"{dob.year:04d}-{dob.month:02d}-{dob.day:02d}" if full and dob else None,
        dob.year if dob is not None else None,
        dob.month if dob is not None else None,
        dob.day if dob is not None else None,
        _code(record.service_number),
        _unit(record.unit),
        _code(record.document_number),
        flags,
        sex,
    )
