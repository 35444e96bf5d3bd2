"""Names in the order a Ukrainian or Russian reader expects."""

from __future__ import annotations

from homeward.domain.collation import name_sort_key, person_sort_key

UKRAINIAN = list("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ")


def test_the_ukrainian_alphabet_sorts_in_its_own_order() -> None:
    names = [f"{letter}ова" for letter in UKRAINIAN]
    shuffled = names[1::2] + names[::2]
    assert shuffled != names
    assert sorted(shuffled, key=name_sort_key) == names


def test_code_point_order_would_be_wrong_and_the_collation_is_not() -> None:
    names = ["Єрмак", "Іваненко", "Андрієнко", "Їжак"]
    assert sorted(names) != ["Андрієнко", "Єрмак", "Іваненко", "Їжак"]
    assert sorted(names, key=name_sort_key) == ["Андрієнко", "Єрмак", "Іваненко", "Їжак"]


def test_russian_names_keep_the_russian_order_with_yo_filed_under_ye() -> None:
    names = ["Яковлев", "Эрдман", "Ёлкин", "Ершов", "Щукин", "Ильин"]
    assert sorted(names, key=name_sort_key) == [
        "Ёлкин",
        "Ершов",
        "Ильин",
        "Щукин",
        "Эрдман",
        "Яковлев",
    ]


def test_latin_names_come_after_cyrillic_and_case_does_not_split_them() -> None:
    names = ["smith", "Adams", "Яковенко", "Smith", "Андрієнко"]
    assert sorted(names, key=name_sort_key) == ["Андрієнко", "Яковенко", "Adams", "smith", "Smith"]


def test_a_shorter_surname_sorts_before_a_longer_one_with_the_same_start() -> None:
    assert person_sort_key("Ко", "Іван", None) < person_sort_key("Коваль", "Андрій", None)
