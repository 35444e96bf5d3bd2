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


def test_a_birth_date_after_today_or_over_120_years_back_is_refused_naming_the_field() -> None:
    import datetime as dt

    today = dt.date(2026, 12, 2)
    base = {"record_id": "1", "surname": "Т", "given_name": "І"}
    for text, reason in [("2026-12-03", "in the future"), ("1905", "more than 120 years ago")]:
        record, errors = parse_person_row({**base, "date_of_birth": text}, today)
        assert record is None
        assert [(e.field, reason in e.reason) for e in errors] == [("date_of_birth", True)]
    record, _ = parse_person_row({**base, "date_of_birth": "2026-12"}, today)
    assert record is not None  # born this month: possible


def test_a_capture_before_the_birth_is_refused() -> None:
    import datetime as dt

    record, errors = parse_person_row(
        {
            "record_id": "1",
            "surname": "Т",
            "given_name": "І",
            "date_of_birth": "1990-05",
            "date_of_capture": "1989",
        },
        dt.date(2026, 1, 1),
    )
    assert record is None
    assert [e.field for e in errors] == ["date_of_capture"]


def test_digits_from_other_scripts_are_not_read_as_a_date() -> None:
    for text in ("١٩٩٠", "１９９０-０１-０２", "۱۳۶۹"):
        record, errors = parse_person_row(
            {"record_id": "1", "surname": "Т", "given_name": "І", "date_of_birth": text}
        )
        assert record is None
        assert "not a date in the form" in errors[0].reason


def test_a_value_under_an_unnamed_column_refuses_the_row_and_an_empty_one_does_not() -> None:
    base = {"record_id": "1", "surname": "Т", "given_name": "І"}
    record, errors = parse_person_row({**base, "__unnamed_4__": "важливе"})
    assert record is None
    assert [e.field for e in errors] == ["[4]"]
    assert "'важливе'" in errors[0].reason
    record, _ = parse_person_row({**base, "__unnamed_4__": " "})
    assert record is not None
