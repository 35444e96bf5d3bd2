"""The engine's input table built column-wise from records: each distinct name, unit and
date is normalised once, then spread to its rows by Arrow.

``records_table(records, source)`` equals ``splink_engine.features_table(features(records),
source)`` (tests/unit/matching/test_columns.py holds it to that) and is what a large
registry goes through: a million records repeat a few thousand surnames, so the per-row
Python work is reduced to reading the record's attributes and cleaning its numbers.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

from homeward.domain.person import PersonRecord
from homeward.domain.values import PartialDate
from homeward.matching.normalise import (
    _given_info,
    _patronymic_info,
    _surname_info,
    _unit,
    codes,
)


def _spread(
    values: Sequence[Any], by: Callable[[Any], tuple[Any, ...]], width: int
) -> list[pa.Array]:
    """``width`` columns: ``by`` applied once per distinct value, then taken row by row."""
    index: dict[Any, int] = {}
    positions = pa.array([index.setdefault(v, len(index)) for v in values], type=pa.int32())
    derived = [by(v) if v is not None else (None,) * width for v in index]
    return [
        pc.take(pa.array([d[i] for d in derived], type=pa.string()), positions)
        for i in range(width)
    ]


def _surname(text: str | None) -> tuple[Any, ...]:
    _, folded, key, phon = _surname_info(text or "")
    return key, folded, phon


def _given(text_and_sex: str | None) -> tuple[Any, ...]:
    text, _, sex = (text_and_sex or "").partition("\x1f")
    _, key, folded, phon, canon = _given_info(text, sex or None)
    return key, folded, phon, canon


def _patronymic(text: str | None) -> tuple[Any, ...]:
    _, key, folded = _patronymic_info(text or "")
    return key, folded


def records_table(records: Sequence[PersonRecord], source: str) -> pa.Table:
    """The engine's input for ``records``, column by column (see the module docstring)."""
    with _gc_paused():
        return _records_table(records, source)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a million short-lived objects are made: each
    collection would walk every live record (and none of these objects form cycles)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _records_table(records: Sequence[PersonRecord], source: str) -> pa.Table:
    # One pass per field: transposing with zip(*rows) is several times slower at this size.
    ids = [r.record_id for r in records]
    surnames = [r.surname for r in records]
    givens = [r.given_name for r in records]
    sexes = [r.sex for r in records]
    patronymics = [r.patronymic for r in records]
    dates = [r.date_of_birth for r in records]
    numbers = [r.service_number for r in records]
    units = [r.unit for r in records]
    documents = [r.document_number for r in records]
    sex = [s.value if s is not None else None for s in sexes]
    keyed = [f"{g}\x1f{s or ''}" for g, s in zip(givens, sex, strict=True)]
    s_key, s_fold, s_phon = _spread(surnames, _surname, 3)
    g_key, g_fold, g_phon, g_canon = _spread(keyed, _given, 4)
    p_key, p_fold = _spread(patronymics, _patronymic, 2)
    (unit,) = _spread(units, lambda u: (_unit(u),), 1)
    parts = [(d.year, d.month, d.day) if d is not None else (None, None, None) for d in dates]
    years, months, days = (list(c) for c in zip(*parts, strict=True)) if parts else ([], [], [])
    full = [
        f"{y:04d}-{m:02d}-{d:02d}" if d is not None else None
        for y, m, d in zip(years, months, days, strict=True)
    ]
    columns = {
        "unique_id": pa.array(ids, type=pa.string()),
        "given_key": g_key, "given_fold": g_fold, "given_phon": g_phon, "given_canon": g_canon,
        "surname_key": s_key, "surname_fold": s_fold, "surname_phon": s_phon,
        "patronymic_key": p_key, "patronymic_fold": p_fold,
        "dob": pa.array(full, type=pa.string()),
        "dob_y": pa.array(years, type=pa.int32()),
        "dob_m": pa.array(months, type=pa.int32()),
        "dob_d": pa.array(days, type=pa.int32()),
        "service_number": pa.array(codes(numbers), type=pa.string()),
        "unit": unit,
        "document_number": pa.array(codes(documents), type=pa.string()),
        "sex": pa.array(sex, type=pa.string()),
        "source_dataset": pa.array([source] * len(ids), type=pa.string()),
    }  # fmt: skip
    return pa.table(columns)


def _spread_arrow(
    column: pa.Array, by: Callable[[Any], tuple[Any, ...]], types: Sequence[pa.DataType]
) -> list[pa.Array]:
    """As ``_spread`` for an Arrow column: Arrow finds the distinct values, ``by`` runs once
    on each, and a null stays null in every derived column."""
    encoded = pc.dictionary_encode(column)
    derived = [by(v) for v in encoded.dictionary.to_pylist()]
    return [
        pc.take(pa.array([d[i] for d in derived], type=t), encoded.indices)
        for i, t in enumerate(types)
    ]


def _date_parts(text: str) -> tuple[Any, ...]:
    d = PartialDate.parse(text)
    full = f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.day is not None else None
    return full, d.year, d.month, d.day


def columns_table(table: pa.Table, source: str) -> pa.Table:
    """The engine's input from a person file's validated columns (strings, empty as null,
    ``sex`` canonical; see ``adapters.personfile_columns``); equal to ``records_table`` of
    the same file's records, without making a record per row."""
    with _gc_paused():
        return _columns_table(table, source)


def _columns_table(table: pa.Table, source: str) -> pa.Table:
    rows = table.num_rows
    string = pa.string()

    def column(name: str) -> pa.Array:
        if name in table.column_names:
            return table.column(name).combine_chunks()
        return pa.nulls(rows, type=string)

    sex = column("sex")
    keyed = pc.binary_join_element_wise(column("given_name"), pc.fill_null(sex, ""), "\x1f")
    s_key, s_fold, s_phon = _spread_arrow(column("surname"), _surname, [string] * 3)
    g_key, g_fold, g_phon, g_canon = _spread_arrow(keyed, _given, [string] * 4)
    p_key, p_fold = _spread_arrow(column("patronymic"), _patronymic, [string] * 2)
    (unit,) = _spread_arrow(column("unit"), lambda u: (_unit(u),), [string])
    int32 = pa.int32()
    full, years, months, days = _spread_arrow(
        column("date_of_birth"), _date_parts, [string, int32, int32, int32]
    )
    columns = {
        "unique_id": column("record_id"),
        "given_key": g_key, "given_fold": g_fold, "given_phon": g_phon, "given_canon": g_canon,
        "surname_key": s_key, "surname_fold": s_fold, "surname_phon": s_phon,
        "patronymic_key": p_key, "patronymic_fold": p_fold,
        "dob": full, "dob_y": years, "dob_m": months, "dob_d": days,
        "service_number": _codes(column("service_number")),
        "unit": unit,
        "document_number": _codes(column("document_number")),
        "sex": sex,
        "source_dataset": pa.array([source] * rows, type=string),
    }  # fmt: skip
    return pa.table(columns)


def _codes(column: pa.Array) -> pa.Array:
    return pa.array(codes(column.to_pylist()), type=pa.string())
