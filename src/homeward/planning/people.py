"""Facts about a candidate the terms depend on: age from a partial birth date, priority."""

from __future__ import annotations

from datetime import date

from homeward.planning.model import Candidate, Health, PriorityGroup, Terms

HELD_SINCE = date(2015, 1, 1)


def birth_bounds(date_of_birth: str | None) -> tuple[date, date] | None:
    """Earliest and latest possible birth date for ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    >>> birth_bounds("1999-02")
    (datetime.date(1999, 2, 1), datetime.date(1999, 2, 28))
    """
    if not date_of_birth:
        return None
    parts = date_of_birth.split("-")
    try:
        nums = [int(p) for p in parts]
        if len(nums) == 1:
            return date(nums[0], 1, 1), date(nums[0], 12, 31)
        if len(nums) == 2:
            first = date(nums[0], nums[1], 1)
            nxt = date(nums[0] + (nums[1] == 12), nums[1] % 12 + 1, 1)
            return first, date.fromordinal(nxt.toordinal() - 1)
        if len(nums) == 3:
            day = date(nums[0], nums[1], nums[2])
            return day, day
    except ValueError:
        return None
    return None


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_bounds(date_of_birth: str | None, on: date) -> tuple[int, int] | None:
    """Youngest and oldest possible age on ``on`` (None when the birth date is unknown)."""
    bounds = birth_bounds(date_of_birth)
    if bounds is None:
        return None
    earliest, latest = bounds
    return age_on(latest, on), age_on(earliest, on)


def in_group(person: Candidate, group: PriorityGroup, on: date) -> bool:
    """Membership counts only when certain (a partial birth date must be under 25 for sure)."""
    if group is PriorityGroup.SERIOUSLY_ILL:
        return person.health is Health.SERIOUSLY_ILL
    if group is PriorityGroup.HELD_SINCE_2014:
        return person.captured_on is not None and person.captured_on < HELD_SINCE
    if group is PriorityGroup.UNDER_25:
        ages = age_bounds(person.date_of_birth, on)
        return ages is not None and ages[1] < 25
    return (person.sex or "").lower() in ("f", "female")


def priority_of(person: Candidate, terms: Terms, on: date | None = None) -> PriorityGroup | None:
    """The highest-ranked priority group the person belongs to, if any."""
    when = on or terms.as_of
    for group in terms.priority_groups:
        if in_group(person, group, when):
            return group
    return None


def tier_of(person: Candidate, terms: Terms, on: date | None = None) -> int:
    """0 for the first priority group, ..., ``len(priority_groups)`` for nobody's group."""
    group = priority_of(person, terms, on)
    return len(terms.priority_groups) if group is None else terms.priority_groups.index(group)


def rank_key(person: Candidate, tier: int) -> tuple[int, int, str]:
    """Order within a side and category: priority tier, then longest held, then id."""
    held = person.captured_on.toordinal() if person.captured_on else date.max.toordinal()
    return tier, held, person.person_id


def outside_parity(person: Candidate, terms: Terms) -> bool:
    return terms.seriously_ill_outside_parity and person.health is Health.SERIOUSLY_ILL
