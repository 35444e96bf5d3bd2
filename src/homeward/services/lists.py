"""Use cases on a party's lists as a whole: submit its registry, list versions, differences.

``services.exchange.submit_list`` submits a list of given person ids; here a party submits
everything its registry holds, to the other side and to the mediator at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from homeward.domain.collation import person_sort_key
from homeward.domain.errors import NotAllowed
from homeward.domain.lists import ListKind, diff_lists
from homeward.domain.values import RegistryKind, Side
from homeward.services.exchange import CompareVersions, SubmitList, submit_in
from homeward.services.repositories.lists import ListVersion
from homeward.services.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "LIST_FROM_REGISTRY",
    "CompareVersions",
    "ListDraft",
    "ListVersion",
    "SubmitRegistry",
    "list_difference",
    "list_drafts",
    "list_versions",
    "person_rows",
    "registry_ids",
    "submit_registry",
]

LIST_FROM_REGISTRY = {
    ListKind.SOUGHT: RegistryKind.SOUGHT,
    ListKind.HOLDINGS_ACK: RegistryKind.HOLDINGS,
}


def registry_ids(party: Side, kind: RegistryKind, uow: UnitOfWork) -> list[int]:
    """Every person id in one of the party's registries, in id order."""
    with uow:
        return uow.registry.ids(party, kind)


@dataclass(frozen=True, slots=True)
class SubmitRegistry:
    """Submit ``party``'s whole registry as its ``kind`` list (sought or holdings)."""

    party: Side
    kind: ListKind


def submit_registry(command: SubmitRegistry, uow: UnitOfWork) -> int:
    """Submit the party's whole registry as a new list version to the other side and the
    mediator, both in one transaction; returns the version."""
    registry = LIST_FROM_REGISTRY.get(command.kind)
    if registry is None:
        raise NotAllowed(f"a {command.kind.value} list is not submitted from a registry")
    party = command.party
    with uow:
        ids = uow.registry.ids(party, registry)
        version = 0
        for recipient in (party.other, Side.MEDIATOR):
            version = submit_in(uow, SubmitList(party, command.kind, recipient, ids)).version
        uow.commit()
    return version


@dataclass(frozen=True, slots=True)
class ListDraft:
    """What submitting a list now would change against the version the other side has."""

    kind: ListKind
    in_registry: int
    last_submitted: int
    to_add: int
    to_remove: int


def list_drafts(party: Side, uow: UnitOfWork) -> list[ListDraft]:
    """One draft per submittable list of ``party``."""
    out = []
    with uow:
        for kind, registry in LIST_FROM_REGISTRY.items():
            current = set(uow.registry.ids(party, registry))
            last = set(uow.lists.latest(party, kind, party.other))
            out.append(
                ListDraft(
                    kind=kind,
                    in_registry=len(current),
                    last_submitted=len(last),
                    to_add=len(current - last),
                    to_remove=len(last - current),
                )
            )
    return out


def list_versions(parties: Sequence[Side], uow: UnitOfWork) -> list[ListVersion]:
    """Every version of the lists the ``parties`` submitted, newest version first."""
    with uow:
        return uow.lists.versions(parties)


def _by_name(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """In the order the registry page lists people (Ukrainian collation), not code points."""

    def key(r: dict[str, Any]) -> tuple[bytes, int]:
        name = person_sort_key(
            r.get("surname") or "", r.get("given_name") or "", r.get("patronymic")
        )
        return name, r["id"]

    return sorted(rows, key=key)


def person_rows(engine: Engine, ids: list[int]) -> list[dict[str, Any]]:
    """The registry rows of ``ids``, by surname. Kept with an engine for
    ``services.list_matching``; goes once list_matching is converted."""
    from homeward.adapters.repositories.registry import SqlRegistryRepository

    if not ids:
        return []
    with engine.connect() as conn:
        return _by_name(SqlRegistryRepository(conn).rows(ids))


def list_difference(query: CompareVersions, uow: UnitOfWork) -> dict[str, list[dict[str, Any]]]:
    """The people version ``new`` adds and removes against ``old``, and those on both whose
    row changed (200 of each at most), read from the two versions as submitted: the party's
    registry today is never shown."""
    with uow:
        rows = uow.lists.submitted_rows
        before = {r["id"]: r for r in rows(query.party, query.kind, query.recipient, query.old)}
        after = {r["id"]: r for r in rows(query.party, query.kind, query.recipient, query.new)}
    diff = diff_lists(before, after)
    changed = [
        after[i]
        for i in sorted(set(before) & set(after))
        if before[i]["content_hash"] != after[i]["content_hash"]
    ]
    return {
        "added": _by_name([after[i] for i in diff.added])[:200],
        "removed": _by_name([before[i] for i in diff.removed])[:200],
        "changed": _by_name(changed)[:200],
    }
