"""Lists the parties exchange before an exchange, and how to compare versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class ListKind(StrEnum):
    """What a submitted list says.

    SOUGHT: "these are our people we look for" (to the other side and the mediator).
    HOLDINGS_ACK: "these are the people of yours we acknowledge holding".
    RELEASE_OFFER: "these are the people we offer to release".
    """

    SOUGHT = "sought"
    HOLDINGS_ACK = "holdings_ack"
    RELEASE_OFFER = "release_offer"


@dataclass(frozen=True, slots=True)
class ListDiff:
    added: frozenset[int]
    removed: frozenset[int]

    @property
    def unchanged(self) -> bool:
        return not self.added and not self.removed


def diff_lists(old: Iterable[int], new: Iterable[int]) -> ListDiff:
    """What a new version of a list adds and removes: ``diff_lists([1, 2], [2, 3])``."""
    before, after = frozenset(old), frozenset(new)
    return ListDiff(added=after - before, removed=before - after)
