import datetime as dt

import pytest

from homeward.domain.values import PartialDate, Side


def test_partial_date_keeps_what_is_known_and_prints_it_back() -> None:
    assert str(PartialDate.parse("1990")) == "1990"
    assert str(PartialDate.parse("1990-04")) == "1990-04"
    assert str(PartialDate.parse("1990-04-07")) == "1990-04-07"


@pytest.mark.parametrize("text", ["1990-13", "1990-02-30", "90-01-01", "1990/01/01", "", "abcd"])
def test_partial_date_rejects_impossible_or_malformed_dates(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        PartialDate.parse(text)


def test_age_counts_whole_years_from_the_earliest_possible_birthday() -> None:
    assert PartialDate.parse("2000-06-15").age_on(dt.date(2025, 6, 14)) == 24
    assert PartialDate.parse("2000-06-15").age_on(dt.date(2025, 6, 15)) == 25
    assert PartialDate.parse("2000").age_on(dt.date(2025, 1, 1)) == 25


def test_each_belligerent_has_the_other_as_opponent_and_the_mediator_has_none() -> None:
    assert Side.UA.other is Side.RU
    assert Side.RU.other is Side.UA
    with pytest.raises(ValueError, match="no opposing side"):
        _ = Side.MEDIATOR.other
