"""Synthetic registries and request lists with documented noise, for tests and benchmarks.

People are made from the given-name tables and Faker's uk_UA / ru_RU surname lists (never
real people). The registry is what one side acknowledges holding, written in Cyrillic,
half of it the Russian way. Requests are what the other side's families and clerks send,
each with one noise type (``NOISE_TYPES``), 15% of them for people not in the registry:

- ``clean``: the registry spelling; ``cyrillic_uk``: Ukrainian Cyrillic (the registry may be
  russified); ``russified``: Ukrainian name written the Russian way (Олександр -> Александр);
- ``kmu``, ``bgn``, ``icao``, ``gost``, ``german``, ``french``, ``polish``, ``czech``: Latin by
  that convention (translitua for most; Polish and Czech by the small tables below);
- ``ascii``: plain ASCII capitals as a clerk types them;
- ``typo``: one letter deleted, doubled or replaced in the surname;
- ``diminutive``: the given name replaced by a familiar form (Коля for Микола);
- ``dob_swapped``: day and month swapped; ``dob_partial``: year or year-month only;
  ``dob_missing``: no birth date; ``no_patronymic``: patronymic left out; ``dob_typo``: the
  year one off or one digit of the day wrong.

Service numbers, when a request gives one (30%), have one wrong character 5% of the time.

Surnames follow a Zipf-Mandelbrot law (weight 1/(rank + 20), so the commonest of the ~750
surnames is about 1.3% of people, as the commonest Ukrainian surnames are a few tenths of a
per cent to 1%) and 3% of registry people get a namesake (same names, another birth date).
``generate(n_requests, n_registry, seed)`` returns the records and the truth.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from faker import Faker
from translitua import (
    TransliterationTable,
    UkrainianBGN,
    UkrainianFrench,
    UkrainianGerman,
    UkrainianGOST1986,
    UkrainianKMU,
    UkrainianPassport2007,
    translit,
)

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, Sex
from homeward.matching.tables import GivenName, diminutives, given_names

NOISE_TYPES: tuple[str, ...] = (
    "clean", "cyrillic_uk", "russified", "kmu", "bgn", "icao", "gost", "german", "french",
    "polish", "czech", "ascii", "typo", "diminutive", "dob_swapped", "dob_partial",
    "dob_missing", "no_patronymic", "dob_typo",
)  # fmt: skip

_POLISH = {
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ж": "ż", "з": "z", "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "ł",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ь": "", "ю": "ju",
    "я": "ja", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_CZECH = {
    **_POLISH, "в": "v", "ж": "ž", "л": "l", "ч": "č", "ш": "š", "щ": "šč",
}  # fmt: skip


def _by_table(table: dict[str, str]) -> Callable[[str], str]:
    def convert(text: str) -> str:
        out = []
        for ch in text:
            low = ch.lower()
            mapped = table.get(low, ch)
            out.append(mapped.capitalize() if ch != low else mapped)
        return "".join(out)

    return convert


def _translit(scheme: type[TransliterationTable]) -> Callable[[str], str]:
    return lambda text: str(translit(text, scheme))


def _ascii(text: str) -> str:
    latin = str(translit(text, UkrainianKMU))
    plain = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return plain.upper()


LATIN_SCHEMES: dict[str, Callable[[str], str]] = {
    "kmu": _translit(UkrainianKMU),
    "bgn": _translit(UkrainianBGN),
    "icao": _translit(UkrainianPassport2007),
    "gost": _translit(UkrainianGOST1986),
    "german": _translit(UkrainianGerman),
    "french": _translit(UkrainianFrench),
    "polish": _by_table(_POLISH),
    "czech": _by_table(_CZECH),
    "ascii": _ascii,
}


@dataclass(frozen=True, slots=True)
class Person:
    """Who someone is, before any list writes them down."""

    sex: Sex
    given: GivenName
    father: GivenName
    surname_m: str
    surname_f: str
    dob: PartialDate
    service_number: str | None
    unit: str | None
    document_number: str | None


@dataclass(frozen=True, slots=True)
class SynthData:
    registry: list[PersonRecord]
    requests: list[PersonRecord]
    truth: dict[str, str | None]  # request_id -> registry record_id, None when absent
    noise: dict[str, str]  # request_id -> noise type


def _surnames() -> list[tuple[str, str]]:
    """(male, female) surname pairs from Faker's Ukrainian and Russian lists."""
    pairs: list[tuple[str, str]] = []
    for locale in ("uk_UA", "ru_RU"):
        provider = Faker(locale).provider("faker.providers.person")
        male = list(provider.last_names_male)
        female = list(provider.last_names_female)
        pairs += list(zip(male, female, strict=False))
    return list(dict.fromkeys(pairs))


def _untabled_names() -> list[GivenName]:
    """Faker's Ukrainian given names that the tables do not list (10% of people get one)."""
    listed = {n.uk for n in given_names()} | {d.form for d in diminutives()}
    provider = Faker("uk_UA").provider("faker.providers.person")
    out = []
    for sex, attr in (("M", "first_names_male"), ("F", "first_names_female")):
        for form in getattr(provider, attr):
            if form not in listed:
                out.append(GivenName(f"X_{form}", sex, form, form, ()))
    return out


# Keyed by the list's id, holding the list itself so that the id cannot be reused.
_POOLS: dict[tuple[int, str, bool], tuple[object, list[GivenName], list[GivenName]]] = {}
_CUMULATIVE: dict[int, tuple[object, list[float]]] = {}


def _pools(
    names: list[GivenName], sex: str, tabled: bool
) -> tuple[list[GivenName], list[GivenName]]:
    """(given names for this sex, in or out of the tables; fathers), built once per list."""
    key = (id(names), sex, tabled)
    if key not in _POOLS or _POOLS[key][0] is not names:
        if any(held is not names for held, _, _ in _POOLS.values()):
            _POOLS.clear()  # a new list: forget the last one's pools
        pool = [n for n in names if n.sex == sex and n.key.startswith("X_") != tabled]
        _POOLS[key] = (names, pool, [n for n in names if n.sex == "M" and n.patronymics])
    return _POOLS[key][1], _POOLS[key][2]


def _cumulative(weights: list[float]) -> list[float]:
    """What ``random.choices`` computes from ``weights`` on every call, computed once."""
    held = _CUMULATIVE.get(id(weights))
    if held is None or held[0] is not weights:
        _CUMULATIVE.clear()
        held = _CUMULATIVE[id(weights)] = (weights, list(itertools.accumulate(weights)))
    return held[1]


def _person(rng: random.Random, names: list[GivenName], surnames: list[tuple[str, str]],
            weights: list[float], serial: int) -> Person:  # fmt: skip
    sex = Sex.MALE if rng.random() < 0.85 else Sex.FEMALE
    tabled = rng.random() < 0.9
    pool, fathers = _pools(names, sex.value, tabled)
    male, female = rng.choices(surnames, cum_weights=_cumulative(weights))[0]
    year = rng.randint(1960, 2005)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    military = rng.random() < 0.7
    return Person(
        sex=sex,
        given=rng.choice(pool),
        father=rng.choice(fathers),
        surname_m=male,
        surname_f=female,
        dob=PartialDate(year, month, day),
        service_number=f"{rng.choice('АВКМ')}{serial:07d}" if military else None,
        unit=f"в/ч А{rng.randint(1000, 9999)}" if military else None,
        document_number=f"{rng.choice('ЕКМН')}{rng.choice('ВНО')}{serial:06d}",
    )


def _patronymic(person: Person, russian: bool) -> str:
    forms = person.father.patronymics  # uk_m, uk_f, ru_m, ru_f
    return forms[(2 if russian else 0) + (1 if person.sex is Sex.FEMALE else 0)]


def write(person: Person, record_id: str, *, russian: bool) -> PersonRecord:
    """The person as a registry in Cyrillic writes them, the Ukrainian or the Russian way."""
    return PersonRecord(
        record_id=record_id,
        surname=person.surname_f if person.sex is Sex.FEMALE else person.surname_m,
        given_name=person.given.ru if russian else person.given.uk,
        patronymic=_patronymic(person, russian),
        sex=person.sex,
        date_of_birth=person.dob,
        service_number=person.service_number,
        unit=person.unit,
        document_number=person.document_number,
    )


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    letters = "аеиоуклмнрст"
    return text[:i] + rng.choice(letters) + text[i + 1 :]


def add_noise(  # noqa: PLR0911 - one return per noise type reads best
    rng: random.Random, person: Person, record: PersonRecord, noise: str
) -> PersonRecord:
    """One request as a family or clerk writes it, with ``noise`` applied."""
    base = write(person, record.record_id, russian=False)
    number = base.service_number
    if number and rng.random() < 0.05:
        number = number[:-1] + str((int(number[-1]) + 1) % 10)
    base = replace(
        base,
        service_number=number if rng.random() < 0.3 else None,
        unit=base.unit if rng.random() < 0.2 else None,
        document_number=base.document_number if rng.random() < 0.1 else None,
    )
    dob = person.dob
    if noise == "clean":
        return replace(record, service_number=base.service_number, unit=base.unit,
                       document_number=base.document_number)  # fmt: skip
    if noise == "russified":
        return replace(base, given_name=person.given.ru, patronymic=_patronymic(person, True))
    if noise in LATIN_SCHEMES:
        convert = LATIN_SCHEMES[noise]
        return replace(
            base,
            surname=convert(base.surname),
            given_name=convert(base.given_name),
            patronymic=convert(base.patronymic or ""),
        )
    if noise == "typo":
        if rng.random() < 0.3:
            return replace(base, given_name=_typo(rng, base.given_name))
        return replace(base, surname=_typo(rng, base.surname))
    if noise == "diminutive":
        forms = [d.form for d in diminutives() if d.key == person.given.key]
        return replace(base, given_name=rng.choice(forms)) if forms else base
    if noise == "dob_swapped" and dob.day is not None and dob.month is not None:
        if dob.day <= 12 and dob.day != dob.month:
            return replace(base, date_of_birth=PartialDate(dob.year, dob.day, dob.month))
        return base
    if noise == "dob_partial":
        partial = PartialDate(dob.year, dob.month) if rng.random() < 0.5 else PartialDate(dob.year)
        return replace(base, date_of_birth=partial)
    if noise == "dob_typo" and dob.day is not None:
        if rng.random() < 0.5:
            return replace(
                base, date_of_birth=PartialDate(dob.year + rng.choice((-1, 1)), dob.month, dob.day)
            )
        day = dob.day + 10 if dob.day <= 18 else dob.day - 10
        return replace(base, date_of_birth=PartialDate(dob.year, dob.month, day))
    if noise == "dob_missing":
        return replace(base, date_of_birth=None)
    if noise == "no_patronymic":
        return replace(base, patronymic=None)
    return base  # cyrillic_uk


def generate(n_requests: int, n_registry: int, seed: int = 7) -> SynthData:
    """A registry of ``n_registry`` records and ``n_requests`` noisy requests with the truth."""
    rng = random.Random(seed)
    names = [*given_names(), *_untabled_names()]
    surnames = _surnames()
    rng.shuffle(surnames)
    weights = [1.0 / (rank + 20) for rank in range(len(surnames))]
    people = [_person(rng, names, surnames, weights, i) for i in range(n_registry)]
    registry: list[PersonRecord] = []
    for i, person in enumerate(people):
        registry.append(write(person, f"REG{i:07d}", russian=rng.random() < 0.5))
    for j in range(int(n_registry * 0.03)):
        twin = people[rng.randrange(n_registry)]
        other = PartialDate(
            twin.dob.year + rng.choice((-3, -2, 2, 3)), rng.randint(1, 12), rng.randint(1, 28)
        )
        registry.append(write(replace(twin, dob=other, service_number=None, document_number=None),
                              f"NSK{j:07d}", russian=rng.random() < 0.5))  # fmt: skip
    requests: list[PersonRecord] = []
    truth: dict[str, str | None] = {}
    noise: dict[str, str] = {}
    present = rng.sample(range(n_registry), min(n_registry, int(n_requests * 0.85)))
    for k in range(n_requests):
        request_id = f"REQ{k:07d}"
        kind = NOISE_TYPES[k % len(NOISE_TYPES)]
        if k < len(present):
            index = present[k]
            person, record, target = people[index], registry[index], registry[index].record_id
        else:
            person = _person(rng, names, surnames, weights, 9_000_000 + k)
            record, target = write(person, request_id, russian=False), None
        noisy = add_noise(rng, person, record, kind)
        requests.append(replace(noisy, record_id=request_id))
        truth[request_id] = target
        noise[request_id] = kind
    rng.shuffle(requests)
    return SynthData(registry, requests, truth, noise)
