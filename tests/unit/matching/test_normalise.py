"""Whole-name normalisation: script, language, display form, features for the engine."""

import pytest

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, Sex
from homeward.matching.normalise import (
    could_be_swapped,
    detect_language,
    display_latin,
    match_features,
    normalise_name,
    swap_names,
)


def test_ukrainian_is_shown_in_kmu_2010() -> None:
    name = normalise_name("Олександр Щербина")
    assert name.language == "uk"
    assert name.display == "Oleksandr Shcherbyna"


def test_russian_is_shown_by_iuliia() -> None:
    name = normalise_name("Николай Ёлкин")
    assert name.language == "ru"
    assert name.display.startswith("Nikolay")


def test_language_comes_from_letters_then_from_the_tables() -> None:
    assert detect_language("Марія") == "uk"
    assert detect_language("Эдуард") == "ru"
    assert detect_language("Владимир") == "ru"
    assert detect_language("Oleksandr") is None


def test_latin_spellings_are_shown_as_written() -> None:
    assert display_latin("Schewtschenko", None) == "Schewtschenko"


def test_the_original_spelling_is_kept() -> None:
    assert normalise_name("Марʼяна").original == "Марʼяна"


def test_mixed_script_is_displayed_after_the_lookalike_fix() -> None:
    assert normalise_name("Oлена").display == "Olena"


def test_features_hold_keys_dates_and_codes() -> None:
    record = PersonRecord(
        record_id="R1", surname="Петрова", given_name="Саша", patronymic="Миколаївна",
        sex=Sex.FEMALE, date_of_birth=PartialDate(1990, 4, 3), service_number="ab-123 456",
        document_number=" тт 0001 ",
    )  # fmt: skip
    f = match_features(record)
    assert (f.surname_key, f.given_key, f.patronymic_key) == (
        "petrov",
        "OLEKSANDRA",
        "MYKOLA",
    )
    assert (f.dob, f.dob_y, f.dob_m, f.dob_d) == ("1990-04-03", 1990, 4, 3)
    assert f.service_number == "AB123456"
    assert f.document_number == "TT0001"
    assert f.flags == ""


def test_a_partial_birth_date_keeps_what_is_known() -> None:
    f = match_features(PersonRecord("R2", "Ivanov", "Ivan", date_of_birth=PartialDate(1988, 7)))
    assert (f.dob, f.dob_y, f.dob_m, f.dob_d) == (None, 1988, 7, None)


def test_a_name_in_an_uncovered_script_is_flagged_not_a_crash() -> None:
    f = match_features(PersonRecord("R3", "ბერიძე", "გიორგი"))
    assert "uncovered_script" in f.flags
    assert f.surname_key


@pytest.mark.parametrize(
    "unit", ["в/ч А1234", "v/ch A1234", "ВЧ А1234", "А1234", "military unit A1234",
             "військова частина А1234", "V/Ch A1234"],
)  # fmt: skip
def test_a_unit_is_read_by_its_number_whatever_words_introduce_it(unit: str) -> None:
    assert match_features(PersonRecord("R1", "Іваненко", "Іван", unit=unit)).unit == "A1234"


def test_service_numbers_in_either_script_give_one_ascii_code() -> None:
    cyrillic = match_features(PersonRecord("R1", "Іваненко", "Іван", service_number="Ч-123 456"))
    latin = match_features(PersonRecord("R1", "Іваненко", "Іван", service_number="CH123456"))
    assert cyrillic.service_number == latin.service_number == "CH123456"


def test_swapping_the_names_gives_the_keys_of_the_straight_record() -> None:
    straight = match_features(PersonRecord("R1", "Шевченко", "Олександр", sex=Sex.MALE))
    asked = match_features(PersonRecord("Q1", "Олександр", "Шевченко", sex=Sex.MALE))
    assert could_be_swapped(asked)
    swapped = swap_names(asked, "Q1~")
    assert (swapped.surname_key, swapped.given_key) == (straight.surname_key, straight.given_key)
    assert swapped.unique_id == "Q1~"
    assert "names_swapped" in swapped.flags


def test_a_latin_name_with_a_stray_cyrillic_letter_stays_latin() -> None:
    assert match_features(PersonRecord("Q1", "Kopыlov", "Vadym")).surname_key == (
        match_features(PersonRecord("R1", "Копылов", "Вадим")).surname_key
    )
