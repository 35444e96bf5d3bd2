"""Storage of a party's registries: the people it seeks or holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from homeward.domain.values import RegistryKind, Side


class RegistryRepository(Protocol):
    def ids(self, party: Side, kind: RegistryKind) -> list[int]:
        """Every person id in one of the party's registries, in id order."""
        ...

    def rows(self, person_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The registry rows of ``person_ids`` (column name -> value), in id order."""
        ...
