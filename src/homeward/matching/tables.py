"""Load the name tables kept as CSV under ``homeward/matching/data`` (read once, cached)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class GivenName:
    """One given name in both languages, with its patronymics."""

    key: str
    sex: str
    uk: str
    ru: str
    patronymics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Diminutive:
    form: str
    sex: str
    key: str


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of ``data/<name>``, skipping the ``#`` source comments before the header."""
    text = resources.files("homeward.matching").joinpath("data", name).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines)]


@cache
def given_names() -> tuple[GivenName, ...]:
    rows = read_table("given_names.csv")
    return tuple(
        GivenName(
            key=r["key"],
            sex=r["sex"],
            uk=r["uk"],
            ru=r["ru"],
            patronymics=tuple(
                r[c]
                for c in (
                    "uk_patronymic_m",
                    "uk_patronymic_f",
                    "ru_patronymic_m",
                    "ru_patronymic_f",
                )
                if r[c]
            ),
        )
        for r in rows
    )


@cache
def diminutives() -> tuple[Diminutive, ...]:
    return tuple(
        Diminutive(r["diminutive"], r["sex"], r["key"]) for r in read_table("diminutives.csv")
    )


@cache
def western_forms() -> tuple[tuple[str, str], ...]:
    """(Western European form, key): Alexander -> OLEKSANDR."""
    return tuple((r["form"], r["key"]) for r in read_table("western_forms.csv"))


@cache
def surname_endings() -> tuple[tuple[str, str], ...]:
    """(female ending, male ending) in folded form, longest first."""
    pairs = [(r["female"], r["male"]) for r in read_table("surname_endings.csv")]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def apostrophes() -> frozenset[str]:
    return frozenset(r["char"] for r in read_table("apostrophes.csv"))


@cache
def lookalikes() -> dict[str, str]:
    return {r["latin"]: r["cyrillic"] for r in read_table("lookalikes.csv")}
