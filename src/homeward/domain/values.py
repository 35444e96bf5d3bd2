"""Value objects shared by the whole domain: codes, enumerations and partial dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """The two belligerent parties of an exchange and the neutral mediator."""

    UA = "UA"
    RU = "RU"
    MEDIATOR = "MED"

    @property
    def other(self) -> Side:
        """The opposing belligerent: ``Side.UA.other is Side.RU``."""
        if self is Side.UA:
            return Side.RU
        if self is Side.RU:
            return Side.UA
        raise ValueError("the mediator has no opposing side")


BELLIGERENTS = (Side.UA, Side.RU)


class LegalStatus(StrEnum):
    """Legal status under GCIII and GCIV, plus the tracing statuses."""

    POW = "pow"
    CIVILIAN_INTERNEE = "civilian_internee"
    CIVILIAN_DETAINED = "civilian_detained"
    MISSING = "missing"
    DECEASED = "deceased"
    REMAINS = "remains"


class Category(StrEnum):
    """Exchange category: agreements set quotas per category."""

    MILITARY = "military"
    CIVILIAN = "civilian"


class Health(StrEnum):
    FIT = "fit"
    WOUNDED = "wounded"
    SERIOUSLY_ILL = "seriously_ill"


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class Custody(StrEnum):
    """Custody confirmation, weakest to strongest."""

    CLAIMED_BY_FAMILY = "claimed_by_family"
    ACKNOWLEDGED = "acknowledged"
    CONFIRMED = "confirmed"
    VISITED = "visited"

    @property
    def rank(self) -> int:
        return list(Custody).index(self)


class RegistryKind(StrEnum):
    """A party keeps two registries: people it holds and its own people it seeks."""

    HOLDINGS = "holdings"
    SOUGHT = "sought"


# ASCII digits only: \d would also take Arabic-Indic (١٩٩٠) and full-width (１９９０) digits.
_PARTIAL_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day: ``PartialDate.parse("1990-04")``."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1800 <= self.year <= 2200:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1-12")
        if self.day is not None:
            assert self.month is not None
            dt.date(self.year, self.month, self.day)  # raises ValueError on 2023-02-30

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError with the reason otherwise."""
        found = _PARTIAL_DATE.fullmatch(text.strip())
        if not found:
            raise ValueError(f"{text!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = found.groups()
        try:
            return cls(int(year), int(month) if month else None, int(day) if day else None)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a valid date: {exc}") from None

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def age_on(self, when: dt.date) -> int:
        """Age in whole years on ``when``, counting an unknown day or month as the earliest."""
        born = self.earliest()
        return when.year - born.year - ((when.month, when.day) < (born.month, born.day))

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
