"""The true people of a scenario, before any registry writes them down."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from faker import Faker

from homeward.domain.values import Category, Health, LegalStatus, Sex, Side
from homeward.scenario.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    GivenName,
    feminine_surname,
    is_famous,
)

RANKS: tuple[tuple[str, str, float], ...] = (  # (uk, ru, weight)
    ("солдат", "рядовой", 30),
    ("старший солдат", "ефрейтор", 12),
    ("молодший сержант", "младший сержант", 12),
    ("сержант", "сержант", 12),
    ("старший сержант", "старший сержант", 8),
    ("головний сержант", "старшина", 4),
    ("молодший лейтенант", "младший лейтенант", 3),
    ("лейтенант", "лейтенант", 5),
    ("старший лейтенант", "старший лейтенант", 5),
    ("капітан", "капитан", 4),
    ("майор", "майор", 2),
    ("підполковник", "подполковник", 1),
    ("полковник", "полковник", 0.5),
)


def rank_name(rank: int, language: Side) -> str:
    """The rank at index ``rank`` of RANKS as ``language``'s army writes it."""
    uk, ru, _ = RANKS[rank]
    return uk if language is Side.UA else ru


RELATIONS = {
    Side.UA: ("мати", "батько", "дружина", "сестра", "брат", "син", "донька"),
    Side.RU: ("мать", "отец", "жена", "сестра", "брат", "сын", "дочь"),
}
_LOCALE = {Side.UA: "uk_UA", Side.RU: "ru_RU"}
# Capture years: a few from 2014-2021, most since the full-scale invasion of 2022.
_CAPTURE_YEARS = (
    (2014, 1.5),
    (2015, 0.6),
    (2016, 0.3),
    (2017, 0.3),
    (2018, 0.2),
    (2019, 0.2),
    (2020, 0.2),
    (2021, 0.2),
    (2022, 45.0),
    (2023, 18.0),
    (2024, 25.0),
    (2025, 8.5),
)
_MILITARY_AGES = ((19, 24, 14), (25, 34, 30), (35, 44, 32), (45, 54, 19), (55, 62, 5))
_CIVILIAN_AGES = ((18, 24, 5), (25, 44, 30), (45, 64, 45), (65, 85, 20))
T = TypeVar("T")
_HEALTH = ((Health.FIT, 78.0), (Health.WOUNDED, 15.0), (Health.SERIOUSLY_ILL, 7.0))


@dataclass(frozen=True, slots=True)
class Identity:
    """A person as they really are; registries render them with their own spelling."""

    nation: Side
    sex: Sex
    surname: str
    given: GivenName
    father: GivenName
    date_of_birth: dt.date
    place_of_birth: str
    category: Category
    status: LegalStatus
    rank: int | None  # index into RANKS
    service_number: str | None
    unit: str | None
    document_number: str | None
    date_of_capture: dt.date
    place_of_capture: str
    health: Health
    held_at: str | None
    mother_maiden_name: str
    next_of_kin: tuple[int, GivenName, str]  # relation index, given name, surname

    @property
    def female(self) -> bool:
        return self.sex is Sex.FEMALE


class Weighted(Generic[T]):
    """Weighted choice with precomputed cumulative weights (random.choices is slower)."""

    def __init__(self, items: tuple[tuple[T, float], ...]) -> None:
        self.items = [item for item, _ in items]
        self.cumulative = list(accumulate(w for _, w in items))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


def facility_names(holder: Side, count: int) -> tuple[str, ...]:
    """Synthetic facility names of the holding side: ``Facility RU-07``."""
    return tuple(f"Facility {holder.value}-{i:02d}" for i in range(1, count + 1))


class PopulationMaker:
    """Makes the people of one nation; one instance per nation, seeded once."""

    def __init__(self, nation: Side, seed: int, reference_date: dt.date) -> None:
        self.nation = nation
        self.reference_date = reference_date
        self.faker = Faker(_LOCALE[nation])
        self.faker.seed_instance(seed)
        # Places of capture: the war is fought in Ukraine, with a 2024 incursion into Russia.
        self.ua_places = Faker("uk_UA")
        self.ua_places.seed_instance(seed + 1)
        self.males = Weighted(tuple((n, n.weight) for n in MALE_NAMES))
        self.females = Weighted(tuple((n, n.weight) for n in FEMALE_NAMES))
        self.ranks = Weighted(tuple((i, w) for i, (_, _, w) in enumerate(RANKS)))
        self.years = Weighted(_CAPTURE_YEARS)
        self.military_ages = Weighted(tuple(((lo, hi), w) for lo, hi, w in _MILITARY_AGES))
        self.civilian_ages = Weighted(tuple(((lo, hi), w) for lo, hi, w in _CIVILIAN_AGES))
        self.health = Weighted(_HEALTH)

    def make(
        self,
        rng: random.Random,
        category: Category,
        facilities: tuple[str, ...] | None,
        missing: bool = False,
    ) -> Identity:
        """One person; ``facilities`` given means held (weighted: a few large facilities)."""
        military = category is Category.MILITARY
        female = rng.random() < (0.06 if military else 0.30)
        given = (self.females if female else self.males).pick(rng)
        family = self.faker.last_name_male()
        while is_famous(family, given) or is_famous(feminine_surname(family), given):
            given = (self.females if female else self.males).pick(rng)
        surname = feminine_surname(family) if female else family
        captured = self._capture_date(rng)
        dob = self._date_of_birth(rng, military, captured)
        held_at = None
        if facilities:
            # Zipf-like sizes: the first facilities hold many more people than the last.
            held_at = rng.choices(facilities, weights=_zipf(len(facilities)))[0]
        if missing:
            status = LegalStatus.MISSING
        elif military:
            status = LegalStatus.POW
        else:
            status = (
                LegalStatus.CIVILIAN_INTERNEE
                if rng.random() < 0.4
                else LegalStatus.CIVILIAN_DETAINED
            )
        kin_relation = rng.randrange(len(RELATIONS[self.nation]))
        if female and kin_relation == 2:  # the lists name wives only; a woman's father instead
            kin_relation = 1
        kin_male = kin_relation in (1, 4, 5)
        kin_given = (self.males if kin_male else self.females).pick(rng)
        kin_surname = family if kin_male else feminine_surname(family)
        return Identity(
            nation=self.nation,
            sex=Sex.FEMALE if female else Sex.MALE,
            surname=surname,
            given=given,
            father=self.males.pick(rng),
            date_of_birth=dob,
            place_of_birth=self.faker.city_name(),
            category=category,
            status=status,
            rank=self.ranks.pick(rng) if military else None,
            service_number=self._service_number(rng) if military else None,
            unit=self._unit(rng) if military else None,
            document_number=self._document_number(rng),
            date_of_capture=captured,
            place_of_capture=self._place_of_capture(rng, captured),
            health=self.health.pick(rng),
            held_at=held_at,
            mother_maiden_name=self.faker.last_name_female(),
            next_of_kin=(kin_relation, kin_given, kin_surname),
        )

    def _capture_date(self, rng: random.Random) -> dt.date:
        year = self.years.pick(rng)
        # 2014: from the start of the war in Donbas; 2022: from the full-scale invasion.
        start = {2014: dt.date(2014, 4, 6), 2022: dt.date(2022, 2, 24)}.get(year)
        start = start or dt.date(year, 1, 1)
        end = self.reference_date - dt.timedelta(days=6) if year == 2025 else dt.date(year, 12, 31)
        return start + dt.timedelta(days=rng.randrange((end - start).days + 1))

    def _date_of_birth(self, rng: random.Random, military: bool, captured: dt.date) -> dt.date:
        lo, hi = (self.military_ages if military else self.civilian_ages).pick(rng)
        # Nobody was captured before their 18th birthday.
        lo = max(lo, self.reference_date.year - captured.year + 19)
        hi = max(hi, lo)
        age = rng.randint(lo, hi)
        born = self.reference_date.replace(year=self.reference_date.year - age)
        return born - dt.timedelta(days=rng.randrange(1, 365))

    def _service_number(self, rng: random.Random) -> str:
        if self.nation is Side.UA:
            return f"{rng.choice('АВЕКМНОРСТ')}{rng.choice('АВЕКМНОРСТ')}{rng.randrange(10**6):06d}"
        return f"{rng.choice('АВЕКМНОРСТ')}-{rng.randrange(10**6):06d}"

    def _unit(self, rng: random.Random) -> str:
        if self.nation is Side.UA:
            return f"в/ч А{rng.randrange(10**4):04d}"
        return f"в/ч {rng.randrange(10**5):05d}"

    def _document_number(self, rng: random.Random) -> str:
        if self.nation is Side.UA and rng.random() < 0.6:
            return f"{rng.randrange(10**9):09d}"  # ID card
        letters = "АВЕКМНОРСТ"
        if self.nation is Side.UA:
            return f"{rng.choice(letters)}{rng.choice(letters)}{rng.randrange(10**6):06d}"
        return f"{rng.randrange(10**4):04d} {rng.randrange(10**6):06d}"

    def _place_of_capture(self, rng: random.Random, captured: dt.date) -> str:
        if self.nation is Side.RU and captured.year == 2024 and rng.random() < 0.5:
            return self.faker.city_name()
        return self.ua_places.city_name()


_ZIPF: dict[int, list[float]] = {}


def _zipf(n: int) -> list[float]:
    if n not in _ZIPF:
        _ZIPF[n] = [1 / (i + 1) ** 0.8 for i in range(n)]
    return _ZIPF[n]
