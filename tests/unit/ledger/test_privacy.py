"""The log refuses personal data by key in any spelling, staff usernames in by-style fields,
and values that look like names, birth dates or document numbers."""

from __future__ import annotations

import pytest

from homeward.ledger.events import EventError, make_leaf
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.istanbul import istanbul_2025_terms

AT = "2025-05-23T08:00:00Z"
COMMITMENT = "ab" * 32


def test_the_issue_s_payload_with_a_capitalised_surname_a_dob_and_a_passport_is_refused() -> None:
    for key in ("Surname", "dob", "passport_no"):
        with pytest.raises(EventError, match="is personal data"):
            make_leaf("person_listed", {key: "x"}, AT)


@pytest.mark.parametrize(
    "key",
    [
        "SURNAME",
        "Last-Name",
        "lastName",
        "DateOfBirth",
        "date-of-birth",
        "birthPlace",
        "PASSPORT_NUMBER",
        "passportSeries",
        "homeAddress",
        "phoneNumber",
        "E-mail",
        "Patronymic",
        "full name",
        "ServiceNumber",
        "recordId",
    ],
)
def test_a_personal_key_is_refused_in_any_case_or_spelling(key: str) -> None:
    with pytest.raises(EventError, match="is personal data"):
        make_leaf("person_listed", {"people": [{"n": 1, key: "x"}]}, AT)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("Вигаданенко Тарас Петрович", "name"),
        ("Вигаданенко", "name"),
        ("Testov Ivan", "name"),
        ("1990-01-01", "date of birth"),
        ("01.02.1990", "date of birth"),
        ("1990-01", "date of birth"),
        ("КМ123456", "document"),
        ("А-123456", "document"),
        ("4510 123456", "document"),
        ("123456789", "document"),
    ],
)
def test_a_value_that_looks_personal_is_refused_whatever_its_key(value: str, why: str) -> None:
    with pytest.raises(EventError, match=why):
        make_leaf("note_added", {"note": {"text": value}}, AT)


@pytest.mark.parametrize(
    "payload",
    [
        {"by": "ua.off"},
        {"by": "med.field"},
        {"merged_by": "Med.Coordinator"},
        {"confirmed_by": "administrator"},
        {"reviewer": "ua-reviewer"},
        {"actor": "someone"},
    ],
)
def test_a_by_field_holding_a_username_is_refused(payload: dict[str, object]) -> None:
    with pytest.raises(EventError, match="holds a username"):
        make_leaf("match_reviewed", payload, AT)


@pytest.mark.parametrize(
    "payload",
    [
        {"by": "actor-0123456789abcdef"},
        {"confirmed_by": 17},
        {"by": "UA"},
        {"by": None},
        {"released_by": {"UA": [COMMITMENT], "RU": []}},
    ],
)
def test_a_by_field_may_hold_an_actor_id_a_row_id_or_a_party(payload: dict[str, object]) -> None:
    make_leaf("match_reviewed", payload, AT)


def test_the_events_the_exchange_logs_pass() -> None:
    make_leaf(
        "terms_proposed", {"agreement": 1, "terms": terms_to_canonical(istanbul_2025_terms())}, AT
    )
    make_leaf(
        "tranche_planned",
        {"agreement": 1, "day": 1, "date": "2025-05-23", "released_by": {"UA": [COMMITMENT]}},
        AT,
    )
    make_leaf(
        "handover_failed",
        {
            "handover": 12,
            "day": 1,
            "person": COMMITMENT,
            "from": "RU",
            "category": "military",
            "outcome": "did_not_travel",
            "outcome_commitment": COMMITMENT,
            "by": "actor-0123456789abcdef",
        },
        AT,
    )
    make_leaf("lists_matched", {"decisions": {"match": 3, "review": 1}, "purpose": "missing"}, AT)
    make_leaf("run_started", {"run_id": "0f" * 16, "model": "splink-v4"}, AT)
