"""Answers that are not access decisions: a missing object (404), a bad input (422)."""

from __future__ import annotations


class NotFound(LookupError):
    """The object does not exist (after access was granted)."""


class BadInput(ValueError):
    """An input is wrong; ``field`` names it so the API and forms can point at it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Conflict(Exception):
    """The object's state does not allow the request now (409)."""
