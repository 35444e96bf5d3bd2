"""A party's cosigning rule (c2sp.org/tlog-cosignature): never sign a rewritten history.

A cosigner remembers the last checkpoint it cosigned. It signs a new one only if the log
key signed it, the origin is the expected one, and a consistency proof shows the old tree
is a prefix of the new one. Anything else raises DivergenceError and signs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from homeward.ledger.checkpoint import Checkpoint, CheckpointError
from homeward.ledger.merkle import ProofError, verify_consistency
from homeward.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    Signer,
    VerifierKey,
    open_note,
    split_note,
)

__all__ = ["CosignerState", "DivergenceError", "cosign"]


class DivergenceError(Exception):
    """The log presented a checkpoint inconsistent with what this party cosigned before."""


@dataclass(frozen=True)
class CosignerState:
    """The last checkpoint a party cosigned (size 0: none yet)."""

    size: int
    root: bytes


def cosign(
    signer: Signer,
    note: str,
    *,
    log_keys: Sequence[VerifierKey],
    origin: str,
    last: CosignerState | None,
    proof: Sequence[bytes],
    timestamp: int,
) -> tuple[str, CosignerState]:
    """Return ``note`` with ``signer``'s cosignature appended and the party's new state.

    ``proof`` proves ``last`` consistent with the checkpoint in ``note``.
    """
    if signer.sig_type != COSIGNATURE_V1:
        raise ValueError(f"key {signer.name} is not a cosignature/v1 key")
    log_only = [k for k in log_keys if k.sig_type == ED25519]
    try:
        opened = open_note(note, log_only)
        checkpoint = Checkpoint.parse(opened.text)
    except (NoteError, CheckpointError) as exc:
        raise DivergenceError(f"{signer.name} refuses to cosign: {exc}") from exc
    if checkpoint.origin != origin:
        raise DivergenceError(
            f"{signer.name} refuses to cosign: origin {checkpoint.origin!r} is not {origin!r}"
        )
    if last is not None and last.size > 0:
        if checkpoint.size < last.size:
            raise DivergenceError(
                f"{signer.name} refuses to cosign: size {checkpoint.size} is smaller than the "
                f"size {last.size} it cosigned before (rollback)"
            )
        try:
            verify_consistency(last.size, checkpoint.size, proof, last.root, checkpoint.root)
        except ProofError as exc:
            raise DivergenceError(
                f"{signer.name} refuses to cosign: the log at size {checkpoint.size} is not "
                f"an extension of the log it cosigned at size {last.size} ({exc})"
            ) from exc
    own = signer.verifier
    _, sigs, lines = split_note(note)
    kept = [
        line
        for (name, kid, _), line in zip(sigs, lines, strict=True)
        if (name, kid) != (own.name, own.key_id)
    ]
    signed = opened.text + "\n" + "".join(kept) + signer.signature_line(opened.text, timestamp)
    return signed, CosignerState(checkpoint.size, checkpoint.root)
