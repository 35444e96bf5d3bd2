"""The column-wise registry table equals the row-wise one, value for value."""

from __future__ import annotations

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate, Sex
from homeward.matching import splink_engine as se
from homeward.matching.columns import records_table
from homeward.matching.engine import features
from homeward.matching.normalise import _code, codes
from homeward.matching.synth_compound import generate


def test_the_column_wise_table_equals_the_row_wise_one() -> None:
    data = generate(300, 1500, seed=9090)
    odd = [
        PersonRecord("X1", "ბერიძე", "გიორგი"),
        PersonRecord("X2", "Oлeкcaндpенко", "Саша", None, Sex.FEMALE, PartialDate(1990)),
        PersonRecord("X3", "Ковальська", "Мар'яна", "", None, PartialDate(1990, 2),
                     service_number="  ч-12 ", unit="military unit 3057", document_number="-"),
    ]  # fmt: skip
    records = [*data.registry, *data.requests, *odd]
    by_columns = records_table(records, se.REGISTRY)
    by_rows = se.features_table(features(records), se.REGISTRY)
    assert by_columns.column_names == by_rows.column_names
    for name in by_rows.column_names:
        assert by_columns.column(name).to_pylist() == by_rows.column(name).to_pylist(), name


def test_an_empty_registry_gives_an_empty_table() -> None:
    assert records_table([], se.REGISTRY).num_rows == 0


def test_codes_in_one_pass_equal_codes_one_by_one() -> None:
    texts = ["  ч-12 ", None, "", "-", "МВ000123", "ab 7", "Щ1/ї2", "x\ny", "ẞ9"]
    assert codes(texts) == [_code(t) for t in texts]
    assert codes([t for t in texts if t is None or "\n" not in t]) == [
        _code(t) for t in texts if t is None or "\n" not in t
    ]
    assert codes([]) == []
