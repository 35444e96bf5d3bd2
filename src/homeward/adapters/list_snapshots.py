"""Submitted lists as the other side and the mediator see them: snapshots of the rows.

A list version keeps, for each person, the row as it stood when the party submitted it
(``exchange_list_items.record``). Whatever the party changes in its registry afterwards
stays its own until it submits again: every reader outside the party reads these
snapshots, never ``persons``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, select

from homeward.adapters.tables_exchange import exchange_list_items, exchange_lists
from homeward.adapters.tables_registry import persons
from homeward.domain.lists import ListKind
from homeward.domain.person import PERSON_FIELDS
from homeward.domain.values import Side

SNAPSHOT_COLUMNS: tuple[str, ...] = (
    "party",
    "kind",
    *PERSON_FIELDS,
    "extra",
    "custody",
    "content_hash",
)
"""What a snapshot keeps of a persons row: everything but the internal ids."""


def snapshot_of(row: Row[Any] | Mapping[str, Any]) -> str:
    """The row as canonical JSON, for ``exchange_list_items.record``."""
    mapping = row._mapping if isinstance(row, Row) else row
    return json.dumps(
        {name: mapping[name] for name in SNAPSHOT_COLUMNS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def snapshot_rows(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    """person id -> snapshot of the current row, for the rows being submitted."""
    out: dict[int, str] = {}
    chunk = 5000  # keeps each IN list well under every database's parameter limit
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        for row in conn.execute(select(persons).where(persons.c.id.in_(part))):
            out[int(row.id)] = snapshot_of(row)
    return out


def _as_row(person_id: int, record: str | None) -> dict[str, Any]:
    if record is None:
        raise LookupError(f"list item of person {person_id} has no snapshot")
    row: dict[str, Any] = json.loads(record)
    row["id"] = person_id
    return row


def _newest_list_id(
    conn: Connection, party: Side, kind: ListKind, recipient: Side, version: int | None
) -> int | None:
    query = select(exchange_lists.c.id).where(
        exchange_lists.c.party == party.value,
        exchange_lists.c.kind == kind.value,
        exchange_lists.c.recipient == recipient.value,
    )
    if version is None:
        query = query.order_by(exchange_lists.c.version.desc()).limit(1)
    else:
        query = query.where(exchange_lists.c.version == version)
    found = conn.execute(query).scalar()
    return None if found is None else int(found)


def submitted_rows(
    conn: Connection, party: Side, kind: ListKind, recipient: Side, version: int | None = None
) -> list[dict[str, Any]]:
    """The rows of one list version as submitted (the newest when ``version`` is None),
    each with its person ``id``; empty when nothing was submitted."""
    list_id = _newest_list_id(conn, party, kind, recipient, version)
    if list_id is None:
        return []
    query = (
        select(exchange_list_items.c.person_id, exchange_list_items.c.record)
        .where(exchange_list_items.c.list_id == list_id)
        .order_by(exchange_list_items.c.person_id)
    )
    return [_as_row(int(pid), record) for pid, record in conn.execute(query)]


def shared_rows(
    conn: Connection, person_ids: Iterable[int], recipient: Side
) -> dict[int, dict[str, Any]]:
    """person id -> the newest snapshot of that person submitted to ``recipient`` (any
    list kind); people never submitted to ``recipient`` are left out."""
    wanted = sorted(set(person_ids))
    if not wanted:
        return {}
    query = (
        select(exchange_list_items.c.person_id, exchange_list_items.c.record)
        .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
        .where(
            exchange_lists.c.recipient == recipient.value,
            exchange_list_items.c.person_id.in_(wanted),
            exchange_list_items.c.record.is_not(None),
        )
        .order_by(exchange_lists.c.submitted_at, exchange_lists.c.id)
    )
    out: dict[int, dict[str, Any]] = {}
    for pid, record in conn.execute(query):  # later submissions overwrite earlier ones
        out[int(pid)] = _as_row(int(pid), record)
    return out


def shared_with(recipient: Side) -> Select[tuple[int]]:
    """A subquery: ids of the people some list submitted to ``recipient`` holds."""
    return (
        select(exchange_list_items.c.person_id)
        .join(exchange_lists, exchange_lists.c.id == exchange_list_items.c.list_id)
        .where(exchange_lists.c.recipient == recipient.value)
    )
