from hypothesis import given
from hypothesis import strategies as st

from homeward.domain.person import PERSON_FIELDS
from homeward.domain.validation import parse_person_row
from homeward.domain.values import Category, LegalStatus


def test_a_complete_row_becomes_a_record_with_unknown_columns_kept() -> None:
    record, errors = parse_person_row(
        {
            "record_id": "T-1",
            "surname": "Тестенко",
            "given_name": "Тест",
            "date_of_birth": "1991-03",
            "status": "POW",
            "sex": "m",
            "source": "family_claim",
        }
    )
    assert errors == []
    assert record is not None
    assert str(record.date_of_birth) == "1991-03"
    assert record.status is LegalStatus.POW
    assert record.effective_category is Category.MILITARY
    assert record.extra == {"source": "family_claim"}


def test_every_bad_field_of_a_row_is_named_with_its_reason() -> None:
    record, errors = parse_person_row(
        {"record_id": "", "surname": "X", "given_name": "Y", "health": "great", "sex": "Q"}
    )
    assert record is None
    named = {e.field for e in errors}
    assert named == {"record_id", "health", "sex"}
    assert any("great" in e.reason for e in errors)


def test_a_missing_required_column_is_reported_as_missing() -> None:
    _, errors = parse_person_row({"record_id": "1", "surname": "X"})
    assert [(e.field, e.reason) for e in errors] == [("given_name", "required column is missing")]


@given(st.dictionaries(st.sampled_from([*PERSON_FIELDS, "x", ""]), st.text(max_size=30)))
def test_any_row_gives_either_a_record_or_at_least_one_error(raw: dict[str, str]) -> None:
    record, errors = parse_person_row(raw)
    assert (record is None) == bool(errors)
