"""The EventSink that writes to the co-signed log, with people as commitments and staff as
pseudonymous actor ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_disclosure import actor_keys
from homeward.adapters.tables_registry import persons
from homeward.ledger import commitments
from homeward.ledger.privacy import ACTOR_ID, PARTIES, is_actor_key
from homeward.services.events import EventSink
from homeward.services.ledger import (
    append_event,
    append_leaves,
    event_leaf,
    person_commitment,
)


def canonical_person(conn: Connection, person_id: int) -> bytes:
    """The person's record as canonical bytes: what the commitment hides."""
    row = conn.execute(select(persons).where(persons.c.id == person_id)).one()
    record = row_to_record(row)
    body = {"party": row.party, "kind": row.kind, **record.as_row()}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def actor_key(conn: Connection) -> bytes:
    """The workspace's key for actor ids, made once (random, never in the log or export)."""
    key = conn.execute(select(actor_keys.c.hmac_key).where(actor_keys.c.id == 1)).scalar()
    if key is not None:
        return bytes(key)
    fresh = commitments.new_key()
    try:
        with conn.begin_nested():  # two first events at once: the loser reads the winner's
            conn.execute(
                insert(actor_keys).values(id=1, hmac_key=fresh, created_at=dt.datetime.now(dt.UTC))
            )
    except IntegrityError:
        return bytes(conn.execute(select(actor_keys.c.hmac_key)).scalar_one())
    return fresh


def actor_id(key: bytes, username: str) -> str:
    """The pseudonymous id of a member of staff: ``actor-`` and 16 hex digits of an HMAC
    of the username (case-folded). The mediator, holding the key, can say who it was; no
    one else can.

    >>> actor_id(bytes(32), "UA.Officer") == actor_id(bytes(32), "ua.officer")
    True
    """
    digest = hmac.new(key, username.strip().casefold().encode(), hashlib.sha256).hexdigest()
    return f"actor-{digest[:16]}"


class LedgerEventSink:
    """Appends each event as one leaf of the workspace's Merkle log."""

    def __init__(self) -> None:
        self._refs: dict[int, str] = {}

    def append(self, conn: Connection, kind: str, payload: dict[str, Any]) -> int:
        return append_event(conn, _entry_name(kind), self._pseudonymous(conn, payload))

    def leaf(
        self, conn: Connection, kind: str, payload: dict[str, Any], key: bytes | None = None
    ) -> bytes:
        """The leaf ``append`` would write now, without writing it (``key``: the actor key,
        when the caller has read it in this transaction)."""
        return event_leaf(_entry_name(kind), self._pseudonymous(conn, payload, key))

    def actor_ref(self, conn: Connection, actor: str, key: bytes | None = None) -> str:
        """The actor id that stands for ``actor`` (a username) in the log. The key is read
        each time unless given, not cached: the transaction that made it may yet roll
        back (a batch reads it once, in its own transaction)."""
        return actor_id(key if key is not None else actor_key(conn), actor)

    def _pseudonymous(
        self, conn: Connection, payload: dict[str, Any], key: bytes | None = None
    ) -> dict[str, Any]:
        """``payload`` with every username under a ``by``-style key replaced by its actor
        id: services name who acted; the log never does."""
        out: dict[str, Any] = {}
        for name, value in payload.items():
            if isinstance(value, dict):
                value = self._pseudonymous(conn, value, key)
            elif (
                is_actor_key(name)
                and isinstance(value, str)
                and value not in PARTIES
                and not ACTOR_ID.fullmatch(value)
            ):
                value = self.actor_ref(conn, value, key)
            out[name] = value
        return out

    def person_ref(self, conn: Connection, person_id: int) -> str:
        # The commitment key is fixed once made; caching saves a query per event. A cached
        # value can only be stale after erasure, which ends the person's part in the log.
        ref = self._refs.get(person_id)
        if ref is None:
            ref = person_commitment(conn, str(person_id), canonical_person(conn, person_id))
            self._refs[person_id] = ref
        return ref


def _entry_name(kind: str) -> str:
    """Domain events are named in CamelCase (PersonReleased); log entries in snake_case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


class BatchedEvents:
    """An EventSink for a batch of use cases in one transaction: each event is checked and
    made into its leaf at once, and the batch's leaves are appended together by ``flush``
    at its end, so the log's head is locked once per batch and only until the commit.
    ``undo`` drops the events of a use case whose savepoint rolled back. ``append``
    answers -1: an event's index is known only at the flush."""

    def __init__(self, sink: LedgerEventSink) -> None:
        self.sink = sink
        self.leaves: list[bytes] = []
        self._key: bytes | None = None  # the actor key, read once in the batch's transaction

    def append(self, conn: Connection, kind: str, payload: dict[str, Any]) -> int:
        if self._key is None:
            self._key = actor_key(conn)
        self.leaves.append(self.sink.leaf(conn, kind, payload, self._key))
        return -1

    def person_ref(self, conn: Connection, person_id: int) -> str:
        return self.sink.person_ref(conn, person_id)

    def mark(self) -> int:
        return len(self.leaves)

    def undo(self, mark: int) -> None:
        del self.leaves[mark:]

    def flush(self, conn: Connection) -> None:
        if self.leaves:
            append_leaves(conn, self.leaves)
        self.leaves = []


class _Unbatched:
    """Any other sink (a test's memory sink): appended at once, nothing to undo."""

    def __init__(self, sink: EventSink) -> None:
        self.sink = sink

    def append(self, conn: Connection, kind: str, payload: dict[str, Any]) -> int:
        return self.sink.append(conn, kind, payload)

    def person_ref(self, conn: Connection, person_id: int) -> str:
        return self.sink.person_ref(conn, person_id)

    def mark(self) -> int:
        return 0

    def undo(self, mark: int) -> None:
        """Nothing was held back."""

    def flush(self, conn: Connection) -> None:
        """Nothing was held back."""


def batched(sink: EventSink) -> BatchedEvents | _Unbatched:
    """The sink for a batch: the log's events batched, any other sink as it is."""
    return BatchedEvents(sink) if isinstance(sink, LedgerEventSink) else _Unbatched(sink)
