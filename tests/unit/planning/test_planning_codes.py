from __future__ import annotations

from homeward.planning import checkin_code, checkin_codes
from homeward.planning.codes import ALPHABET


def test_codes_are_six_unambiguous_characters() -> None:
    for i in range(500):
        code = checkin_code(f"UA-{i}", "day-1")
        assert len(code) == 6
        assert set(code) <= set(ALPHABET)
    assert not set("01ILOU") & set(ALPHABET)


def test_the_same_person_and_tranche_always_get_the_same_code() -> None:
    assert checkin_code("UA-1", "day-1") == checkin_code("UA-1", "day-1")
    assert checkin_code("UA-1", "day-1") != checkin_code("UA-1", "day-2")
    assert checkin_code("UA-1", "day-1", b"k1") != checkin_code("UA-1", "day-1", b"k2")


def test_codes_are_unique_within_a_tranche_and_independent_of_list_order() -> None:
    ids = [f"RU-{i}" for i in range(5000)]
    codes = checkin_codes("day-1", ids)
    assert len(set(codes.values())) == len(ids)
    assert checkin_codes("day-1", reversed(ids)) == codes
