"""Given names, patronymics and the ways clerks on each side write a name.

A person has one true name in their own language. A registry of the other side writes it
its own way: the Russian form of a Ukrainian given name (Олександр -> Александр), letters
mapped (і -> и), a Latin transliteration, or a typo. Everything here is pure and
deterministic given the ``random.Random`` passed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import iuliia
import translitua


@dataclass(frozen=True, slots=True)
class GivenName:
    """One given name in its Ukrainian and Russian forms, with a relative frequency."""

    uk: str
    ru: str
    weight: float


MALE_NAMES: tuple[GivenName, ...] = tuple(
    GivenName(uk, ru, w)
    for uk, ru, w in (
        ("Олександр", "Александр", 10),
        ("Сергій", "Сергей", 7),
        ("Андрій", "Андрей", 7),
        ("Володимир", "Владимир", 6),
        ("Дмитро", "Дмитрий", 6),
        ("Максим", "Максим", 5),
        ("Юрій", "Юрий", 5),
        ("Іван", "Иван", 5),
        ("Микола", "Николай", 5),
        ("Віталій", "Виталий", 4),
        ("Олег", "Олег", 4),
        ("Віктор", "Виктор", 4),
        ("Василь", "Василий", 4),
        ("Ігор", "Игорь", 4),
        ("Роман", "Роман", 4),
        ("Денис", "Денис", 4),
        ("Євген", "Евгений", 4),
        ("Богдан", "Богдан", 3),
        ("Павло", "Павел", 3),
        ("Руслан", "Руслан", 3),
        ("Артем", "Артем", 3),
        ("Михайло", "Михаил", 3),
        ("Олексій", "Алексей", 3),
        ("Владислав", "Владислав", 3),
        ("Вадим", "Вадим", 2),
        ("Петро", "Петр", 2),
        ("Анатолій", "Анатолий", 2),
        ("Валерій", "Валерий", 2),
        ("Ярослав", "Ярослав", 2),
        ("Тарас", "Тарас", 2),
        ("Назар", "Назар", 2),
        ("Костянтин", "Константин", 2),
        ("Вʼячеслав", "Вячеслав", 2),
        ("Данило", "Даниил", 2),
        ("Кирило", "Кирилл", 2),
        ("Антон", "Антон", 2),
        ("Микита", "Никита", 2),
        ("Степан", "Степан", 1),
        ("Григорій", "Григорий", 1),
        ("Станіслав", "Станислав", 1),
        ("Леонід", "Леонид", 1),
        ("Федір", "Федор", 1),
        ("Ілля", "Илья", 1),
        ("Геннадій", "Геннадий", 1),
        ("Борис", "Борис", 1),
        ("Ростислав", "Ростислав", 1),
        ("Тимофій", "Тимофей", 1),
        ("Матвій", "Матвей", 1),
        ("Едуард", "Эдуард", 1),
    )
)

FEMALE_NAMES: tuple[GivenName, ...] = tuple(
    GivenName(uk, ru, w)
    for uk, ru, w in (
        ("Олена", "Елена", 6),
        ("Наталія", "Наталья", 5),
        ("Ольга", "Ольга", 5),
        ("Тетяна", "Татьяна", 5),
        ("Ірина", "Ирина", 5),
        ("Світлана", "Светлана", 4),
        ("Юлія", "Юлия", 4),
        ("Марія", "Мария", 4),
        ("Оксана", "Оксана", 4),
        ("Катерина", "Екатерина", 4),
        ("Ганна", "Анна", 3),
        ("Людмила", "Людмила", 3),
        ("Вікторія", "Виктория", 3),
        ("Анастасія", "Анастасия", 3),
        ("Валентина", "Валентина", 2),
        ("Галина", "Галина", 2),
        ("Надія", "Надежда", 2),
        ("Любов", "Любовь", 2),
        ("Дарія", "Дарья", 2),
        ("Алла", "Алла", 1),
        ("Віра", "Вера", 1),
        ("Лариса", "Лариса", 1),
        ("Інна", "Инна", 1),
        ("Яна", "Яна", 1),
        ("Христина", "Кристина", 1),
        ("Софія", "София", 1),
    )
)

# Faker's surname lists hold some famous families; never pair them with the famous given
# name, so that no generated person is a well-known real one (Тарас Шевченко).
FAMOUS_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("Шевченко", "Тарас"),
        ("Шевченко", "Андрій"),
        ("Франко", "Іван"),
        ("Бандера", "Степан"),
        ("Ющенко", "Віктор"),
        ("Мазепа", "Іван"),
        ("Стус", "Василь"),
        ("Шухевич", "Роман"),
        ("Гоголь", "Микола"),
        ("Гоголь-Яновський", "Микола"),
        ("Свириденко", "Юлія"),
        ("Каденюк", "Леонід"),
        ("Медведев", "Дмитрий"),
        ("Герасимов", "Валерий"),
        ("Горбачев", "Михаил"),
        ("Королев", "Сергей"),
        ("Суворов", "Александр"),
        ("Павлов", "Иван"),
        ("Калашников", "Михаил"),
        ("Черненко", "Константин"),
    }
)


def is_famous(family: str, given: GivenName) -> bool:
    """Whether surname and given name (either language) would name a well-known person."""
    return (family, given.uk) in FAMOUS_PAIRS or (family, given.ru) in FAMOUS_PAIRS


_UK_PATRONYMIC_EXCEPTIONS = {
    "Микола": ("Миколайович", "Миколаївна"),
    "Ілля": ("Ілліч", "Іллівна"),
    "Федір": ("Федорович", "Федорівна"),
    "Микита": ("Микитович", "Микитівна"),
}
_RU_PATRONYMIC_EXCEPTIONS = {
    "Илья": ("Ильич", "Ильинична"),
    "Петр": ("Петрович", "Петровна"),
    "Павел": ("Павлович", "Павловна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Никита": ("Никитич", "Никитична"),
}


def uk_patronymic(father: str, female: bool) -> str:
    """Ukrainian patronymic from the father's Ukrainian name: Андрій -> Андрійович."""
    if father in _UK_PATRONYMIC_EXCEPTIONS:
        return _UK_PATRONYMIC_EXCEPTIONS[father][female]
    if father.endswith("ій"):
        return father[:-2] + ("іївна" if female else "ійович")
    if father.endswith("о"):
        return father[:-1] + ("івна" if female else "ович")
    if father.endswith("ь"):
        return father[:-1] + ("івна" if female else "ьович")
    return father + ("івна" if female else "ович")


def ru_patronymic(father: str, female: bool) -> str:
    """Russian patronymic from the father's Russian name: Сергей -> Сергеевич."""
    if father in _RU_PATRONYMIC_EXCEPTIONS:
        return _RU_PATRONYMIC_EXCEPTIONS[father][female]
    for ending, male_form, female_form in (
        ("ей", "еевич", "еевна"),
        ("ий", "ьевич", "ьевна"),
        ("ай", "аевич", "аевна"),
        ("ь", "евич", "евна"),
    ):
        if father.endswith(ending):
            stem = father[: -len(ending)]
            return stem + (female_form if female else male_form)
    return father + ("овна" if female else "ович")


_UK_TO_RU_LETTERS = str.maketrans(
    {"і": "и", "І": "И", "ї": "и", "Ї": "И", "є": "е", "Є": "Е", "ґ": "г", "Ґ": "Г"}
)
_RU_TO_UK_LETTERS = str.maketrans({"ы": "и", "э": "е", "Э": "Е", "ё": "е", "Ё": "Е", "ъ": "ʼ"})
_APOSTROPHES = ("ʼ", "'", "’")


def russify_surname(surname: str) -> str:
    """A Ukrainian surname as a Russian clerk writes it: Гайворонський -> Гайворонский."""
    text = surname
    for uk, ru in (
        ("ський", "ский"),
        ("цький", "цкий"),
        ("ська", "ская"),
        ("цька", "цкая"),
    ):
        if text.endswith(uk):
            text = text[: -len(uk)] + ru
            break
    for mark in _APOSTROPHES:
        text = text.replace(mark, "ь")
    return text.translate(_UK_TO_RU_LETTERS)


def ukrainize_surname(surname: str) -> str:
    """A Russian surname as a Ukrainian clerk writes it: Крылов -> Крилов, Иванов -> Іванов."""
    text = surname.translate(_RU_TO_UK_LETTERS)
    if text.startswith("И"):
        text = "І" + text[1:]
    for ru, uk in (
        ("ская", "ська"),
        ("цкая", "цька"),
        ("ский", "ський"),
        ("цкий", "цький"),
    ):
        if text.endswith(ru):
            return text[: -len(ru)] + uk
    return text


_FEMININE_ENDINGS = (
    ("ський", "ська"),
    ("цький", "цька"),
    ("ский", "ская"),
    ("цкий", "цкая"),
    ("ской", "ская"),
    ("ий", "а"),
    ("ый", "ая"),
    ("ов", "ова"),
    ("ев", "ева"),
    ("ёв", "ёва"),
    ("ин", "ина"),
    ("ын", "ына"),
)


def feminine_surname(surname: str) -> str:
    """The form a woman of the family bears: Кузнецов -> Кузнецова, Гаєвський -> Гаєвська.

    Surnames that do not change (Ковальчук, Шевченко) come back as they are.
    """
    for male, female in _FEMININE_ENDINGS:
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def latin_uk(text: str) -> str:
    """Ukrainian Cyrillic in the national (2010) Latin transliteration: Олександр -> Oleksandr."""
    return str(translitua.translit(text))


def latin_ru(text: str) -> str:
    """Russian Cyrillic in the ICAO passport transliteration: Александр -> Aleksandr."""
    return str(iuliia.ICAO_DOC_9303.translate(text))


_CONFUSABLE = {
    "е": "є",
    "є": "е",
    "и": "і",
    "і": "и",
    "ы": "и",
    "о": "а",
    "а": "о",
    "ц": "с",
    "с": "з",
    "e": "i",
    "i": "y",
    "y": "i",
    "o": "a",
    "a": "o",
}


def typo(text: str, rng: random.Random) -> str:
    """One keying or hearing error: a letter dropped, doubled, swapped or misheard."""
    if len(text) < 3:
        return text
    at = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:at] + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at] + text[at:]
    if kind == 2:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    for offset in range(len(text) - 1):
        i = 1 + (at - 1 + offset) % (len(text) - 1)
        swap = _CONFUSABLE.get(text[i])
        if swap:
            return text[:i] + swap + text[i + 1 :]
    return text[:at] + text[at + 1 :]
