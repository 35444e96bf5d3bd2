"""SQLAlchemy persistence for the ledger: one append is one transaction that writes the
leaves, every perfect subtree they complete, and the new head size together, so a crash
leaves either all of it or none of it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Connection,
    TextClause,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from homeward.adapters.tables_ledger import (
    ledger_checkpoints,
    ledger_cosigners,
    ledger_entries,
    ledger_head,
    ledger_nodes,
    ledger_person_keys,
)
from homeward.ledger.cosign import CosignerState
from homeward.ledger.merkle import CompactRange, NodeId, leaf_hash, perfect_nodes

__all__ = ["ConcurrentAppendError", "LedgerStore", "StoredCheckpoint"]

_HEAD_ID = 1
_SMALL_LOOKUP = 128
_ENSURE_HEAD = text(
    f"INSERT INTO ledger_head (id, size) VALUES ({_HEAD_ID}, 0) ON CONFLICT DO NOTHING"
)
_CHUNK = 5000


@lru_cache(maxsize=256)
def _lookup(leaves: int, nodes: int) -> TextClause:
    """SQL fetching ``leaves`` leaf hashes and ``nodes`` inner nodes in one round trip.

    Written as ORed key equalities because both SQLite and PostgreSQL answer those from the
    primary key, whereas SQLite scans the table for a row-value ``IN``. Cached per shape so
    nothing is compiled twice.
    """
    parts = []
    if leaves:
        marks = ", ".join(f":l{i}" for i in range(leaves))
        parts.append(f"SELECT 0, idx, leaf_hash FROM ledger_entries WHERE idx IN ({marks})")
    if nodes:
        keys = " OR ".join(f"(level = :v{i} AND idx = :i{i})" for i in range(nodes))
        parts.append(f"SELECT level, idx, hash FROM ledger_nodes WHERE {keys}")
    return text(" UNION ALL ".join(parts))


class ConcurrentAppendError(RuntimeError):
    """Another writer appended between reading and updating the head."""


class StoredCheckpoint:
    __slots__ = ("note", "root", "size")

    def __init__(self, size: int, root: bytes, note: str) -> None:
        self.size, self.root, self.note = size, root, note


class LedgerStore:
    """Ledger rows on one connection; the caller owns the transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- tree ---------------------------------------------------------------------------
    def size(self) -> int:
        value = self.conn.execute(
            select(ledger_head.c.size).where(ledger_head.c.id == _HEAD_ID)
        ).scalar()
        return int(value or 0)

    def _lock_head(self) -> int:
        """Take the write lock before reading anything, then read the size.

        The no-op UPDATE locks the head row on PostgreSQL and answers the size in the same
        round trip; the insert (``ON CONFLICT DO NOTHING`` is understood by SQLite and
        PostgreSQL alike) creates the row the first time, and the UPDATE is repeated. On
        SQLite the first write starts the write transaction (waiting on the busy timeout).
        Concurrent appends therefore queue up instead of racing for the same indexes.
        """
        lock = (
            update(ledger_head)
            .where(ledger_head.c.id == _HEAD_ID)
            .values(size=ledger_head.c.size)
            .returning(ledger_head.c.size)
        )
        size = self.conn.execute(lock).scalar()  # one round trip once the head exists
        if size is None:
            self.conn.execute(_ENSURE_HEAD)
            size = self.conn.execute(lock).scalar_one()
        return int(size)

    def lock_head(self) -> int:
        """Lock the log (as an append does) and return its size: two checkpoint signers
        then queue up instead of both inserting the same size."""
        return self._lock_head()

    def fetch_nodes(self, ids: Sequence[NodeId]) -> dict[NodeId, bytes]:
        """Perfect subtree hashes by (level, index); level 0 reads the leaf hashes.

        One round trip with prebuilt statements: proofs at a million leaves stay well
        under a millisecond because nothing is compiled per call.
        """
        found: dict[NodeId, bytes] = {}
        if not ids:
            return found
        if len(ids) > _SMALL_LOOKUP:
            return self._fetch_many(ids)
        leaves = [index for level, index in ids if level == 0]
        inner = [(level, index) for level, index in ids if level > 0]
        params: dict[str, int] = {f"l{i}": index for i, index in enumerate(leaves)}
        for i, (level, index) in enumerate(inner):
            params[f"v{i}"], params[f"i{i}"] = level, index
        rows = self.conn.execute(_lookup(len(leaves), len(inner)), params)
        for level, index, value in rows:
            found[(int(level), int(index))] = bytes(value)
        return found

    def _fetch_many(self, ids: Sequence[NodeId]) -> dict[NodeId, bytes]:
        """Bulk lookups (audits): one ``IN`` query per level and chunk."""
        by_level: dict[int, list[int]] = {}
        for level, index in ids:
            by_level.setdefault(level, []).append(index)
        found: dict[NodeId, bytes] = {}
        for level, indexes in by_level.items():
            for at in range(0, len(indexes), _CHUNK):
                chunk = indexes[at : at + _CHUNK]
                if level == 0:
                    query = select(ledger_entries.c.idx, ledger_entries.c.leaf_hash).where(
                        ledger_entries.c.idx.in_(chunk)
                    )
                else:
                    query = select(ledger_nodes.c.idx, ledger_nodes.c.hash).where(
                        ledger_nodes.c.level == level, ledger_nodes.c.idx.in_(chunk)
                    )
                found.update({(level, int(i)): bytes(h) for i, h in self.conn.execute(query)})
        return found

    def frontier(self, size: int) -> CompactRange:
        ids = CompactRange.frontier_ids(size)
        nodes = self.fetch_nodes(ids)
        missing = [node for node in ids if node not in nodes]
        if missing:
            raise LookupError(f"ledger lacks the frontier nodes {missing} at size {size}")
        return CompactRange(size, [nodes[node] for node in ids])

    def root(self, size: int) -> bytes:
        """The root hash of the first ``size`` leaves."""
        ids = perfect_nodes(0, size)
        return CompactRange(size, [self.fetch_nodes(ids)[n] for n in ids]).root()

    def append(self, leaves: Sequence[bytes]) -> int:
        """Append ``leaves`` and their completed subtrees; return the first new index."""
        first = self._lock_head()
        frontier = self.frontier(first)
        entries: list[dict[str, Any]] = []
        nodes: list[dict[str, Any]] = []
        for offset, leaf in enumerate(leaves):
            hashed = leaf_hash(leaf)
            entries.append({"idx": first + offset, "leaf": leaf, "leaf_hash": hashed})
            for (level, index), value in frontier.append(hashed):
                nodes.append({"level": level, "idx": index, "hash": value})
        if entries:
            self.conn.execute(insert(ledger_entries), entries)
        if nodes:
            self.conn.execute(insert(ledger_nodes), nodes)
        moved = self.conn.execute(
            update(ledger_head)
            .where(ledger_head.c.id == _HEAD_ID, ledger_head.c.size == first)
            .values(size=first + len(entries))
        )
        if moved.rowcount != 1:
            raise ConcurrentAppendError("the ledger grew during this append; retry")
        return first

    def leaf(self, index: int) -> bytes | None:
        value = self.conn.execute(
            select(ledger_entries.c.leaf).where(ledger_entries.c.idx == index)
        ).scalar()
        return None if value is None else bytes(value)

    def iter_leaves(self, size: int, batch: int = 20_000) -> Iterator[tuple[int, bytes]]:
        """Leaves 0..size-1 in order, fetched in keyset pages."""
        start = 0
        while start < size:
            rows = self.conn.execute(
                select(ledger_entries.c.idx, ledger_entries.c.leaf)
                .where(
                    ledger_entries.c.idx >= start,
                    ledger_entries.c.idx < min(size, start + batch),
                )
                .order_by(ledger_entries.c.idx)
            ).all()
            for idx, leaf in rows:
                yield int(idx), bytes(leaf)
            start += batch

    def count_entries(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(ledger_entries)).scalar_one())

    # -- checkpoints ----------------------------------------------------------------------
    def _checkpoint(self, row: Any) -> StoredCheckpoint | None:
        return None if row is None else StoredCheckpoint(int(row.size), bytes(row.root), row.note)

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        query = select(ledger_checkpoints).order_by(ledger_checkpoints.c.size.desc()).limit(1)
        return self._checkpoint(self.conn.execute(query).first())

    def latest_published(self) -> StoredCheckpoint | None:
        query = (
            select(ledger_checkpoints)
            .where(ledger_checkpoints.c.published_at.is_not(None))
            .order_by(ledger_checkpoints.c.size.desc())
            .limit(1)
        )
        return self._checkpoint(self.conn.execute(query).first())

    def published_at(self, size: int) -> datetime | None:
        query = select(ledger_checkpoints.c.published_at).where(ledger_checkpoints.c.size == size)
        value: datetime | None = self.conn.execute(query).scalar_one_or_none()
        return value

    def mark_published(self, size: int, at: datetime) -> None:
        self.conn.execute(
            update(ledger_checkpoints)
            .where(ledger_checkpoints.c.size == size, ledger_checkpoints.c.published_at.is_(None))
            .values(published_at=at)
        )

    def checkpoint_covering(self, index: int) -> StoredCheckpoint | None:
        """The latest published checkpoint whose tree contains leaf ``index``."""
        query = (
            select(ledger_checkpoints)
            .where(
                ledger_checkpoints.c.size > index,
                ledger_checkpoints.c.published_at.is_not(None),
            )
            .order_by(ledger_checkpoints.c.size.desc())
            .limit(1)
        )
        return self._checkpoint(self.conn.execute(query).first())

    def all_checkpoints(self) -> list[StoredCheckpoint]:
        query = select(ledger_checkpoints).order_by(ledger_checkpoints.c.size)
        return [
            StoredCheckpoint(int(r.size), bytes(r.root), r.note) for r in self.conn.execute(query)
        ]

    def checkpoint_at(self, size: int) -> StoredCheckpoint | None:
        query = select(ledger_checkpoints).where(ledger_checkpoints.c.size == size)
        return self._checkpoint(self.conn.execute(query).first())

    def save_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> None:
        self.conn.execute(
            insert(ledger_checkpoints).values(size=size, root=root, note=note, created_at=at)
        )

    def lock_checkpoint(self, size: int) -> StoredCheckpoint | None:
        """Lock one checkpoint row (no-op UPDATE) and read it, so that two cosigners
        appending to the same note cannot overwrite each other's signature."""
        self.conn.execute(
            update(ledger_checkpoints)
            .where(ledger_checkpoints.c.size == size)
            .values(note=ledger_checkpoints.c.note)
        )
        return self.checkpoint_at(size)

    def replace_note(self, size: int, note: str) -> None:
        self.conn.execute(
            update(ledger_checkpoints).where(ledger_checkpoints.c.size == size).values(note=note)
        )

    def cosigner_state(self, name: str) -> CosignerState | None:
        row = self.conn.execute(
            select(ledger_cosigners.c.size, ledger_cosigners.c.root).where(
                ledger_cosigners.c.name == name
            )
        ).first()
        return None if row is None else CosignerState(int(row.size), bytes(row.root))

    def set_cosigner_state(self, name: str, state: CosignerState) -> None:
        moved = self.conn.execute(
            update(ledger_cosigners)
            .where(ledger_cosigners.c.name == name)
            .values(size=state.size, root=state.root)
        )
        if moved.rowcount == 0:
            self.conn.execute(
                insert(ledger_cosigners).values(name=name, size=state.size, root=state.root)
            )

    # -- commitment keys ------------------------------------------------------------------
    def person_key(self, person_id: str) -> bytes | None:
        value = self.conn.execute(
            select(ledger_person_keys.c.hmac_key).where(ledger_person_keys.c.person_id == person_id)
        ).scalar()
        return None if value is None else bytes(value)

    def add_person_key(self, person_id: str, key: bytes, at: datetime) -> None:
        self.conn.execute(
            insert(ledger_person_keys).values(person_id=person_id, hmac_key=key, created_at=at)
        )

    def delete_person_key(self, person_id: str) -> bool:
        gone = self.conn.execute(
            delete(ledger_person_keys).where(ledger_person_keys.c.person_id == person_id)
        )
        return gone.rowcount > 0
