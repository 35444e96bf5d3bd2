from __future__ import annotations

import pytest

from homeward.planning import checkin_code, checkin_codes
from homeward.planning.codes import ALPHABET

KEY = b"a test workspace secret"


def test_codes_are_six_unambiguous_characters() -> None:
    for i in range(500):
        code = checkin_code(f"UA-{i}", "day-1", KEY)
        assert len(code) == 6
        assert set(code) <= set(ALPHABET)
    assert not set("01ILOU") & set(ALPHABET)


def test_the_same_person_and_tranche_always_get_the_same_code() -> None:
    assert checkin_code("UA-1", "day-1", KEY) == checkin_code("UA-1", "day-1", KEY)
    assert checkin_code("UA-1", "day-1", KEY) != checkin_code("UA-1", "day-2", KEY)
    other = b"another workspace secret"
    assert checkin_code("UA-1", "day-1", KEY) != checkin_code("UA-1", "day-1", other)


def test_there_is_no_built_in_key_and_a_short_one_is_refused() -> None:
    with pytest.raises(TypeError):
        checkin_code("UA-1", "day-1")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="16 bytes"):
        checkin_code("UA-1", "day-1", b"short")


def test_codes_are_unique_within_a_tranche_and_independent_of_list_order() -> None:
    ids = [f"RU-{i}" for i in range(5000)]
    codes = checkin_codes("day-1", ids, KEY)
    assert len(set(codes.values())) == len(ids)
    assert checkin_codes("day-1", reversed(ids), KEY) == codes
