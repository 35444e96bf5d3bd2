"""Name tables: given names across languages, diminutives, patronymics, surnames."""

import pytest

from homeward.matching.names import (
    given_key,
    in_given_tables,
    patronymic_key,
    surname_key,
)
from homeward.matching.tables import diminutives, given_names, read_table


@pytest.mark.parametrize(
    "spelling",
    [
        "Олександр",
        "Александр",
        "Oleksandr",
        "Aleksandr",
        "Alexander",
        "Olexandr",
        "Oleksander",
    ],
)
def test_oleksandr_in_both_languages_and_latin_spellings_has_one_key(
    spelling: str,
) -> None:
    assert given_key(spelling) == "OLEKSANDR"


@pytest.mark.parametrize(
    ("ukrainian", "russian"),
    [("Микола", "Николай"), ("Олексій", "Алексей"), ("Володимир", "Владимир"),
     ("Григорій", "Григорий"), ("Тетяна", "Татьяна"), ("Олена", "Елена"), ("Надія", "Надежда"),
     ("Дмитро", "Дмитрий"), ("Євген", "Евгений"), ("Павло", "Павел")],
)  # fmt: skip
def test_ukrainian_and_russian_forms_share_a_key(ukrainian: str, russian: str) -> None:
    assert given_key(ukrainian) == given_key(russian)


@pytest.mark.parametrize(
    ("diminutive", "sex", "key"),
    [("Саша", "M", "OLEKSANDR"), ("Саша", "F", "OLEKSANDRA"), ("Коля", "M", "MYKOLA"),
     ("Женя", "M", "YEVHEN"), ("Женя", "F", "YEVHENIIA"), ("Вова", None, "VOLODYMYR"),
     ("Kolia", "M", "MYKOLA"), ("Sascha", "M", "OLEKSANDR"), ("Lena", "F", "OLENA")],
)  # fmt: skip
def test_diminutives_reach_the_full_name_with_sex_deciding_shared_forms(
    diminutive: str, sex: str | None, key: str
) -> None:
    assert given_key(diminutive, sex) == key


@pytest.mark.parametrize(
    "spelling",
    ["Миколайович", "Миколаївна", "Николаевич", "Николаевна", "Mykolaiovych", "Nikolaevich",
     "Nikolajewitsch"],
)  # fmt: skip
def test_patronymics_of_both_languages_and_sexes_point_to_the_father(
    spelling: str,
) -> None:
    assert patronymic_key(spelling) == "MYKOLA"


def test_irregular_patronymics_from_the_table() -> None:
    assert patronymic_key("Ілліч") == patronymic_key("Ильич") == "ILLIA"
    assert patronymic_key("Яковлевич") == patronymic_key("Якович") == "YAKIV"


def test_an_unlisted_patronymic_falls_back_to_its_stem() -> None:
    assert patronymic_key("Ааронович") == patronymic_key("Aaronovych")


def test_an_empty_patronymic_has_an_empty_key() -> None:
    assert patronymic_key("") == ""


@pytest.mark.parametrize(
    ("female", "male"),
    [("Петрова", "Петров"), ("Ivanova", "Ivanov"), ("Лебедева", "Лебедев"),
     ("Фомина", "Фомин"), ("Ковальська", "Ковальський"), ("Kowalska", "Kowalski"),
     ("Вишневская", "Вишневский")],
)  # fmt: skip
def test_female_surname_forms_fold_to_the_male_form(female: str, male: str) -> None:
    assert surname_key(female) == surname_key(male)


def test_ukrainian_surnames_that_do_not_change_keep_their_form() -> None:
    assert surname_key("Шевченко") == "xevxenko"
    assert surname_key("Ковальчук") == surname_key("Kowalczuk")


def test_an_unknown_given_name_keeps_its_fold_and_is_not_in_the_tables() -> None:
    assert given_key("Zbigniew") == "sbixnev"
    assert not in_given_tables("Zbigniew")
    assert in_given_tables("Николай")


def test_tables_name_their_sources_and_have_no_dangling_keys() -> None:
    keys = {n.key for n in given_names()}
    assert len(keys) == len(given_names())
    assert all(d.key in keys for d in diminutives())
    assert all(r["key"] in keys for r in read_table("western_forms.csv"))


def test_every_male_name_has_all_four_patronymics() -> None:
    for name in given_names():
        assert len(name.patronymics) == (4 if name.sex == "M" else 0), name.key


def test_a_latin_x_reads_as_ks_when_the_name_is_not_found_as_kha() -> None:
    assert given_key("Maxym") == given_key("Максим")


def test_a_latin_x_for_kha_in_a_given_name_still_finds_the_name() -> None:
    assert given_key("Myxajlo") == given_key("Михайло")
