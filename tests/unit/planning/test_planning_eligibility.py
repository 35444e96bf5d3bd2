from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tests.unit.planning.planning_factories import candidate

from homeward.planning import (
    Category,
    EligibilityRule,
    Health,
    Reason,
    check_eligibility,
    check_person,
    istanbul_2025_terms,
)

TERMS = istanbul_2025_terms()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({}, Reason.ELIGIBLE),
        ({"side": "MED"}, Reason.UNKNOWN_SIDE),
        ({"deceased": True}, Reason.DECEASED),
        ({"status": "deceased"}, Reason.DECEASED),
        ({"already_released": True}, Reason.ALREADY_RELEASED),
        ({"held_for_proceedings": True}, Reason.HELD_FOR_PROCEEDINGS),
        ({"acknowledged": False}, Reason.NOT_ACKNOWLEDGED),
    ],
)
def test_each_person_gets_the_reason_they_cannot_go(
    fields: dict[str, object], reason: Reason
) -> None:
    assert check_person(candidate("p1", **fields), TERMS) is reason


def test_a_category_without_a_rule_is_outside_the_terms() -> None:
    terms = replace(TERMS, eligibility=(EligibilityRule(Category.MILITARY),))
    person = candidate("p1", category=Category.CIVILIAN)
    assert check_person(person, terms) is Reason.OUTSIDE_CATEGORY


def test_an_age_range_rejects_the_too_old_and_the_uncertain() -> None:
    rule = EligibilityRule(Category.MILITARY, max_age=24)
    terms = replace(TERMS, eligibility=(rule,))
    assert check_person(candidate("a", date_of_birth="2002-01-01"), terms) is Reason.ELIGIBLE
    assert check_person(candidate("b", date_of_birth="1990"), terms) is Reason.OUTSIDE_AGE_RANGE
    # Born some time in 2000: 24 or 25 on 23 May 2025.
    assert check_person(candidate("c", date_of_birth="2000"), terms) is Reason.AGE_UNCERTAIN
    assert check_person(candidate("d", date_of_birth=None), terms) is Reason.AGE_UNKNOWN


def test_health_and_capture_period_rules_apply() -> None:
    rule = EligibilityRule(
        Category.MILITARY,
        health=(Health.SERIOUSLY_ILL, Health.WOUNDED),
        captured_until=date(2022, 12, 31),
    )
    terms = replace(TERMS, eligibility=(rule,))
    ill = candidate("a", health=Health.SERIOUSLY_ILL, captured_on=date(2022, 4, 1))
    assert check_person(ill, terms) is Reason.ELIGIBLE
    assert check_person(replace(ill, health=Health.FIT), terms) is Reason.HEALTH_NOT_COVERED
    late = replace(ill, captured_on=date(2024, 1, 1))
    assert check_person(late, terms) is Reason.CAPTURED_OUTSIDE_PERIOD


def test_a_person_listed_twice_counts_once() -> None:
    report = check_eligibility(TERMS, [candidate("p1"), candidate("p1")])
    assert [v.reason for v in report.verdicts] == [Reason.ELIGIBLE, Reason.DUPLICATE]


def test_the_summary_tells_negotiators_how_many_are_eligible_and_why_not() -> None:
    people = [
        candidate("r1", "RU"),
        candidate("r2", "RU", already_released=True),
        candidate("r3", "RU", already_released=True),
        candidate("u1", "UA", deceased=True),
    ]
    report = check_eligibility(TERMS, people)
    assert report.counts() == {
        "RU": {"already_released": 2, "eligible": 1},
        "UA": {"deceased": 1},
    }
    summary = report.summary()
    assert "RU: 1 of 3 people on the offer are eligible" in summary
    assert "2  already released in an earlier exchange" in summary
    assert "UA: 0 of 1 people on the offer are eligible" in summary
