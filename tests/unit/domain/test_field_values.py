"""One mapping of enumerated values in Ukrainian, Russian and English."""

from __future__ import annotations

import pytest

from homeward.domain.field_values import ENUMERATED_FIELDS, accepted_values, canonical_value
from homeward.domain.validation import parse_person_row
from homeward.domain.values import Category, Health, LegalStatus, Sex

KINDS = {"sex": Sex, "status": LegalStatus, "category": Category, "health": Health}


@pytest.mark.parametrize(
    ("field", "text", "canonical"),
    [
        ("status", "військовополонений", "pow"),
        ("status", "Полонений", "pow"),
        ("status", "ЗНИКЛИЙ  БЕЗВІСТИ", "missing"),
        ("status", "военнопленный", "pow"),
        ("status", "Пропавший без вести", "missing"),
        ("status", "пропавшій без вести", None),  # a mixed spelling is not guessed
        ("status", "civilian_internee", "civilian_internee"),
        ("status", "Civilian internee", "civilian_internee"),
        ("category", "цивільний", "civilian"),
        ("category", "військовий", "military"),
        ("category", "гражданский", "civilian"),
        ("sex", "ч", "M"),
        ("sex", "Ж", "F"),
        ("sex", "м", "M"),
        ("sex", "жен.", "F"),
        ("sex", "f", "F"),
        ("health", "тяжкохворий", "seriously_ill"),
        ("health", "ранен", "wounded"),
        ("health", "здоровий", "fit"),
        ("status", "в / п", "pow"),
        ("status", "умерший", "deceased"),
        ("status", "умёрший", "deceased"),  # ё is read as е
    ],
)
def test_the_usual_words_map_to_the_canonical_value(
    field: str, text: str, canonical: str | None
) -> None:
    assert canonical_value(field, text) == canonical


@pytest.mark.parametrize("field", ENUMERATED_FIELDS)
def test_every_canonical_value_has_ukrainian_russian_and_english_words(field: str) -> None:
    accepted = accepted_values(field)
    assert set(accepted) == {m.value for m in KINDS[field]}
    for words in accepted.values():
        text = " ".join(words)
        assert any("а" <= c <= "я" or c in "іїєґ" for c in text), words
        assert any("a" <= c <= "z" for c in text), words


def test_a_row_written_in_ukrainian_parses_to_canonical_values() -> None:
    record, errors = parse_person_row(
        {
            "record_id": "1",
            "surname": "Тестенко",
            "given_name": "Іван",
            "sex": "Ч",
            "status": "зниклий безвісти",
            "category": "цивільний",
            "health": "поранений",
        }
    )
    assert errors == []
    assert record is not None
    assert (record.sex, record.status, record.category, record.health) == (
        Sex.MALE,
        LegalStatus.MISSING,
        Category.CIVILIAN,
        Health.WOUNDED,
    )


def test_an_unknown_value_is_refused_with_the_value_in_the_reason() -> None:
    _, errors = parse_person_row(
        {"record_id": "1", "surname": "Т", "given_name": "І", "status": "у розшуку"}
    )
    assert [e.field for e in errors] == ["status"]
    assert "'у розшуку'" in errors[0].reason


def test_docs_formats_lists_every_word_of_the_data_file() -> None:
    import csv
    from importlib import resources
    from pathlib import Path

    docs = (Path(__file__).parents[3] / "docs" / "formats.md").read_text(encoding="utf-8")
    source = resources.files("homeward.domain") / "data" / "field_values.csv"
    with source.open("r", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = {line for line in docs.splitlines() if line.startswith("| `")}
    for row in rows:
        prefix = f"| `{row['field']}` | `{row['canonical']}` |"
        [line] = [line for line in lines if line.startswith(prefix)]
        assert row["value"] in line, row
