"""What time it is, behind a Protocol: use cases read ``uow.clock``, tests fix it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass
class FixedClock:
    """A clock that says ``at`` until moved on, for tests and reproducible runs.

    >>> clock = FixedClock(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    >>> clock.advance(dt.timedelta(hours=1)).now().hour
    1
    """

    at: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    def __post_init__(self) -> None:
        if self.at.utcoffset() != dt.timedelta(0):
            raise ValueError(f"a clock tells UTC time, not {self.at.isoformat()}")

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, by: dt.timedelta) -> FixedClock:
        self.at += by
        return self
