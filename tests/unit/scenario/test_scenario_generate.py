"""The istanbul-2025 scenario: sizes, realism for the demo, and the truth."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from homeward.domain.person import PersonRecord
from homeward.domain.validation import parse_person_row
from homeward.domain.values import Category, Health, PartialDate, Sex
from homeward.scenario import Scenario, generate_scenario
from homeward.scenario.names import FAMOUS_PAIRS, MALE_NAMES

REFERENCE = dt.date(2025, 5, 16)
RUSSIAN_ONLY_FORMS = {n.ru for n in MALE_NAMES} - {n.uk for n in MALE_NAMES}
UKRAINIAN_ONLY_FORMS = {n.uk for n in MALE_NAMES} - {n.ru for n in MALE_NAMES}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate_scenario("istanbul-2025", seed=1)


def test_file_sizes_follow_the_reported_figures(scenario: Scenario) -> None:
    assert len(scenario.ru_holdings) == 6465
    assert len(scenario.ua_holdings) == 1348
    assert len(scenario.ua_sought) == 10000
    assert len(scenario.ru_sought) == 1500


def test_same_seed_gives_the_same_scenario_and_another_seed_does_not(
    scenario: Scenario,
) -> None:
    again = generate_scenario("istanbul-2025", seed=1)
    other = generate_scenario("istanbul-2025", seed=2)
    assert again.files == scenario.files
    assert again.truth == scenario.truth
    assert other.ru_holdings != scenario.ru_holdings


def test_record_ids_are_unique_and_name_the_registry(scenario: Scenario) -> None:
    patterns = {
        "ua_holdings": r"UA-H-\d{6}",
        "ru_holdings": r"RU-H-\d{6}",
        "ua_sought": r"UA-S-\d{6}",
        "ru_sought": r"RU-S-\d{6}",
    }
    for key, records in scenario.files.items():
        ids = [r.record_id for r in records]
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(patterns[key], i) for i in ids)
    assert scenario.ru_holdings[0].record_id == "RU-H-000001"


def test_every_record_survives_the_person_file_format(scenario: Scenario) -> None:
    for records in scenario.files.values():
        for record in records:
            parsed, errors = parse_person_row(record.as_row())
            assert errors == []
            assert parsed == record


def test_truth_links_sought_rows_to_the_other_sides_holdings(scenario: Scenario) -> None:
    sought = {r.record_id: r for r in scenario.ua_sought + scenario.ru_sought}
    holdings = {r.record_id: r for r in scenario.ua_holdings + scenario.ru_holdings}
    for sought_id, holding_id in scenario.truth:
        # UA seeks its people among those RU holds, and the other way round.
        assert {sought_id[:2], holding_id[:2]} == {"UA", "RU"}
        assert sought[sought_id].sex == holdings[holding_id].sex
        assert sought[sought_id].extra["source"] in {
            "held_confirmed",
            "missing_report",
            "family_claim",
        }
    unlinked = set(sought) - {s for s, _ in scenario.truth}
    assert all(sought[s].extra["source"] != "held_confirmed" for s in unlinked)


def test_sought_rows_are_of_three_sources_and_include_people_nobody_holds(
    scenario: Scenario,
) -> None:
    sources = Counter(r.extra["source"] for r in scenario.ua_sought)
    assert set(sources) == {"held_confirmed", "missing_report", "family_claim"}
    linked = {s for s, _ in scenario.truth}
    assert sum(1 for r in scenario.ua_sought if r.record_id not in linked) > 2000


def test_both_sides_acknowledge_enough_people_for_a_thousand_for_a_thousand(
    scenario: Scenario,
) -> None:
    for counts in scenario.acknowledged().values():
        assert counts["military"] >= 700
        assert counts["civilian"] >= 300


def _held_by_both(scenario: Scenario) -> list[tuple[PersonRecord, ...]]:
    return [scenario.ua_holdings, scenario.ru_holdings]


def test_holdings_include_the_people_the_agreed_categories_name(scenario: Scenario) -> None:
    for holdings in _held_by_both(scenario):
        assert sum(r.health is Health.SERIOUSLY_ILL for r in holdings) >= 50
        assert sum(r.sex is Sex.FEMALE for r in holdings) >= 30
        captured = [r.date_of_capture for r in holdings if r.date_of_capture]
        assert sum(d.year == 2014 for d in captured) >= 5
        assert all(d.earliest() >= dt.date(2014, 1, 1) for d in captured)
        young = [r for r in holdings if r.date_of_birth and r.date_of_birth.age_on(REFERENCE) < 25]
        assert len(young) >= 50
        categories = Counter(r.category for r in holdings)
        assert categories[Category.MILITARY] > categories[Category.CIVILIAN] > 300


def test_russian_holdings_write_many_ukrainian_names_the_russian_way(scenario: Scenario) -> None:
    given = Counter(r.given_name for r in scenario.ru_holdings)
    russian = sum(given[n] for n in RUSSIAN_ONLY_FORMS)
    ukrainian = sum(given[n] for n in UKRAINIAN_ONLY_FORMS)
    latin = sum(n for name, n in given.items() if name.isascii())
    assert ukrainian > russian > 0.1 * len(scenario.ru_holdings)
    assert latin > 0.05 * len(scenario.ru_holdings)
    sought_given = Counter(r.given_name for r in scenario.ua_sought)
    # Only a rare typo (і keyed as и) makes a Russian form in Ukraine's own registry.
    assert sum(sought_given[n] for n in RUSSIAN_ONLY_FORMS) < 0.001 * len(scenario.ua_sought)


def test_registries_carry_the_noise_real_lists_have(scenario: Scenario) -> None:
    for records in (scenario.ru_holdings, scenario.ua_sought):
        dates = [r.date_of_birth for r in records]
        assert sum(isinstance(d, PartialDate) and not d.is_full for d in dates) > 50
        assert sum(r.patronymic is None for r in records) > 100
    # Day and month swapped: the holding's date reads as the sought row's with d/m exchanged.
    sought = {r.record_id: r for r in scenario.ua_sought}
    holdings = {r.record_id: r for r in scenario.ru_holdings}
    swapped = 0
    for sought_id, holding_id in scenario.truth:
        if sought_id not in sought:
            continue
        a, b = sought[sought_id].date_of_birth, holdings[holding_id].date_of_birth
        if (
            a
            and b
            and a.is_full
            and b.is_full
            and a != b
            and (a.year, a.month, a.day)
            == (
                b.year,
                b.day,
                b.month,
            )
        ):
            swapped += 1
    assert swapped > 10


def test_no_generated_person_bears_a_famous_name_pair(scenario: Scenario) -> None:
    for records in scenario.files.values():
        assert not any((r.surname, r.given_name) in FAMOUS_PAIRS for r in records)


def test_summary_counts_rows_per_file_and_category(scenario: Scenario) -> None:
    summary = scenario.summary()
    files = summary["files"]
    assert isinstance(files, dict)
    assert files["ru_holdings"]["rows"] == 6465
    assert sum(files["ua_holdings"]["by_category"].values()) == 1348
    assert summary["truth_links"] == len(scenario.truth)
    assert summary["seed"] == 1


def test_an_unknown_preset_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="istanbul-2025"):
        generate_scenario("yalta-1945", seed=1)
