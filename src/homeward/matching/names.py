"""Given names, patronymics and surnames to table keys: the step after folding.

>>> given_key("Саша", "M") == given_key("Oleksandr") == given_key("Alexander") == "OLEKSANDR"
True
>>> patronymic_key("Миколайович") == patronymic_key("Nikolaevna") == "MYKOLA"
True
>>> surname_key("Петрова") == surname_key("Petrov")
True
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from homeward.matching.fold import fold, phonetic
from homeward.matching.tables import (
    diminutives,
    given_names,
    surname_endings,
    western_forms,
)

_PATRONYMIC_SUFFIX = re.compile(r"(ovix|evix|ovna|evna|ivna|ixna|ix)$")


@cache
def _sex_of() -> dict[str, str]:
    return {name.key: name.sex for name in given_names()}


@cache
def _given_index() -> tuple[dict[str, str], dict[str, set[str]], dict[tuple[str, str], str]]:
    """(fold -> key, phonetic skeleton -> keys, (fold, sex) -> key)."""
    exact: dict[str, str] = {}
    by_sex: dict[tuple[str, str], str] = {}
    for name in given_names():
        for form in (name.uk, name.ru, name.key):
            exact.setdefault(fold(form), name.key)
    for form, key in western_forms():
        exact.setdefault(fold(form), key)
    for dim in diminutives():
        by_sex.setdefault((fold(dim.form), dim.sex), dim.key)
        exact.setdefault(fold(dim.form), dim.key)  # first listed (male) wins when unknown
    skeletons: dict[str, set[str]] = {}
    for folded, key in exact.items():
        skeletons.setdefault(phonetic(folded), set()).add(key)
    return exact, skeletons, by_sex


@cache
def _patronymic_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name in given_names():
        for form in name.patronymics:
            index.setdefault(fold(form), name.key)
    return index


def _given_lookup(folded: str, sex: str | None) -> str | None:
    """The key of a folded given name. The fold reads a Latin x as х; a name not found so
    is tried with x as кс (Olexandr, Maxym)."""
    found = _given_lookup_one(folded, sex)
    if found is None and "x" in folded:
        found = _given_lookup_one(folded.replace("x", "ks"), sex)
    return found


def _given_lookup_one(folded: str, sex: str | None) -> str | None:
    exact, skeletons, by_sex = _given_index()
    if sex is not None and (folded, sex) in by_sex:
        return by_sex[(folded, sex)]
    if folded in exact:
        return exact[folded]
    if len(folded) < 4:
        return None
    keys = skeletons.get(phonetic(folded), set())
    if sex is not None and len(keys) > 1:
        keys = {k for k in keys if _sex_of().get(k) == sex}
    return next(iter(keys)) if len(keys) == 1 else None


@lru_cache(maxsize=1 << 18)
def given_key(text: str, sex: str | None = None) -> str:
    """The table key of a given name (diminutives and both languages), else its fold."""
    folded = fold(text)
    first = folded.split(" ")[0] if folded else ""
    return _given_lookup(first, sex) or folded


def in_given_tables(text: str) -> bool:
    folded = fold(text)
    return bool(folded) and _given_lookup(folded.split(" ")[0], None) is not None


@lru_cache(maxsize=1 << 18)
def patronymic_key(text: str) -> str:
    """The father's given-name key a patronymic points to (any language, either sex)."""
    folded = fold(text)
    if not folded:
        return ""
    found = _patronymic_index().get(folded)
    if found:
        return found
    stem = _PATRONYMIC_SUFFIX.sub("", folded)
    if stem != folded and len(stem) >= 2:
        return _given_lookup(stem, None) or _given_lookup(stem + "a", None) or stem
    return folded


@lru_cache(maxsize=1 << 18)
def surname_key(text: str) -> str:
    """A surname folded, with a female ending turned to the male one (Петрова -> petrov)."""
    words = fold(text).split(" ")
    out = []
    for word in words:
        for female, male in surname_endings():
            if word.endswith(female) and len(word) > len(female) + 1:
                word = word[: -len(female)] + male
                break
        out.append(word)
    return " ".join(w for w in out if w)
