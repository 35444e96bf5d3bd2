"""Answers that are not access decisions: a missing object (404), a bad input (422), a
state that forbids the request now (409). ``NotFound`` and ``Conflict`` are the domain's
own (``homeward.domain.errors``): a service raises them, the app maps them once."""

from __future__ import annotations

from homeward.domain.errors import Conflict, NotFound

__all__ = ["BadInput", "Conflict", "NotFound"]


class BadInput(ValueError):
    """An input is wrong; ``field`` names it so the API and forms can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
