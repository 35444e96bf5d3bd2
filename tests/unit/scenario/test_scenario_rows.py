"""Benchmark rows: plausible, reproducible, and malformed exactly where asked."""

from __future__ import annotations

from itertools import pairwise

import pytest

from homeward.domain.validation import parse_person_row
from homeward.scenario.rows import BENCH_HEADER, BadKind, RowStats, bad_kinds_for, iter_bench_rows


def _parse(values: list[str]) -> bool:
    """Whether the row alone parses (duplicates are the file reader's business)."""
    if len(values) != len(BENCH_HEADER):
        return False
    record, _ = parse_person_row(dict(zip(BENCH_HEADER, values, strict=True)))
    return record is not None


def test_rows_without_a_bad_share_all_parse() -> None:
    rows = list(iter_bench_rows(2000, seed=1))
    assert all(_parse(row) for row in rows)
    assert len({row[0] for row in rows}) == 2000


def test_the_bad_share_gives_an_exact_evenly_spread_count() -> None:
    stats = RowStats()
    rows = list(iter_bench_rows(10_000, seed=3, bad_share=0.01, stats=stats))
    assert stats.rows == 10_000
    assert stats.bad == 100
    assert sum(stats.by_kind.values()) == 100
    failing = [i for i, row in enumerate(rows) if not _parse(row)]
    duplicates = stats.by_kind[BadKind.DUPLICATE_ID]
    assert len(failing) == 100 - duplicates
    assert max(b - a for a, b in pairwise(failing)) < 400


def test_duplicate_rows_repeat_the_id_of_an_earlier_good_row() -> None:
    rows = list(iter_bench_rows(3000, seed=5, bad_share=0.5))
    ids = [row[0] for row in rows]
    assert len(set(ids)) < len(ids)


def test_same_seed_gives_the_same_rows() -> None:
    first = list(iter_bench_rows(500, seed=9, bad_share=0.1))
    assert first == list(iter_bench_rows(500, seed=9, bad_share=0.1))
    assert first != list(iter_bench_rows(500, seed=10, bad_share=0.1))


def test_workbooks_get_only_the_malformations_a_workbook_can_hold() -> None:
    assert BadKind.NUL_CHARACTER not in bad_kinds_for("xlsx")
    assert BadKind.WRONG_SHAPE not in bad_kinds_for("xlsx")
    stats = RowStats()
    list(iter_bench_rows(2000, seed=1, bad_share=0.2, fmt="xlsx", stats=stats))
    assert stats.bad == 400
    assert not {BadKind.NUL_CHARACTER.value, BadKind.WRONG_SHAPE.value} & set(stats.by_kind)


def test_a_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        list(iter_bench_rows(10, seed=1, bad_share=1.5))
