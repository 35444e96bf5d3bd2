"""Category terms in TOML: the example file, its canonical form, and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.planning.categories import category_terms_to_dict
from homeward.planning.category_terms_file import (
    category_terms_from_dict,
    is_category_terms,
    parse_category_terms_toml,
)
from homeward.planning.terms_file import TermsFileError

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "istanbul-2025-round-2.toml"


def test_the_round_2_example_reads_and_its_canonical_form_reads_back_equal() -> None:
    terms = parse_category_terms_toml(EXAMPLE.read_text(encoding="utf-8"))
    assert [r.name for r in terms.rules] == ["seriously_wounded_or_ill", "aged_18_25"]
    assert terms.per_side is None
    canonical = category_terms_to_dict(terms)
    assert is_category_terms(canonical)
    assert category_terms_from_dict(canonical) == terms


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("min_age = 18", 'min_age = "ten"'),
            'categories[1].min_age: expected an integer, got "ten"',
        ),
        (('category = "military"', 'categry = "military"'), "categories[1].categry: unknown key"),
        (("capacity = 40", ""), "stages.capacity: missing"),
        (
            ("all_for_all = true", "all_for_all = true\nper_side = 5"),
            "per_side: contradicts all_for_all",
        ),
        (
            ('health = ["seriously_ill"]', 'health = ["poorly"]'),
            "categories[0].health[0]: expected one of",
        ),
    ],
)
def test_a_bad_key_is_named(change: tuple[str, str], message: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(*change)
    with pytest.raises(TermsFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_category_terms_toml(text)
