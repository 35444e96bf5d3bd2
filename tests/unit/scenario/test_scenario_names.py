"""Names as each side's clerks write them."""

from __future__ import annotations

import random

import pytest

from homeward.scenario.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    feminine_surname,
    is_famous,
    latin_ru,
    latin_uk,
    ru_patronymic,
    russify_surname,
    typo,
    uk_patronymic,
    ukrainize_surname,
)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Олександр", "Олександрович", "Олександрівна"),
        ("Андрій", "Андрійович", "Андріївна"),
        ("Дмитро", "Дмитрович", "Дмитрівна"),
        ("Василь", "Васильович", "Василівна"),
        ("Микола", "Миколайович", "Миколаївна"),
        ("Федір", "Федорович", "Федорівна"),
    ],
)
def test_ukrainian_patronymic_follows_the_fathers_name(
    father: str, son: str, daughter: str
) -> None:
    assert uk_patronymic(father, female=False) == son
    assert uk_patronymic(father, female=True) == daughter


@pytest.mark.parametrize(
    ("father", "son", "daughter"),
    [
        ("Александр", "Александрович", "Александровна"),
        ("Сергей", "Сергеевич", "Сергеевна"),
        ("Юрий", "Юрьевич", "Юрьевна"),
        ("Николай", "Николаевич", "Николаевна"),
        ("Игорь", "Игоревич", "Игоревна"),
        ("Илья", "Ильич", "Ильинична"),
    ],
)
def test_russian_patronymic_follows_the_fathers_name(father: str, son: str, daughter: str) -> None:
    assert ru_patronymic(father, female=False) == son
    assert ru_patronymic(father, female=True) == daughter


def test_ukrainian_given_names_have_their_russian_forms() -> None:
    forms = {name.uk: name.ru for name in MALE_NAMES + FEMALE_NAMES}
    assert forms["Олександр"] == "Александр"
    assert forms["Микола"] == "Николай"
    assert forms["Ганна"] == "Анна"


def test_russian_clerk_maps_ukrainian_letters_and_keeps_plain_surnames() -> None:
    assert russify_surname("Ковальчук") == "Ковальчук"
    assert russify_surname("Гайворонський") == "Гайворонский"
    assert russify_surname("Гаєвська") == "Гаевская"
    assert russify_surname("Ґалаґан") == "Галаган"


def test_ukrainian_clerk_maps_russian_letters() -> None:
    assert ukrainize_surname("Крылов") == "Крилов"
    assert ukrainize_surname("Иванов") == "Іванов"
    assert ukrainize_surname("Вознесенская") == "Вознесенська"


def test_women_of_a_family_bear_the_feminine_surname() -> None:
    assert feminine_surname("Кузнецов") == "Кузнецова"
    assert feminine_surname("Гаєвський") == "Гаєвська"
    assert feminine_surname("Ковальчук") == "Ковальчук"


def test_latin_transliteration_follows_each_languages_scheme() -> None:
    assert latin_uk("Олександр") == "Oleksandr"
    assert latin_ru("Александр") == "Aleksandr"


def test_a_typo_is_a_single_small_edit_and_keeps_the_first_letter() -> None:
    rng = random.Random(7)
    for _ in range(200):
        mistyped = typo("Ковальчук", rng)
        assert mistyped[0] == "К"
        assert 1 <= _edit_distance("Ковальчук", mistyped) <= 2  # a swap counts as two


def test_famous_surname_and_given_name_pairs_are_recognised_in_either_language() -> None:
    taras = next(n for n in MALE_NAMES if n.uk == "Тарас")
    dmitry = next(n for n in MALE_NAMES if n.ru == "Дмитрий")
    assert is_famous("Шевченко", taras)
    assert is_famous("Медведев", dmitry)
    assert not is_famous("Ковальчук", taras)
