"""Category agreements: all for all for the seriously ill and for those aged 18-25, person
by person, with clear words for contradicting terms and missing fields."""

from __future__ import annotations

import datetime as dt

import pytest

from homeward.domain.values import Category, Health
from homeward.planning.categories import (
    CategoryAgreement,
    CategoryRule,
    CategoryTermsError,
    category_terms_problems,
    category_terms_to_dict,
    check_categories,
    plan_stages,
)
from homeward.planning.model import Candidate

ON = dt.date(2025, 6, 2)
ILL = CategoryRule("seriously_ill", health=frozenset({Health.SERIOUSLY_ILL}))
YOUNG = CategoryRule("aged_18_25", min_age=18, max_age=25, age_on=ON)


def terms(
    *rules: CategoryRule, capacity: int = 2, per_side: int | None = None
) -> CategoryAgreement:
    return CategoryAgreement("Istanbul-2 2025", rules, ON, capacity, per_side=per_side)


def person(
    pid: str, side: str = "UA", *, born: str | None = "1980-01-01", **kw: object
) -> Candidate:
    return Candidate(pid, side, Category.MILITARY, date_of_birth=born, **kw)  # type: ignore[arg-type]


def test_each_person_is_shown_with_the_rule_that_includes_them_and_why_others_do_not() -> None:
    young = person("1", born="2003-05-01")
    ill = person("2", health=Health.SERIOUSLY_ILL)
    old = person("3", born="1975-03-03")
    report = check_categories(terms(ILL, YOUNG), [young, ill, old])
    by_id = {p.person_id: p for p in report.people}
    assert by_id["1"].included_by == "aged_18_25"
    assert by_id["2"].included_by == "seriously_ill"
    assert by_id["3"].included_by is None
    assert [v.why for v in by_id["3"].verdicts] == ["health fit", "aged 50 on 2025-06-02"]
    assert report.do_not_fit(["1", "3"]) == [
        "person 3 fits no agreed category (seriously_ill: health fit; "
        "aged_18_25: aged 50 on 2025-06-02)"
    ]


def test_a_person_in_two_categories_is_counted_once_in_the_first() -> None:
    both = person("1", born="2004-01-01", health=Health.SERIOUSLY_ILL)
    report = check_categories(terms(ILL, YOUNG), [both])
    assert report.people[0].included_by == "seriously_ill"
    assert report.people[0].also_fits == ("aged_18_25",)
    assert report.counts() == {"UA": {"seriously_ill": 1}}


def test_an_age_rule_on_a_person_without_a_birth_date_names_the_missing_field() -> None:
    report = check_categories(terms(YOUNG), [person("7", born=None)])
    assert report.people[0].included_by is None
    assert report.people[0].missing == ["aged_18_25: no birth date for the age rule"]


def test_a_partial_birth_date_counts_only_when_certainly_inside_the_bounds() -> None:
    report = check_categories(terms(YOUNG), [person("1", born="2000"), person("2", born="2007")])
    assert [p.included_by for p in report.people] == ["aged_18_25", None]
    assert report.people[1].verdicts[0].why == "aged 17-18 on 2025-06-02"


def test_contradicting_and_overlapping_categories_are_refused_naming_the_rule() -> None:
    backwards = CategoryRule("young", min_age=25, max_age=18, age_on=ON)
    twin = CategoryRule("ill_again", health=frozenset({Health.SERIOUSLY_ILL}))
    undated = CategoryRule("undated", max_age=25)
    problems = category_terms_problems(terms(ILL, backwards, twin, undated, CategoryRule("all")))
    assert "category 'young' contradicts itself: age from 25 to 18" in problems
    assert "categories 'seriously_ill' and 'ill_again' overlap entirely (the same rule)" in problems
    assert "category 'undated' has an age rule without a date (age_on)" in problems
    assert "category 'all' has no rule: it would take everyone" in problems
    with pytest.raises(CategoryTermsError, match="contradicts itself"):
        check_categories(terms(backwards), [])


def test_stages_take_everyone_eligible_the_seriously_ill_first_until_none_is_left() -> None:
    people = [person(str(i), born="2002-02-02") for i in range(1, 5)]
    people.append(person("9", health=Health.SERIOUSLY_ILL))
    people.append(person("8", side="RU", health=Health.SERIOUSLY_ILL))
    people.append(person("10", already_released=True, born="2002-02-02"))
    stages = plan_stages(terms(ILL, YOUNG), people, ["UA", "RU"])
    assert [s.date for s in stages] == [ON, ON + dt.timedelta(days=7), ON + dt.timedelta(days=14)]
    assert [[pid for pid, _ in s.people["UA"]] for s in stages] == [["9", "1"], ["2", "3"], ["4"]]
    assert [[pid for pid, _ in s.people["RU"]] for s in stages] == [["8"], [], []]


def test_a_number_per_side_caps_the_category_and_the_terms_have_a_canonical_form() -> None:
    people = [person(str(i), born="2002-02-02") for i in range(1, 6)]
    stages = plan_stages(terms(YOUNG, per_side=3, capacity=10), people, ["UA", "RU"])
    assert [len(s.people["UA"]) for s in stages] == [3]
    canonical = category_terms_to_dict(terms(ILL, YOUNG, per_side=3))
    assert canonical["categories"][1] == {
        "name": "aged_18_25",
        "min_age": 18,
        "max_age": 25,
        "reference_date": "2025-06-02",
    }
    assert canonical["per_side"] == 3
    assert canonical["all_for_all"] is False
