"""Compound noise: requests that carry several things wrong at once, as real ones do.

``generate(n_requests, n_registry, seed)`` builds a registry in Ukrainian and Russian
Cyrillic and a request list in which every request draws each kind of noise independently
at the rate in ``RATES`` (so a request may be in Latin by the Polish convention, with a
diminutive given name, the names in each other's columns and the birth year one off). The
registry itself is partial in places and holds namesakes and twins. ``SynthData.noise`` maps
each request to the kinds it carries, separated by ``+``; ``KINDS`` lists them all.

People come from the given-name tables and Faker's uk_UA / ru_RU surname lists (never real
people), through ``homeward.matching.synth``. Tuning (the shipped model and the default
thresholds) uses ``TUNING_SEEDS`` only; the benchmark refuses those seeds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import iuliia  # type: ignore[import-untyped,unused-ignore]
import translitua as tu

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate
from homeward.matching import synth
from homeward.matching.synth import Person, SynthData, _by_table
from homeward.matching.tables import GivenName, diminutives, given_names

TUNING_SEEDS: tuple[int, ...] = (101, 102, 103)

# Per present request, each drawn independently (the date kinds exclusively, in this order).
RATES: dict[str, float] = {
    "names_swapped": 0.05,
    "surname_typo": 0.08,
    "given_typo": 0.05,
    "diminutive": 0.12,
    "no_patronymic": 0.20,
    "dob_digit": 0.03,
    "dob_day_month": 0.02,
    "dob_year_off": 0.03,
    "dob_year_only": 0.03,
    "dob_year_month": 0.03,
    "dob_missing": 0.03,
    "apostrophe": 0.60,  # of requests whose names hold an apostrophe
    "lookalikes": 0.06,  # of Cyrillic requests
    "upper_case": 0.15,
    "stray_spaces": 0.06,
    "code_latin": 0.50,  # of requests that give a service number or unit
    "code_wrong": 0.05,
}
SCRIPTS: dict[str, float] = {"cyrillic_uk": 0.35, "cyrillic_ru": 0.15, "latin_uk": 0.35}
# the rest (0.15) is latin_ru: the Russian forms of the names in a Latin scheme
DATE_KINDS = ("dob_digit", "dob_day_month", "dob_year_off", "dob_year_only",
              "dob_year_month", "dob_missing")  # fmt: skip
REGISTRY_KINDS = ("registry_partial", "registry_namesake")
KINDS: tuple[str, ...] = (
    *SCRIPTS, "latin_ru", *RATES, *REGISTRY_KINDS,
)  # fmt: skip


def _tu(scheme: type[tu.TransliterationTable]) -> Callable[[str], str]:
    return lambda text: str(tu.translit(text, scheme))


def _iu(scheme: object) -> Callable[[str], str]:
    return lambda text: str(scheme.translate(text))  # type: ignore[attr-defined]


UK_SCHEMES: dict[str, Callable[[str], str]] = {
    name: _tu(getattr(tu, f"Ukrainian{name}"))
    for name in (
        "KMU",
        "BGN",
        "BGN2019",
        "British",
        "ALALC",
        "GOST1971",
        "GOST1986",
        "German",
        "French",
        "ISO9",
        "National1996",
        "Passport2004Alt",
        "Passport2007",
        "Simple",
        "UNGEGN",
        "WWS",
        "DSTU9112A",
        "DSTU9112B",
    )
}
UK_SCHEMES["Polish"] = _by_table(synth._POLISH)
UK_SCHEMES["Czech"] = _by_table(synth._CZECH)
RU_SCHEMES: dict[str, Callable[[str], str]] = {
    name: _iu(getattr(iuliia, name))
    for name in (
        "WIKIPEDIA",
        "ICAO_DOC_9303",
        "MVD_782",
        "MVD_310",
        "BGN_PCGN",
        "GOST_779",
        "GOST_52535",
        "SCIENTIFIC",
        "TELEGRAM",
        "YANDEX_MAPS",
        "BS_2979",
    )
}
RU_SCHEMES |= {
    "RussianInternationalPassport": _tu(tu.RussianInternationalPassport),
    "RussianDriverLicense": _tu(tu.RussianDriverLicense),
    "RussianSimple": _tu(tu.RussianSimple),
}

_RUSSIFY = str.maketrans({"і": "и", "ї": "йи", "є": "е", "ґ": "г", "І": "И", "Ї": "Йи",
                          "Є": "Е", "Ґ": "Г", "'": "ь", "’": "ь", "ʼ": "ь"})  # fmt: skip
_APOSTROPHES = ("ʼ", "'", "’", "`", "ь", "")
_LOOKALIKE = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
              "А": "A", "Е": "E", "О": "O", "Р": "P", "С": "C", "Т": "T", "Н": "H", "К": "K",
              "М": "M", "В": "B", "Х": "X", "І": "I"}  # fmt: skip
_CODE_LATIN = str.maketrans({"А": "A", "В": "B", "К": "K", "М": "M", "Е": "E", "Н": "H",
                             "О": "O"})  # fmt: skip
_UNIT_FORMS = ("в/ч {}", "{}", "військова частина {}", "в/ч {}", "ВЧ {}")
_UNIT_FORMS_LATIN = ("v/ch {}", "{}", "military unit {}", "V/Ch {}", "unit {}")


def russify(surname: str) -> str:
    """A Ukrainian surname as a Russian clerk writes it (Ігнатенко -> Игнатенко)."""
    return surname.translate(_RUSSIFY)


def _write(person: Person, record_id: str, russian: bool) -> PersonRecord:
    record = synth.write(person, record_id, russian=russian)
    if russian:
        record = replace(record, surname=russify(record.surname))
    return replace(record, unit=f"в/ч {person.unit[-5:]}" if person.unit else None)


def _partial_registry(rng: random.Random, record: PersonRecord) -> tuple[PersonRecord, bool]:
    """Registry records that are themselves incomplete (about 12% of them)."""
    dob = record.date_of_birth
    roll = rng.random()
    if roll < 0.05:
        return replace(record, patronymic=None), True
    if roll < 0.08 and dob is not None:
        return replace(record, date_of_birth=PartialDate(dob.year)), True
    if roll < 0.10 and dob is not None:
        return replace(record, date_of_birth=PartialDate(dob.year, dob.month)), True
    if roll < 0.12:
        return replace(record, date_of_birth=None), True
    return record, False


def _typo(rng: random.Random, text: str) -> str:
    """One letter deleted, doubled, replaced or two neighbours transposed (never the first)."""
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    letters = "аеиоуклмнрстві" if any("а" <= c <= "я" for c in text.lower()) else "aeioklmnrst"
    return text[:i] + rng.choice(letters) + text[i + 1 :]


def _wrong_digit(rng: random.Random, dob: PartialDate) -> PartialDate:
    """One digit of YYYYMMDD (not the century) changed, still a real date."""
    assert dob.month is not None
    assert dob.day is not None
    digits = f"{dob.year:04d}{dob.month:02d}{dob.day:02d}"
    for _ in range(50):
        i = rng.choice((2, 3, 5, 6, 7))
        new = digits[:i] + rng.choice([d for d in "0123456789" if d != digits[i]]) + digits[i + 1 :]
        try:
            return PartialDate(int(new[:4]), int(new[4:6]), int(new[6:]))
        except ValueError:
            continue
    return PartialDate(dob.year + 1, dob.month, dob.day)


def _date(rng: random.Random, dob: PartialDate, kind: str) -> PartialDate | None:
    assert dob.month is not None
    assert dob.day is not None
    if kind == "dob_digit":
        return _wrong_digit(rng, dob)
    if kind == "dob_day_month":
        return PartialDate(dob.year, dob.day, dob.month)
    if kind == "dob_year_off":
        return PartialDate(dob.year + rng.choice((-1, 1)), dob.month, dob.day)
    if kind == "dob_year_only":
        return PartialDate(dob.year)
    if kind == "dob_year_month":
        return PartialDate(dob.year, dob.month)
    return None  # dob_missing


def _spaces(rng: random.Random, text: str) -> str:
    if not text:
        return text
    return rng.choice((" {} ", "{}  ", "  {}", "{} ")).format(text.replace(" ", "  "))


def _lookalikes(rng: random.Random, text: str) -> str:
    return "".join(_LOOKALIKE[c] if c in _LOOKALIKE and rng.random() < 0.4 else c for c in text)


def _codes(
    rng: random.Random, person: Person, kinds: list[str]
) -> tuple[str | None, str | None, str | None]:
    """Service number (30%), unit (25%) and document number (10%) when the request gives them."""
    number = person.service_number if rng.random() < 0.3 else None
    unit = person.unit[-5:] if person.unit and rng.random() < 0.25 else None
    document = person.document_number if rng.random() < 0.1 else None
    if not (number or unit):
        return number, unit, document
    if rng.random() < RATES["code_wrong"]:
        kinds.append("code_wrong")
        if number:
            number = number[:-1] + str((int(number[-1]) + 1) % 10)
        if unit:
            unit = unit[:-1] + str((int(unit[-1]) + 3) % 10)
    latin = rng.random() < RATES["code_latin"]
    if latin:
        kinds.append("code_latin")
        number = number.translate(_CODE_LATIN) if number else None
    if unit:
        forms = _UNIT_FORMS_LATIN if latin else _UNIT_FORMS
        unit = rng.choice(forms).format(unit.translate(_CODE_LATIN) if latin else unit)
    return number, unit, document


def _request(
    rng: random.Random, person: Person, record_id: str, rates: dict[str, float]
) -> tuple[PersonRecord, list[str]]:
    """One request for ``person`` with its compound noise, and the kinds it carries."""
    kinds: list[str] = []
    roll, script = rng.random(), "latin_ru"
    for name, share in SCRIPTS.items():
        if roll < share:
            script = name
            break
        roll -= share
    kinds.append(script)
    russian = script.endswith("_ru")
    record = _write(person, record_id, russian)
    given = record.given_name
    if rng.random() < rates["diminutive"]:
        forms = [d.form for d in diminutives() if d.key == person.given.key]
        if forms:
            given = rng.choice(forms)
            kinds.append("diminutive")
    surname, patronymic = record.surname, record.patronymic
    if rng.random() < rates["surname_typo"]:
        surname = _typo(rng, surname)
        kinds.append("surname_typo")
    if rng.random() < rates["given_typo"]:
        given = _typo(rng, given)
        kinds.append("given_typo")
    if rng.random() < rates["no_patronymic"]:
        patronymic = None
        kinds.append("no_patronymic")
    dob: PartialDate | None = person.dob
    roll = rng.random()
    for kind in DATE_KINDS:
        if roll < rates[kind]:
            if kind == "dob_day_month" and (person.dob.day or 13) > 12:
                break
            dob = _date(rng, person.dob, kind)
            kinds.append(kind)
            break
        roll -= rates[kind]
    names = [surname, given, patronymic or ""]
    if any(m in n for n in names for m in "'’ʼ") and rng.random() < rates["apostrophe"]:
        mark = rng.choice(_APOSTROPHES)
        names = [n.replace("'", mark).replace("’", mark).replace("ʼ", mark) for n in names]
        kinds.append("apostrophe")
    if script.startswith("latin"):
        scheme = rng.choice(list((RU_SCHEMES if russian else UK_SCHEMES).values()))
        names = [scheme(n) for n in names]
    elif rng.random() < rates["lookalikes"]:
        names = [_lookalikes(rng, n) for n in names]
        kinds.append("lookalikes")
    if rng.random() < rates["upper_case"]:
        names = [n.upper() for n in names]
        kinds.append("upper_case")
    if rng.random() < rates["stray_spaces"]:
        names = [_spaces(rng, n) for n in names]
        kinds.append("stray_spaces")
    if rng.random() < rates["names_swapped"]:
        names[0], names[1] = names[1], names[0]
        kinds.append("names_swapped")
    number, unit, document = _codes(rng, person, kinds)
    request = replace(
        record,
        surname=names[0],
        given_name=names[1],
        patronymic=names[2] or None,
        date_of_birth=dob,
        service_number=number,
        unit=unit,
        document_number=document,
    )
    return request, kinds


def _kin(rng: random.Random, person: Person, names: list[GivenName]) -> Person:
    """A namesake (same names, another birth date) or a twin (same all but the given name)."""
    if rng.random() < 0.5:
        other = PartialDate(person.dob.year + rng.choice((-3, -2, 2, 3, 5)), rng.randint(1, 12),
                            rng.randint(1, 28))  # fmt: skip
        unit = f"в/ч А{rng.randint(1000, 9999)}" if person.unit else None
        return replace(person, dob=other, unit=unit, service_number=None, document_number=None)
    pool = [n for n in names if n.sex == person.sex.value and n.key != person.given.key]
    return replace(person, given=rng.choice(pool), service_number=None, document_number=None)


def generate(
    n_requests: int, n_registry: int, seed: int, rates: dict[str, float] | None = None
) -> SynthData:
    """``n_registry`` people (plus 4% namesakes and twins) and ``n_requests`` noisy requests,
    85% of them for people in the registry and 3% for a registry person's unlisted kin.
    ``rates`` overrides some of ``RATES`` (training leaves swaps to the engine)."""
    rates = {**RATES, **(rates or {})}
    rng = random.Random(seed)
    names = [*given_names(), *synth._untabled_names()]
    surnames = synth._surnames()
    rng.shuffle(surnames)
    weights = [1.0 / (rank + 20) for rank in range(len(surnames))]
    people = [synth._person(rng, names, surnames, weights, i) for i in range(n_registry)]
    registry: list[PersonRecord] = []
    partial: set[str] = set()
    for i, person in enumerate(people):
        record, is_partial = _partial_registry(
            rng, _write(person, f"REG{i:07d}", rng.random() < 0.5)
        )
        registry.append(record)
        if is_partial:
            partial.add(record.record_id)
    with_kin: set[int] = set()
    for j in range(int(n_registry * 0.04)):
        index = rng.randrange(n_registry)
        with_kin.add(index)
        kin = _kin(rng, people[index], names)
        registry.append(_write(kin, f"KIN{j:07d}", rng.random() < 0.5))
    requests: list[PersonRecord] = []
    truth: dict[str, str | None] = {}
    noise: dict[str, str] = {}
    present = rng.sample(range(n_registry), min(n_registry, int(n_requests * 0.85)))
    for k in range(n_requests):
        request_id = f"REQ{k:07d}"
        target: str | None = None
        extra: list[str] = []
        if k < len(present):
            index = present[k]
            person, target = people[index], registry[index].record_id
            extra += ["registry_partial"] if target in partial else []
            extra += ["registry_namesake"] if index in with_kin else []
        elif rng.random() < 0.2 and people:
            person = _kin(rng, people[rng.randrange(n_registry)], names)
        else:
            person = synth._person(rng, names, surnames, weights, 9_000_000 + k)
        request, kinds = _request(rng, person, request_id, rates)
        requests.append(request)
        truth[request_id] = target
        noise[request_id] = "+".join([*kinds, *extra])
    rng.shuffle(requests)
    return SynthData(registry, requests, truth, noise)
