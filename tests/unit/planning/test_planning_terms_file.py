from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeward.planning import (
    Parity,
    TermsFileError,
    istanbul_2025_terms,
    load_terms,
    parse_terms_toml,
    terms_from_dict,
    terms_problems,
    terms_to_canonical,
)

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "istanbul-2025.toml"

MINIMAL = """
name = "t"
total_per_side = 20
[[crossing_points]]
name = "X"
daily_capacity = 50
[[tranches]]
id = "a"
day = 2025-01-01
crossing = "X"
military = 10
[[tranches]]
id = "b"
day = 2025-01-02
crossing = "X"
military = {second}
"""


def test_the_istanbul_example_file_reads_as_the_istanbul_terms() -> None:
    assert load_terms(EXAMPLE) == istanbul_2025_terms()


def test_istanbul_terms_fix_each_days_split_as_reported() -> None:
    terms = istanbul_2025_terms()
    day1, day2, day3 = terms.tranches
    assert (day1.total, day1.military, day1.civilian) == (390, 270, 120)
    assert (day2.total, day2.military, day2.civilian) == (307, 307, 0)
    assert (day3.total, day3.military, day3.civilian) == (303, 303, 0)
    assert str(day1.day) == "2025-05-23"
    assert terms.parity is Parity.PER_TRANCHE_AND_CATEGORY
    assert terms_problems(terms) == []


def test_a_wrong_type_names_the_key_with_its_index() -> None:
    with pytest.raises(TermsFileError) as err:
        parse_terms_toml(MINIMAL.format(second='"ten"'))
    assert str(err.value) == 'tranches[1].military: expected an integer, got "ten"'
    assert err.value.key == "tranches[1].military"


def test_an_unknown_key_is_named() -> None:
    text = MINIMAL.format(second="10").replace('id = "a"', 'id = "a"\nmilitry = 3')
    with pytest.raises(TermsFileError, match=r"^tranches\[0\]\.militry: unknown key$"):
        parse_terms_toml(text)


def test_a_missing_key_is_named() -> None:
    with pytest.raises(TermsFileError, match=r"^total_per_side: missing$"):
        terms_from_dict({"name": "t", "tranches": [], "crossing_points": []})


def test_an_unknown_parity_lists_the_allowed_values() -> None:
    text = 'parity = "sometimes"\n' + MINIMAL.format(second="10")
    with pytest.raises(TermsFileError, match=r"^parity: expected one of per_tranche_and_category"):
        parse_terms_toml(text)


def test_an_unknown_crossing_point_is_named() -> None:
    text = MINIMAL.format(second="10").replace(
        'crossing = "X"\nmilitary = 10', 'crossing = "Y"\nmilitary = 10'
    )
    with pytest.raises(
        TermsFileError, match=r"^tranches\[0\]\.crossing: unknown crossing point 'Y'"
    ):
        parse_terms_toml(text)


def test_the_canonical_form_has_no_floats_and_reads_back_to_the_same_terms() -> None:
    terms = istanbul_2025_terms()
    canonical = terms_to_canonical(terms)

    def walk(value: object) -> None:
        assert not isinstance(value, float)
        assert value is not None
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        if isinstance(value, list):
            for v in value:
                walk(v)

    walk(canonical)
    assert terms_from_dict(json.loads(json.dumps(canonical))) == terms


@given(
    total=st.integers(0, 5000),
    reserve=st.integers(0, 500),
    quotas=st.lists(st.one_of(st.none(), st.integers(0, 999)), min_size=1, max_size=5),
    parity=st.sampled_from(list(Parity)),
)
def test_canonical_terms_round_trip_through_json(
    total: int, reserve: int, quotas: list[int | None], parity: Parity
) -> None:
    data = {
        "name": "t",
        "total_per_side": total,
        "reserve_size": reserve,
        "parity": parity.value,
        "crossing_points": [{"name": "X", "daily_capacity": 100}],
        "tranches": [
            {"id": f"t{i}", "day": f"2025-01-{i + 1:02d}", "crossing": "X"}
            | ({} if q is None else {"military": q})
            for i, q in enumerate(quotas)
        ],
    }
    terms = terms_from_dict(data)
    canonical = terms_to_canonical(terms)
    assert terms_from_dict(json.loads(json.dumps(canonical))) == terms
    assert terms_to_canonical(terms_from_dict(canonical)) == canonical


def test_contradictory_tranche_totals_are_explained() -> None:
    terms = terms_from_dict(
        {
            "name": "t",
            "total_per_side": 1000,
            "crossing_points": [{"name": "X", "daily_capacity": 500}],
            "tranches": [
                {"id": "d1", "day": "2025-01-01", "crossing": "X", "total": 390},
                {"id": "d2", "day": "2025-01-02", "crossing": "X", "total": 307},
            ],
        }
    )
    [problem] = terms_problems(terms)
    assert problem.constraint == "total_per_side"
    assert problem.short == 303
    assert "add up to 697 per side but the agreed total is 1,000: 303 short" in problem.message
