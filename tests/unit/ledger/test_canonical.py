"""Canonical JSON: one byte form per event, floats and odd types refused with a path."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeward.ledger.canonical import CanonicalError, canonical_json, parse_canonical
from homeward.ledger.events import EventError, check_leaf, make_leaf

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


def test_keys_are_sorted_and_separators_compact() -> None:
    assert canonical_json({"b": [1, None], "a": {"y": True, "x": "ї"}}) == (
        '{"a":{"x":"ї","y":true},"b":[1,null]}'.encode()
    )


@given(JSON_VALUES)
def test_any_allowed_value_round_trips_through_its_canonical_bytes(value: object) -> None:
    data = canonical_json(value)
    assert parse_canonical(data) == value
    assert b"\n" not in data


def test_a_nested_float_is_refused_with_its_path() -> None:
    with pytest.raises(CanonicalError, match=r"\$\.people\[1\]\.age: floats are not allowed"):
        canonical_json({"people": [{"age": 30}, {"age": 30.5}]})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({1: "x"}, "not a string"),
        ({"when": object()}, "type object is not allowed"),
        ({"x": float("nan")}, "floats are not allowed"),
        ({"x": "\ud800"}, "not encodable as UTF-8"),
        ({"n": [2**63]}, "outside the signed 64-bit range"),
    ],
)
def test_values_json_cannot_carry_faithfully_are_refused(value: object, message: str) -> None:
    with pytest.raises(CanonicalError, match=message):
        canonical_json(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":' + b"9" * 5000 + b"}",
        b'{"a":9223372036854775808}',
        b'{"b":1,"a":2}',
        b'{"a": 1}',
        b'{"a":1.0}',
        b'{"a":1,"a":1}',
        b"\xff",
        b'{"a":NaN}',
    ],
)
def test_non_canonical_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(CanonicalError):
        parse_canonical(data)


def test_leaves_have_a_fixed_shape_and_a_checked_kind() -> None:
    leaf = make_leaf("person_listed", {"person": "ab" * 32}, "2025-05-23T08:00:00Z")
    check_leaf(leaf)
    with pytest.raises(EventError, match="lower_snake_case"):
        make_leaf("Person Listed", {}, "2025-05-23T08:00:00Z")
    with pytest.raises(EventError, match="exactly at, kind, payload and v"):
        check_leaf(b'{"kind":"x","payload":{},"v":1}')


@pytest.mark.parametrize(
    "payload",
    [
        {"surname": "Вигаданенко"},
        {"people": [{"x": 1, "date_of_birth": "1990-01-01"}]},
        {"merge": {"kept_record_id": "UA-S-000010"}},
    ],
)
def test_personal_fields_are_refused_anywhere_in_a_payload(payload: dict[str, object]) -> None:
    with pytest.raises(EventError, match="is personal data"):
        make_leaf("person_listed", payload, "2025-05-23T08:00:00Z")


def test_a_personal_word_inside_a_string_value_is_not_a_field() -> None:
    make_leaf("note_added", {"text": '{"surname":"x"}', "k": "a\\"}, "2025-05-23T08:00:00Z")
