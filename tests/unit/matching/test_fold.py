"""Folding: every scheme's spelling of one name reaches one key."""

import pytest

from homeward.matching.fold import detect_script, fix_lookalikes, fold, phonetic

SHEVCHENKO = [
    "Шевченко",  # Cyrillic
    "Shevchenko",  # KMU 2010, BGN/PCGN, ICAO
    "Ševčenko",  # Czech / scholarly
    "Schewtschenko",  # German
    "Chevtchenko",  # French
    "Szewczenko",  # Polish
    "SHEVCHENKO",  # passport capitals
]


@pytest.mark.parametrize("spelling", SHEVCHENKO)
def test_every_scheme_spelling_of_shevchenko_folds_to_one_key(spelling: str) -> None:
    assert fold(spelling) == fold("Шевченко")


@pytest.mark.parametrize(
    "spelling", ["Щербина", "Shcherbyna", "Schtscherbyna", "Chtcherbina", "Szczerbyna"]
)
def test_shch_in_every_scheme_folds_alike(spelling: str) -> None:
    assert fold(spelling) == fold("Щербина")


@pytest.mark.parametrize(
    "spelling", ["Ковальчук", "Kovalchuk", "Kowaltschuk", "Kovaltchouk", "Kowalczuk"]
)
def test_ch_in_every_scheme_folds_alike(spelling: str) -> None:
    assert fold(spelling) == fold("Ковальчук")


@pytest.mark.parametrize("spelling", ["Юрій", "Юрий", "Yurii", "Yuriy", "Iurii", "Jurij", "Iouri"])
def test_iotated_vowels_and_final_i_fold_alike(spelling: str) -> None:
    assert fold(spelling) == "iuri"


@pytest.mark.parametrize(
    "spelling", ["Мар'яна", "Марʼяна", "Мар’яна", "Марьяна", "Maryana", "Mariana"]
)
def test_apostrophe_variants_and_soft_sign_fold_alike(spelling: str) -> None:
    assert fold(spelling) == "mariana"


@pytest.mark.parametrize("spelling", ["Михайло", "Mykhailo", "Mychajlo", "Michail", "Mikhail"])
def test_kh_h_and_ch_for_kha_fold_alike(spelling: str) -> None:
    assert fold(spelling).startswith("mixai")


def test_ukrainian_h_and_russian_g_fold_alike() -> None:
    assert fold("Hryhorenko") == fold("Grigorenko") == fold("Григоренко")


def test_german_z_and_polish_c_for_tse_fold_alike() -> None:
    assert fold("Tsybulko") == fold("Zybulko") == fold("Цибулько")


def test_double_surname_keeps_its_words_apart() -> None:
    assert fold("Іваненко-Петренко") == "ivanenko petrenko"


def test_latin_lookalike_letters_inside_a_cyrillic_word_are_read_as_cyrillic() -> None:
    mixed = "Oлeкcaндp"  # O, e, c, a, p are Latin
    assert detect_script(mixed) == "mixed"
    assert fix_lookalikes(mixed) == "Олександр"
    assert fold(mixed) == fold("Олександр")


def test_latin_words_are_left_alone_by_the_lookalike_fix() -> None:
    assert fix_lookalikes("Oleksandr Петренко") == "Oleksandr Петренко"


def test_scripts_are_detected() -> None:
    assert detect_script("Олена") == "cyrillic"
    assert detect_script("Olena") == "latin"
    assert detect_script("ოლენა") == "other"
    assert detect_script(" - ") == "empty"


def test_an_uncovered_script_still_folds_to_something_comparable() -> None:
    assert fold("ოლენა") == fold("ოლენა") != ""


def test_phonetic_key_keeps_the_first_letter_and_consonants() -> None:
    assert phonetic(fold("Шевченко")) == "xvxnk"
    assert phonetic(fold("Shevchenko")) == phonetic(fold("Shevchanko"))
    assert phonetic("") == ""


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Kuzjmyn", "Кузьмин"),
        ("Romanecj", "Романець"),
        ("PRYKHODJKO", "Приходько"),
        ("Kovalj", "Коваль"),
    ],
)
def test_a_soft_sign_written_j_after_a_consonant_is_silent(latin: str, cyrillic: str) -> None:
    assert fold(latin) == fold(cyrillic)


def test_a_j_before_a_vowel_still_stands_for_the_iotated_vowel() -> None:
    assert fold("Ljudmyla") == fold("Людмила")


@pytest.mark.parametrize(
    ("latin", "cyrillic"), [("Myxaljuk", "Михалюк"), ("Tverdoxlib", "Твердохліб")]
)
def test_x_for_kha_folds_like_kha(latin: str, cyrillic: str) -> None:
    assert fold(latin) == fold(cyrillic)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Vorontcov", "Воронцов"), ("Gzhitckii", "Гжицький"), ("Gžic'kij", "Гжицький")],
)
def test_tse_written_tc_or_before_k_folds_like_tse(latin: str, cyrillic: str) -> None:
    assert fold(latin) == fold(cyrillic)


@pytest.mark.parametrize("spelling", ["Andriyenko", "Андрієнко", "Андриенко"])
def test_a_doubled_i_before_e_folds_like_one(spelling: str) -> None:
    assert fold(spelling) == fold("Андриенко")
