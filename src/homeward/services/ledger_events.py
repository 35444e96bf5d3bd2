"""The EventSink that writes to the co-signed log, with people as commitments."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Connection, select

from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_registry import persons
from homeward.services.ledger import append_event, person_commitment


def canonical_person(conn: Connection, person_id: int) -> bytes:
    """The person's record as canonical bytes: what the commitment hides."""
    row = conn.execute(select(persons).where(persons.c.id == person_id)).one()
    record = row_to_record(row)
    body = {"party": row.party, "kind": row.kind, **record.as_row()}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class LedgerEventSink:
    """Appends each event as one leaf of the workspace's Merkle log."""

    def __init__(self) -> None:
        self._refs: dict[int, str] = {}

    def append(self, conn: Connection, kind: str, payload: dict[str, Any]) -> int:
        # Domain events are named in CamelCase (PersonReleased); log entries in snake_case.
        return append_event(conn, re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower(), payload)

    def person_ref(self, conn: Connection, person_id: int) -> str:
        # The commitment key is fixed once made; caching saves a query per event. A cached
        # value can only be stale after erasure, which ends the person's part in the log.
        ref = self._refs.get(person_id)
        if ref is None:
            ref = person_commitment(conn, str(person_id), canonical_person(conn, person_id))
            self._refs[person_id] = ref
        return ref
