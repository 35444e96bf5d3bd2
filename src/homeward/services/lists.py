"""Use cases on a party's lists as a whole: submit its registry, list versions, differences.

``services.exchange.submit_list`` submits a list of given person ids; here a party submits
everything its registry holds, to the other side and to the mediator at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.list_snapshots import shared_rows, submitted_rows
from homeward.adapters.tables_exchange import exchange_lists
from homeward.adapters.tables_registry import persons
from homeward.domain.collation import person_sort_key
from homeward.domain.lists import ListKind, diff_lists
from homeward.domain.values import RegistryKind, Side
from homeward.services.events import EventSink
from homeward.services.exchange import SubmitList, latest_list, submit_list

LIST_FROM_REGISTRY = {
    ListKind.SOUGHT: RegistryKind.SOUGHT,
    ListKind.HOLDINGS_ACK: RegistryKind.HOLDINGS,
}


def registry_ids(engine: Engine, party: Side, kind: RegistryKind) -> list[int]:
    """Every person id in one of the party's registries, in id order."""
    with engine.connect() as conn:
        query = select(persons.c.id).where(
            persons.c.party == party.value, persons.c.kind == kind.value
        )
        return sorted(conn.execute(query).scalars())


def submit_registry(engine: Engine, events: EventSink, party: Side, kind: ListKind) -> int:
    """Submit the party's whole registry as a new list version to the other side and the
    mediator; returns the version."""
    ids = registry_ids(engine, party, LIST_FROM_REGISTRY[kind])
    version = 0
    for recipient in (party.other, Side.MEDIATOR):
        version = submit_list(SubmitList(party, kind, recipient, ids), engine, events).version
    return version


@dataclass(frozen=True, slots=True)
class ListDraft:
    """What submitting a list now would change against the version the other side has."""

    kind: ListKind
    in_registry: int
    last_submitted: int
    to_add: int
    to_remove: int


def list_drafts(engine: Engine, party: Side) -> list[ListDraft]:
    """One draft per submittable list of ``party``."""
    out = []
    for kind, registry in LIST_FROM_REGISTRY.items():
        current = set(registry_ids(engine, party, registry))
        with engine.connect() as conn:
            last = set(latest_list(conn, party, kind, party.other))
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


@dataclass(frozen=True, slots=True)
class ListVersion:
    party: str
    kind: str
    recipient: str
    version: int
    size: int
    submitted_at: Any


def list_versions(engine: Engine, parties: tuple[Side, ...]) -> list[ListVersion]:
    """Every version of the lists the ``parties`` submitted, newest version first."""
    query = (
        select(exchange_lists)  # the size is stored with the list: no count of its items
        .where(exchange_lists.c.party.in_([p.value for p in parties]))
        .order_by(
            exchange_lists.c.party,
            exchange_lists.c.kind,
            exchange_lists.c.recipient,
            exchange_lists.c.version.desc(),
        )
    )
    with engine.connect() as conn:
        return [
            ListVersion(r.party, r.kind, r.recipient, r.version, int(r.size), r.submitted_at)
            for r in conn.execute(query)
        ]


def person_rows(engine: Engine, ids: list[int]) -> list[dict[str, Any]]:
    """The registry rows of ``ids``, by surname."""
    if not ids:
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(persons).where(persons.c.id.in_(ids)).order_by(persons.c.id))
        found = [dict(r._mapping) for r in rows]
    return sorted(
        found,
        key=lambda r: person_sort_key(r["surname"] or "", r["given_name"] or "", r["patronymic"]),
    )


def list_difference(
    engine: Engine, party: Side, kind: ListKind, recipient: Side, old: int, new: int
) -> dict[str, list[dict[str, Any]]]:
    """The people version ``new`` adds and removes against ``old``, and those on both whose
    row changed (200 of each at most), read from the two versions as submitted: the party's
    registry today is never shown."""
    with engine.connect() as conn:
        before = {r["id"]: r for r in submitted_rows(conn, party, kind, recipient, old)}
        after = {r["id"]: r for r in submitted_rows(conn, party, kind, recipient, new)}
    diff = diff_lists(before, after)

    def by_surname(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """In the order the registry page lists people (Ukrainian collation), not code points."""

        def key(r: dict[str, Any]) -> tuple[bytes, int]:
            name = person_sort_key(
                r.get("surname") or "", r.get("given_name") or "", r.get("patronymic")
            )
            return name, r["id"]

        return sorted(rows, key=key)[:200]

    changed = [
        after[i]
        for i in sorted(set(before) & set(after))
        if before[i]["content_hash"] != after[i]["content_hash"]
    ]
    return {
        "added": by_surname([after[i] for i in diff.added]),
        "removed": by_surname([before[i] for i in diff.removed]),
        "changed": by_surname(changed),
    }


def person_seen_by(
    engine: Engine, person: dict[str, Any], holder: Side, viewer: Side
) -> dict[str, Any]:
    """A person's row as ``viewer`` may see it: the holder sees its registry as it is;
    anyone else the row as the holder last submitted it to them (an empty row, with only
    the id, if it never did)."""
    if viewer is holder:
        return person
    with engine.connect() as conn:
        shared = shared_rows(conn, [int(person["id"])], viewer)
    return shared.get(int(person["id"]), {"id": person["id"]})
