"""Ledger use cases: append events, commit to people, checkpoint, cosign, export, prove,
erase. Each takes a SQLAlchemy ``Connection`` inside the caller's transaction, so a
feature can log its event atomically with its own writes (``with engine.begin() as conn``).

>>> # with engine.begin() as conn:
>>> #     index = append_event(conn, "tranche_planned", {"tranche": 1, "size": 390})
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from homeward.adapters.ledger_store import LedgerStore
from homeward.ledger import commitments
from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.cosign import DivergenceError, cosign
from homeward.ledger.events import make_leaf
from homeward.ledger.export_format import dump_bundle, make_proof_bundle, write_export
from homeward.ledger.merkle import (
    CompactRange,
    NodeId,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
)
from homeward.ledger.note import (
    ED25519,
    NoteError,
    Signer,
    VerifierKey,
    open_note,
    sign_note,
)

__all__ = [
    "DEFAULT_ORIGIN",
    "DivergenceError",
    "LedgerError",
    "append_event",
    "append_events",
    "audit",
    "checkpoint_and_cosign",
    "cosign_checkpoint",
    "erase",
    "export",
    "leaf_payload",
    "make_checkpoint",
    "person_commitment",
    "prove",
    "recompute_commitment",
    "utc_now",
]

DEFAULT_ORIGIN = "homeward.invalid/exchange-ledger"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class LedgerError(Exception):
    """A ledger use case cannot proceed (nothing to prove, no checkpoint, ...)."""


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_events(
    conn: Connection,
    events: Iterable[tuple[str, Mapping[str, Any]]],
    clock: Clock = utc_now,
) -> int:
    """Append many events in the caller's transaction; return the index of the first.

    Raises EventError (a ValueError) for a float, a non-string key or a bad kind.
    """
    at = _iso(clock())
    leaves = [make_leaf(kind, payload, at) for kind, payload in events]
    return LedgerStore(conn).append(leaves)


def append_event(
    conn: Connection, kind: str, payload: Mapping[str, Any], clock: Clock = utc_now
) -> int:
    """Append one event; return its index. Payload values: str, int, bool, None, list, dict."""
    return append_events(conn, [(kind, payload)], clock)


def person_commitment(conn: Connection, person_id: str | int, canonical_record: bytes) -> str:
    """The hex commitment standing for a person in log entries (creates their key once).

    ``canonical_record`` is the person's record as canonical bytes (for instance
    ``canonical_json(record.as_row())``); only the commitment may go into a payload.
    """
    store = LedgerStore(conn)
    key = store.person_key(str(person_id))
    if key is None:
        key = commitments.new_key()
        store.add_person_key(str(person_id), key, utc_now())
    return commitments.commit(key, canonical_record)


def recompute_commitment(
    conn: Connection, person_id: str | int, canonical_record: bytes
) -> str | None:
    """The person's commitment if their key still exists, else None (erased)."""
    key = LedgerStore(conn).person_key(str(person_id))
    return None if key is None else commitments.commit(key, canonical_record)


def erase(conn: Connection, person_id: str | int) -> bool:
    """Delete the person's commitment key; entries stay and still verify, unlinkable."""
    return LedgerStore(conn).delete_person_key(str(person_id))


def make_checkpoint(
    conn: Connection,
    mediator: Signer,
    origin: str = DEFAULT_ORIGIN,
    clock: Clock = utc_now,
) -> str:
    """Sign a checkpoint of the whole log by the mediator; reuse one at the same size."""
    if mediator.sig_type != ED25519:
        raise LedgerError(f"key {mediator.name} is a cosigning key, not a log key")
    store = LedgerStore(conn)
    size = store.size()
    if size == 0:
        raise LedgerError("the ledger is empty; append an event before checkpointing")
    existing = store.checkpoint_at(size)
    if existing is not None:
        return existing.note
    root = store.root(size)
    note = sign_note(Checkpoint(origin, size, root).body(), [mediator])
    store.save_checkpoint(size, root, note, clock())
    return note


def cosign_checkpoint(
    conn: Connection,
    party: Signer,
    log_keys: Sequence[VerifierKey],
    origin: str = DEFAULT_ORIGIN,
    clock: Clock = utc_now,
) -> str:
    """``party`` cosigns the latest checkpoint after checking it extends the last one it
    cosigned; raises DivergenceError (and signs nothing) otherwise."""
    store = LedgerStore(conn)
    latest = store.latest_checkpoint()
    if latest is not None:
        latest = store.lock_checkpoint(latest.size)
    if latest is None:
        raise LedgerError("no checkpoint to cosign")
    last = store.cosigner_state(party.name)
    proof: list[bytes] = []
    if last is not None and 0 < last.size < latest.size:
        proof = consistency_proof(last.size, latest.size, store.fetch_nodes)
    note, state = cosign(
        party,
        latest.note,
        log_keys=log_keys,
        origin=origin,
        last=last,
        proof=proof,
        timestamp=int(clock().timestamp()),
    )
    store.replace_note(latest.size, note)
    store.set_cosigner_state(party.name, state)
    return note


def checkpoint_and_cosign(
    conn: Connection,
    mediator: Signer,
    parties: Sequence[Signer],
    origin: str = DEFAULT_ORIGIN,
    clock: Clock = utc_now,
) -> str:
    """``make_checkpoint`` then ``cosign_checkpoint`` by each party; return the final note."""
    note = make_checkpoint(conn, mediator, origin, clock)
    for party in parties:
        note = cosign_checkpoint(conn, party, [mediator.verifier], origin, clock)
    return note


def _signing_keys(note: str, keys: Sequence[VerifierKey]) -> list[VerifierKey]:
    """The given keys that actually signed ``note`` (one per signer name)."""
    try:
        opened = open_note(note, keys)
    except NoteError as exc:
        raise LedgerError(f"stored checkpoint does not verify: {exc}") from exc
    by_id = {(k.name, k.key_id): k for k in keys}
    return [by_id[(s.name, s.key_id)] for s in opened.verified]


def export(conn: Connection, out_dir: Path, keys: Sequence[VerifierKey]) -> int:
    """Write the latest checkpoint, its entries and its signers' keys to ``out_dir``."""
    store = LedgerStore(conn)
    latest = store.latest_checkpoint()
    if latest is None:
        raise LedgerError("no checkpoint yet; run make_checkpoint first")
    signers = _signing_keys(latest.note, keys)
    leaves = (leaf for _, leaf in store.iter_leaves(latest.size))
    return write_export(out_dir, leaves, latest.note, signers)


def prove(conn: Connection, index: int, keys: Sequence[VerifierKey]) -> bytes:
    """A JSON proof bundle that entry ``index`` is in the latest checkpoint covering it."""
    store = LedgerStore(conn)
    checkpoint = store.checkpoint_covering(index)
    leaf = store.leaf(index)
    if checkpoint is None or leaf is None:
        raise LedgerError(f"entry {index} is not covered by any checkpoint yet")
    proof = inclusion_proof(index, checkpoint.size, store.fetch_nodes)
    signers = _signing_keys(checkpoint.note, keys)
    return dump_bundle(
        make_proof_bundle(
            leaf,
            index=index,
            tree_size=checkpoint.size,
            proof=proof,
            note=checkpoint.note,
            keys=signers,
        )
    )


def audit(conn: Connection, batch: int = 20_000) -> int:
    """Recompute the tree from the stored leaves; check every stored subtree hash, the head
    and every checkpoint root. Return the size; raise LedgerError at the first mismatch."""
    store = LedgerStore(conn)
    size = store.size()
    if store.count_entries() != size:
        raise LedgerError(f"head says {size} entries but {store.count_entries()} are stored")
    checkpoints = {c.size: c.root for c in store.all_checkpoints()}
    tree = CompactRange()
    pending: dict[NodeId, bytes] = {}

    def flush() -> None:
        stored = store.fetch_nodes(list(pending))
        for node, value in pending.items():
            if stored.get(node) != value:
                raise LedgerError(f"stored subtree {node} does not match the leaves")
        pending.clear()

    for index, leaf in store.iter_leaves(size):
        if index != tree.size:
            raise LedgerError(f"entry {tree.size} is missing")
        hashed = leaf_hash(leaf)
        pending[(0, index)] = hashed
        pending.update(tree.append(hashed))
        if tree.size in checkpoints and checkpoints.pop(tree.size) != tree.root():
            raise LedgerError(f"checkpoint at size {tree.size} does not match the leaves")
        if len(pending) >= batch:
            flush()
    flush()
    if checkpoints:
        raise LedgerError(f"checkpoints beyond the log's {size} entries: {sorted(checkpoints)}")
    return size


def leaf_payload(conn: Connection, index: int) -> dict[str, Any] | None:
    leaf = LedgerStore(conn).leaf(index)
    return None if leaf is None else dict(json.loads(leaf))
