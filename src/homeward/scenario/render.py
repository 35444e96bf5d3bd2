"""Write a true person down as one registry would: its language, its gaps, its mistakes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from enum import StrEnum

from homeward.domain.person import PersonRecord
from homeward.domain.values import Category, LegalStatus, PartialDate, Side
from homeward.scenario.names import (
    GivenName,
    latin_ru,
    latin_uk,
    ru_patronymic,
    russify_surname,
    typo,
    uk_patronymic,
    ukrainize_surname,
)
from homeward.scenario.population import RELATIONS, Identity, rank_name


class Source(StrEnum):
    """Why a row is in a sought registry (kept as the extra column ``source``)."""

    HELD_CONFIRMED = "held_confirmed"
    MISSING_REPORT = "missing_report"
    FAMILY_CLAIM = "family_claim"


class Script(StrEnum):
    NATIVE = "native"  # the person's own language, as their side writes it
    FOREIGN = "foreign"  # Cyrillic of the other language (Олександр -> Александр)
    LATIN = "latin"


def _names(person: Identity, script: Script) -> tuple[str, str, str]:
    """(surname, given name, patronymic) of ``person`` in ``script``."""
    female = person.female
    uk = (
        person.surname if person.nation is Side.UA else ukrainize_surname(person.surname),
        person.given.uk,
        uk_patronymic(person.father.uk, female),
    )
    ru = (
        person.surname if person.nation is Side.RU else russify_surname(person.surname),
        person.given.ru,
        ru_patronymic(person.father.ru, female),
    )
    native, foreign = (uk, ru) if person.nation is Side.UA else (ru, uk)
    if script is Script.NATIVE:
        return native
    if script is Script.FOREIGN:
        return foreign
    to_latin: Callable[[str], str] = latin_uk if person.nation is Side.UA else latin_ru
    surname, given, patronymic = native
    return to_latin(surname), to_latin(given), to_latin(patronymic)


def _given_in(name: GivenName, nation: Side, script: Script) -> str:
    """A given name (the father's) in ``script`` for a person of ``nation``."""
    native, foreign = (name.uk, name.ru) if nation is Side.UA else (name.ru, name.uk)
    if script is Script.NATIVE:
        return native
    if script is Script.FOREIGN:
        return foreign
    return latin_uk(native) if nation is Side.UA else latin_ru(native)


def _birth_date(
    born: dt.date, rng: random.Random, partial: float, swapped: float, absent: float
) -> PartialDate | None:
    """The birth date as written: full, year-month or year only, day and month swapped."""
    roll = rng.random()
    if roll < absent:
        return None
    roll -= absent
    if roll < swapped and born.day <= 12 and born.day != born.month:
        return PartialDate(born.year, born.day, born.month)
    roll -= swapped
    if roll < partial:
        return PartialDate(born.year) if roll < partial / 2 else PartialDate(born.year, born.month)
    return PartialDate(born.year, born.month, born.day)


def _full(day: dt.date) -> PartialDate:
    return PartialDate(day.year, day.month, day.day)


def _mistyped_number(number: str, rng: random.Random) -> str:
    digits = [i for i, c in enumerate(number) if c.isdigit()]
    at = rng.choice(digits)
    return number[:at] + str((int(number[at]) + rng.randrange(1, 10)) % 10) + number[at + 1 :]


def render_holding(
    person: Identity, record_id: str, holder: Side, rng: random.Random
) -> PersonRecord:
    """The holding side's row: the name often in its own language or Latin, some typos."""
    roll = rng.random()
    if person.nation is Side.UA:  # Russian clerks writing Ukrainian names
        script = Script.NATIVE if roll < 0.55 else Script.FOREIGN if roll < 0.88 else Script.LATIN
    else:
        script = Script.NATIVE if roll < 0.75 else Script.FOREIGN if roll < 0.90 else Script.LATIN
    surname, given, patronymic = _names(person, script)
    if rng.random() < 0.06:
        surname = typo(surname, rng)
    if rng.random() < 0.02:
        given = typo(given, rng)
    drop_patronymic = 0.6 if script is Script.LATIN else 0.07
    military = person.category is Category.MILITARY
    service_number = None
    if person.service_number and rng.random() < 0.85:
        service_number = person.service_number
        if rng.random() < 0.03:
            service_number = _mistyped_number(service_number, rng)
    rank = None
    if person.rank is not None and rng.random() < 0.9:
        rank = rank_name(person.rank, holder)
    place = person.place_of_capture
    if holder is Side.RU and person.nation is Side.UA and script is not Script.NATIVE:
        place = russify_surname(place)
    return PersonRecord(
        record_id=record_id,
        surname=surname,
        given_name=given,
        patronymic=None if rng.random() < drop_patronymic else patronymic,
        sex=person.sex,
        date_of_birth=_birth_date(person.date_of_birth, rng, 0.07, 0.02, 0.01),
        place_of_birth=person.place_of_birth if rng.random() < 0.4 else None,
        citizenship=person.nation.value if rng.random() < 0.95 else None,
        status=person.status,
        category=person.category,
        rank=rank,
        service_number=service_number,
        unit=person.unit if military and rng.random() < 0.5 else None,
        document_number=person.document_number if rng.random() < 0.3 else None,
        date_of_capture=_full(person.date_of_capture) if rng.random() < 0.9 else None,
        place_of_capture=place if rng.random() < 0.7 else None,
        health=person.health,
        held_at=person.held_at,
        father_name=_given_in(person.father, person.nation, script) if rng.random() < 0.2 else None,
        mother_maiden_name=None,
        next_of_kin=None,
    )


# Per source: typo in surname, patronymic dropped, birth date partial / swapped / absent,
# service number kept, status given.
_SOUGHT_NOISE = {
    Source.HELD_CONFIRMED: (0.02, 0.02, 0.03, 0.005, 0.0, 0.95, 1.0),
    Source.MISSING_REPORT: (0.05, 0.05, 0.08, 0.02, 0.01, 0.7, 1.0),
    Source.FAMILY_CLAIM: (0.20, 0.25, 0.30, 0.05, 0.05, 0.2, 0.5),
}


def render_sought(
    person: Identity, record_id: str, source: Source, rng: random.Random
) -> PersonRecord:
    """A row of the person's own side's sought registry, in their own language."""
    typo_p, drop_p, partial_p, swap_p, absent_p, number_p, status_p = _SOUGHT_NOISE[source]
    surname, given, patronymic = _names(person, Script.NATIVE)
    if rng.random() < typo_p:
        surname = typo(surname, rng)
    if rng.random() < typo_p / 4:
        given = typo(given, rng)
    side = person.nation
    confirmed = source is Source.HELD_CONFIRMED
    status: LegalStatus | None = person.status if confirmed else LegalStatus.MISSING
    if rng.random() >= status_p:
        status = None
    captured: PartialDate | None = _full(person.date_of_capture)
    if not confirmed and rng.random() < 0.3:  # "last seen in March 2023"
        captured = PartialDate(person.date_of_capture.year, person.date_of_capture.month)
    elif confirmed and rng.random() < 0.15:
        captured = None
    relation, kin_given, kin_surname = person.next_of_kin
    kin_name = kin_given.uk if side is Side.UA else kin_given.ru
    kin = f"{RELATIONS[side][relation]}: {kin_surname} {kin_name}"
    row_extra = {"source": source.value}
    return PersonRecord(
        record_id=record_id,
        surname=surname,
        given_name=given,
        patronymic=None if rng.random() < drop_p else patronymic,
        sex=person.sex,
        date_of_birth=_birth_date(person.date_of_birth, rng, partial_p, swap_p, absent_p),
        place_of_birth=person.place_of_birth if rng.random() < 0.8 else None,
        citizenship=side.value,
        status=status,
        category=person.category if rng.random() < (0.98 if confirmed else 0.8) else None,
        rank=rank_name(person.rank, side) if person.rank is not None else None,
        service_number=person.service_number if rng.random() < number_p else None,
        unit=person.unit if source is not Source.FAMILY_CLAIM else None,
        document_number=person.document_number if rng.random() < 0.5 else None,
        date_of_capture=captured,
        place_of_capture=person.place_of_capture if rng.random() < 0.8 else None,
        health=person.health if confirmed and rng.random() < 0.6 else None,
        held_at=person.held_at if confirmed and rng.random() < 0.3 else None,
        father_name=(person.father.uk if side is Side.UA else person.father.ru)
        if rng.random() < 0.6
        else None,
        mother_maiden_name=person.mother_maiden_name if rng.random() < 0.5 else None,
        next_of_kin=kin if rng.random() < 0.95 else None,
        extra=row_extra,
    )
