"""Ledger use cases: append events, commit to people, checkpoint, store the witnesses'
cosignatures and publish, export, prove, erase. Each takes a SQLAlchemy ``Connection``
inside the caller's transaction, so a feature can log its event atomically with its own
writes (``with engine.begin() as conn``).

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
from homeward.ledger.cosign import CosignerState, DivergenceError
from homeward.ledger.events import make_leaf
from homeward.ledger.export_format import dump_bundle, make_proof_bundle, write_export
from homeward.ledger.merkle import (
    CompactRange,
    NodeId,
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
    split_note,
)

__all__ = [
    "DEFAULT_ORIGIN",
    "DivergenceError",
    "LedgerError",
    "add_cosignatures",
    "append_event",
    "append_events",
    "audit",
    "erase",
    "export",
    "leaf_payload",
    "make_checkpoint",
    "person_commitment",
    "prove",
    "publish_if_signed",
    "recompute_commitment",
    "signed_by",
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


def event_leaf(kind: str, payload: Mapping[str, Any], clock: Clock = utc_now) -> bytes:
    """The leaf ``append_event`` would write now, checked as it would check it: for writers
    that append a batch's events together at its end."""
    return make_leaf(kind, payload, _iso(clock()))


def append_leaves(conn: Connection, leaves: Sequence[bytes]) -> int:
    """Append leaves made by ``event_leaf`` in the caller's transaction; return the first
    index."""
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
    size = store.lock_head()
    if size == 0:
        raise LedgerError("the ledger is empty; append an event before checkpointing")
    existing = store.checkpoint_at(size)
    if existing is not None:
        return existing.note
    root = store.root(size)
    note = sign_note(Checkpoint(origin, size, root).body(), [mediator])
    store.save_checkpoint(size, root, note, clock())
    return note


def add_cosignatures(
    conn: Connection,
    size: int,
    witness: VerifierKey,
    lines: Sequence[str],
    log_keys: Sequence[VerifierKey],
) -> str:
    """Store a witness's cosignature lines on the checkpoint at ``size``, replacing any
    older line by the same key; return the note. Only lines that verify under ``witness``
    are kept (LedgerError if none does)."""
    store = LedgerStore(conn)
    stored = store.lock_checkpoint(size)
    if stored is None:
        raise LedgerError(f"no checkpoint at size {size}")
    text, sigs, kept_lines = split_note(stored.note)
    try:
        opened = open_note(text + "\n" + "".join(lines), [witness])
    except NoteError as exc:
        raise LedgerError(f"cosignature by {witness.name} does not verify: {exc}") from exc
    own = (witness.name, witness.key_id)
    kept = [
        line for (name, kid, _), line in zip(sigs, kept_lines, strict=True) if (name, kid) != own
    ]
    new = [line for line in opened.signature_lines if _line_key(line) == own]
    note = text + "\n" + "".join(kept + new[:1])
    open_note(note, list(log_keys))  # the log's own signature must still verify
    store.replace_note(size, note)
    store.set_cosigner_state(witness.name, CosignerState(stored.size, stored.root))
    return note


def _line_key(line: str) -> tuple[str, bytes]:
    _, sigs, _ = split_note("x\n\n" + line)
    return sigs[0][0], sigs[0][1]


def signed_by(note: str, keys: Sequence[VerifierKey]) -> set[str]:
    """The names among ``keys`` whose signature on ``note`` verifies."""
    try:
        return {s.name for s in open_note(note, keys).verified}
    except NoteError:
        return set()


def publish_if_signed(
    conn: Connection,
    size: int,
    required: Sequence[VerifierKey],
    clock: Clock = utc_now,
) -> bool:
    """Mark the checkpoint at ``size`` published if every ``required`` key signed it."""
    store = LedgerStore(conn)
    stored = store.checkpoint_at(size)
    if stored is None:
        return False
    names = {k.name for k in required}
    if not names <= signed_by(stored.note, required):
        return False
    store.mark_published(size, clock())
    return True


def _signing_keys(note: str, keys: Sequence[VerifierKey]) -> list[VerifierKey]:
    """The given keys that actually signed ``note`` (one per signer name)."""
    try:
        opened = open_note(note, keys)
    except NoteError as exc:
        raise LedgerError(f"stored checkpoint does not verify: {exc}") from exc
    by_id = {(k.name, k.key_id): k for k in keys}
    return [by_id[(s.name, s.key_id)] for s in opened.verified]


def export(conn: Connection, out_dir: Path, keys: Sequence[VerifierKey]) -> int:
    """Write the latest published checkpoint, its entries and its signers' keys to ``out_dir``."""
    store = LedgerStore(conn)
    latest = store.latest_published()
    if latest is None:
        pending = store.latest_checkpoint()
        if pending is not None:
            raise LedgerError(
                f"no published checkpoint yet: the one at size {pending.size} still lacks "
                "cosignatures the witness policy requires (see `homeward witnesses status`)"
            )
        raise LedgerError("no checkpoint yet; run make_checkpoint first")
    signers = _signing_keys(latest.note, keys)
    leaves = (leaf for _, leaf in store.iter_leaves(latest.size))
    return write_export(out_dir, leaves, latest.note, signers)


def prove(conn: Connection, index: int, keys: Sequence[VerifierKey]) -> bytes:
    """A JSON proof bundle that entry ``index`` is in the latest published checkpoint
    covering it."""
    store = LedgerStore(conn)
    checkpoint = store.checkpoint_covering(index)
    leaf = store.leaf(index)
    if checkpoint is None or leaf is None:
        raise LedgerError(f"entry {index} is not covered by any published checkpoint yet")
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
