"""Server-side SVG charts and the cross-script name search (pure functions)."""

from __future__ import annotations

from homeward.reports.charts import bar_chart, line_chart, nice_top, progress_bars
from homeward.web.search import matches, skeleton


def test_gridlines_fall_on_whole_numbers() -> None:
    assert [nice_top(v) for v in (3, 7, 390, 1000)] == [4, 8, 400, 1000]


def test_a_bar_chart_draws_one_bar_per_side_and_day_with_its_value() -> None:
    svg = str(
        bar_chart(
            [("Day 1", {"UA": 390, "RU": 390}), ("Day 2", {"UA": 307, "RU": 0})],
            {"UA": "#00f", "RU": "#f00"},
            "per day",
        )
    )
    assert svg.count("<rect") == 4 + 2  # four bars and two legend keys
    assert "Day 2 UA: 307" in svg
    assert "<title>per day</title>" in svg


def test_chart_labels_are_escaped() -> None:
    svg = str(line_chart(["<b>"], {"a&b": [1.0]}, {"a&b": "#000"}))
    assert "<b>" not in svg
    assert "a&amp;b" in svg


def test_recovered_against_sought_shows_the_share() -> None:
    assert "8 / 400 (2.0%)" in str(progress_bars([("UA", 8, 400)]))


def test_one_name_in_three_scripts_has_one_skeleton() -> None:
    assert skeleton("Олександр") == skeleton("Александр") == skeleton("Alexander")
    assert skeleton("Шевченко") == skeleton("Shevchenko")


def test_a_search_matches_across_scripts_by_word_prefix() -> None:
    assert matches("Oleksandr Shevch", "Шевченко", "Олександр")
    assert matches("шевч", "Шевченко", "Олександр")
    assert not matches("Petrenko", "Шевченко", "Олександр")
