"""Many plausible person rows, fast and in bounded memory, for the import benchmark.

Unlike a scenario these rows have no truth and no sides: they exercise the reader, the
quarantine and the database. A share of them is malformed on purpose, spread evenly.

>>> stats = RowStats()
>>> rows = list(iter_bench_rows(10, seed=1, bad_share=0.2, fmt="csv", stats=stats))
>>> len(rows), stats.bad
(10, 2)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from faker import Faker

from homeward.domain.person import PERSON_FIELDS
from homeward.domain.validation import MAX_FIELD_LENGTH
from homeward.domain.values import Side
from homeward.scenario.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    feminine_surname,
    ru_patronymic,
    uk_patronymic,
)
from homeward.scenario.population import RANKS, facility_names, rank_name

BENCH_HEADER: tuple[str, ...] = PERSON_FIELDS
_COLUMN = {name: i for i, name in enumerate(BENCH_HEADER)}


class BadKind(StrEnum):
    """How a malformed row is malformed; each one must land in quarantine."""

    MISSING_SURNAME = "missing_surname"
    MISSING_GIVEN_NAME = "missing_given_name"
    BAD_DATE = "bad_date"
    BAD_SEX = "bad_sex"
    BAD_STATUS = "bad_status"
    BAD_HEALTH = "bad_health"
    TOO_LONG = "too_long"
    DUPLICATE_ID = "duplicate_id"
    NUL_CHARACTER = "nul_character"  # not in XLSX: a workbook cannot hold it
    WRONG_SHAPE = "wrong_shape"  # CSV: an extra value; JSON: an array, not an object


def bad_kinds_for(fmt: str) -> tuple[BadKind, ...]:
    """The kinds of malformed row a file of format ``fmt`` can carry."""
    if fmt == "xlsx":
        return tuple(k for k in BadKind if k not in (BadKind.NUL_CHARACTER, BadKind.WRONG_SHAPE))
    return tuple(BadKind)


@dataclass(slots=True)
class RowStats:
    """Filled in while rows are generated: how many, how many malformed and how."""

    rows: int = 0
    bad: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class _Pool:
    """Precomputed values of one nation, so that a row costs a few random draws."""

    nation: str
    male_surnames: tuple[str, ...]
    female_surnames: tuple[str, ...]
    males: tuple[tuple[str, str, str], ...]  # (given, patronymic of a son, of a daughter)
    females: tuple[tuple[str, str, str], ...]
    fathers: tuple[str, ...]
    cities: tuple[str, ...]
    ranks: tuple[str, ...]


def _pool(nation: Side, seed: int) -> _Pool:
    faker = Faker("uk_UA" if nation is Side.UA else "ru_RU")
    faker.seed_instance(seed)
    uk = nation is Side.UA
    families = [faker.last_name_male() for _ in range(3000)]
    male = [(n.uk if uk else n.ru) for n in MALE_NAMES]
    female = [(n.uk if uk else n.ru) for n in FEMALE_NAMES]
    patronymic = uk_patronymic if uk else ru_patronymic
    return _Pool(
        nation=nation.value,
        male_surnames=tuple(families),
        female_surnames=tuple(feminine_surname(f) for f in families),
        males=tuple(
            (g, patronymic(f, False), patronymic(f, True)) for g in male for f in male[:20]
        ),
        females=tuple(
            (g, patronymic(f, False), patronymic(f, True)) for g in female for f in male[:20]
        ),
        fathers=tuple(male),
        cities=tuple(faker.city_name() for _ in range(500)),
        ranks=tuple(rank_name(i, nation) for i in range(len(RANKS))),
    )


_BAD_DATES = ("1990-13-45", "31.12.1990", "1990/05/04", "около 1985", "2023-02-30")


def iter_bench_rows(
    count: int,
    seed: int,
    bad_share: float = 0.0,
    fmt: str = "csv",
    stats: RowStats | None = None,
) -> Iterator[list[str]]:
    """Yield ``count`` rows (values in BENCH_HEADER order); exactly
    ``floor(count * bad_share)`` of them malformed, evenly spread, of kinds ``fmt`` allows."""
    if not 0.0 <= bad_share <= 1.0:
        raise ValueError("bad_share must be between 0 and 1")
    rng = random.Random(f"homeward:rows:{seed}")
    pools = (_pool(Side.UA, seed), _pool(Side.RU, seed))
    holders = (facility_names(Side.RU, 40), facility_names(Side.UA, 15))
    kinds = bad_kinds_for(fmt)
    stats = stats if stats is not None else RowStats()
    born_from = dt.date(1950, 1, 1).toordinal()
    captured_from = dt.date(2022, 2, 24).toordinal()
    statuses = ("pow", "civilian_internee", "civilian_detained")
    healths = ("fit", "fit", "fit", "fit", "fit", "wounded", "seriously_ill")
    last_good = ""
    for index in range(count):
        side = 0 if rng.random() < 0.75 else 1
        pool, facilities = pools[side], holders[side]
        female = rng.random() < 0.12
        given, son, daughter = rng.choice(pool.females if female else pool.males)
        surname = rng.choice(pool.female_surnames if female else pool.male_surnames)
        military = rng.random() < 0.8
        record_id = f"B-{index + 1:09d}"
        row = [
            record_id,
            surname,
            given,
            daughter if female else son,
            "F" if female else "M",
            dt.date.fromordinal(born_from + rng.randrange(20000)).isoformat(),
            rng.choice(pool.cities),
            pool.nation,
            "pow" if military else statuses[rng.randrange(1, 3)],
            "military" if military else "civilian",
            rng.choice(pool.ranks) if military else "",
            f"S{rng.randrange(10**8):08d}" if military else "",
            "",
            f"D{rng.randrange(10**8):08d}" if not military else "",
            dt.date.fromordinal(captured_from + rng.randrange(1100)).isoformat(),
            rng.choice(pool.cities),
            rng.choice(healths),
            rng.choice(facilities),
            rng.choice(pool.fathers),
            "",
            "",
        ]
        stats.rows += 1
        if int((index + 1) * bad_share) > int(index * bad_share):
            kind = rng.choice(kinds)
            if kind is BadKind.DUPLICATE_ID and not last_good:
                kind = BadKind.MISSING_SURNAME
            _spoil(row, kind, last_good)
            stats.bad += 1
            stats.by_kind[kind.value] += 1
        else:
            last_good = record_id
        yield row


def _spoil(row: list[str], kind: BadKind, last_good: str) -> None:
    if kind is BadKind.MISSING_SURNAME:
        row[_COLUMN["surname"]] = ""
    elif kind is BadKind.MISSING_GIVEN_NAME:
        row[_COLUMN["given_name"]] = " "
    elif kind is BadKind.BAD_DATE:
        row[_COLUMN["date_of_birth"]] = _BAD_DATES[len(row[1]) % len(_BAD_DATES)]
    elif kind is BadKind.BAD_SEX:
        row[_COLUMN["sex"]] = "X"
    elif kind is BadKind.BAD_STATUS:
        row[_COLUMN["status"]] = "prisoner"
    elif kind is BadKind.BAD_HEALTH:
        row[_COLUMN["health"]] = "ok"
    elif kind is BadKind.TOO_LONG:
        row[_COLUMN["place_of_birth"]] = "x" * (MAX_FIELD_LENGTH + 1)
    elif kind is BadKind.DUPLICATE_ID:
        row[_COLUMN["record_id"]] = last_good
    elif kind is BadKind.NUL_CHARACTER:
        row[_COLUMN["surname"]] += "\x00"
    else:
        row.append("unexpected")
