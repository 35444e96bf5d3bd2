"""C2SP tlog-witness ``add-checkpoint`` (https://c2sp.org/tlog-witness@v1.0.0), both ends.

The witness side is one pure function, :func:`add_checkpoint`: given the request body, the
logs the witness trusts and the checkpoint it last cosigned for the origin, it returns the
cosignature lines and the new state, or raises :class:`WitnessRefusal` carrying the HTTP
status the specification prescribes and a one-line reason. Storage, locking and HTTP live in
``homeward.adapters``.

Statuses (tlog-witness v1.0.0): 400 malformed request or old size above the checkpoint
size; 404 unknown origin; 403 no trusted signature verifies (or a trusted one fails); 409
with ``<size>\\n`` when the old size is not the size last cosigned, and when the sizes are
equal but the roots differ; 422 when the consistency proof fails.

The client side formats a request and reads the three kinds of answer.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from homeward.ledger.checkpoint import Checkpoint, CheckpointError
from homeward.ledger.merkle import HASH_SIZE, ProofError, verify_consistency
from homeward.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    Signer,
    VerifierKey,
    open_note,
    split_note,
)

__all__ = [
    "EMPTY_ROOT",
    "MAX_BODY",
    "MAX_PROOF_LINES",
    "SIZE_CONTENT_TYPE",
    "AddCheckpoint",
    "Cosigned",
    "WitnessRefusal",
    "add_checkpoint",
    "format_request",
    "origin_hash",
    "parse_request",
    "parse_size_body",
]

MAX_BODY = 1 << 16
"""Largest request body a witness reads (64 KiB: a checkpoint, 63 proof lines, signatures)."""
MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
EMPTY_ROOT = hashlib.sha256(b"").digest()
_MAX_SIZE = 2**63 - 1


class WitnessRefusal(Exception):
    """The witness does not cosign; ``status`` is the HTTP status the spec prescribes."""

    def __init__(self, status: int, reason: str, size: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.size = size  # for 409: the size the witness last cosigned

    def body(self) -> bytes:
        if self.status == 409 and self.size is not None:
            return f"{self.size}\n".encode()
        return (self.reason.replace("\n", " ") + "\n").encode()

    @property
    def content_type(self) -> str:
        if self.status == 409 and self.size is not None:
            return SIZE_CONTENT_TYPE
        return "text/plain; charset=utf-8"


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    note: str


@dataclass(frozen=True)
class Cosigned:
    """The last checkpoint a witness cosigned for one origin, with its full signed note."""

    size: int
    root: bytes
    note: str


def origin_hash(origin: str) -> str:
    """The monitoring path component: lowercase hex SHA-256 of the origin."""
    return hashlib.sha256(origin.encode()).hexdigest()


def _decimal(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or (text.startswith("0") and text != "0"):
        raise WitnessRefusal(400, f"{what} {text[:30]!r} is not a canonical decimal")
    value = int(text)
    if value > _MAX_SIZE:
        raise WitnessRefusal(400, f"{what} is too large")
    return value


def parse_request(body: bytes) -> AddCheckpoint:
    """Parse ``old N\\n`` + proof lines + ``\\n`` + checkpoint; raise 400 when malformed."""
    if len(body) > MAX_BODY:
        raise WitnessRefusal(413, f"request body is larger than {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessRefusal(400, f"request body is not UTF-8 (byte {exc.start})") from exc
    split = text.find("\n\n")
    if split < 0:
        raise WitnessRefusal(400, "request has no empty line before the checkpoint")
    head, note = text[:split].split("\n"), text[split + 2 :]
    if not head[0].startswith("old "):
        raise WitnessRefusal(400, "request line 1 is not 'old <size>'")
    old = _decimal(head[0][4:], "old size")
    if len(head) - 1 > MAX_PROOF_LINES:
        raise WitnessRefusal(400, f"request has more than {MAX_PROOF_LINES} proof lines")
    proof: list[bytes] = []
    for number, line in enumerate(head[1:], 2):
        try:
            value = base64.b64decode(line.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise WitnessRefusal(400, f"request line {number}: proof hash is not base64") from exc
        if len(value) != HASH_SIZE:
            raise WitnessRefusal(400, f"request line {number}: proof hash is not 32 bytes")
        proof.append(value)
    return AddCheckpoint(old, tuple(proof), note)


def format_request(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    lines = [f"old {old_size}"] + [base64.b64encode(p).decode() for p in proof]
    return ("\n".join(lines) + "\n\n" + note).encode("utf-8")


def parse_size_body(body: bytes) -> int:
    """The size in a 409 answer (``<size>\\n``); ValueError when malformed."""
    text = body.decode("ascii", errors="replace")
    if not text.endswith("\n") or "\n" in text[:-1]:
        raise ValueError("409 body is not one line ending in a newline")
    try:
        return _decimal(text[:-1], "size")
    except WitnessRefusal as exc:
        raise ValueError(exc.reason) from exc


def _parse_checkpoint(note: str) -> tuple[Checkpoint, str]:
    try:
        text, _, _ = split_note(note)
        return Checkpoint.parse(text), text
    except (NoteError, CheckpointError) as exc:
        raise WitnessRefusal(400, f"checkpoint: {exc}") from exc


def add_checkpoint(
    request: AddCheckpoint,
    *,
    trusted: Mapping[str, Sequence[VerifierKey]],
    last: Cosigned | None,
    signer: Signer,
    timestamp: int,
) -> tuple[str, Cosigned]:
    """Check ``request`` as a witness must; return its cosignature line and the new state.

    ``trusted`` maps each origin to the log keys trusted for it; ``last`` is the checkpoint
    last cosigned for the request's origin (None: never). Raises WitnessRefusal.
    """
    if signer.sig_type != COSIGNATURE_V1:
        raise ValueError(f"key {signer.name} is not a cosignature/v1 key")
    if timestamp <= 0:
        raise ValueError("a witness cosignature must carry a non-zero timestamp")
    checkpoint, text = _parse_checkpoint(request.note)
    keys = trusted.get(checkpoint.origin)
    if keys is None:
        raise WitnessRefusal(404, f"unknown log origin {checkpoint.origin!r}")
    log_keys = [k for k in keys if k.sig_type == ED25519]
    try:
        opened = open_note(request.note, log_keys)
    except NoteError as exc:  # SignatureError included: a trusted key's signature fails
        raise WitnessRefusal(403, f"checkpoint: {exc}") from exc
    if request.old_size > checkpoint.size:
        raise WitnessRefusal(
            400, f"old size {request.old_size} exceeds the checkpoint size {checkpoint.size}"
        )
    last_size = 0 if last is None else last.size
    if request.old_size != last_size:
        raise WitnessRefusal(
            409, f"old size {request.old_size} is not the size last cosigned", last_size
        )
    if checkpoint.size == 0 and checkpoint.root != EMPTY_ROOT:
        raise WitnessRefusal(422, "a checkpoint of size 0 must carry the empty tree's root")
    if last is not None and last.size == checkpoint.size and last.root != checkpoint.root:
        raise WitnessRefusal(
            409, f"size {checkpoint.size} was cosigned with another root hash", last_size
        )
    if request.old_size == 0:
        if request.proof:
            raise WitnessRefusal(422, "a proof from size 0 must be empty")
    elif last is not None and request.old_size < checkpoint.size:
        try:
            verify_consistency(
                request.old_size, checkpoint.size, request.proof, last.root, checkpoint.root
            )
        except ProofError as exc:
            raise WitnessRefusal(422, f"consistency proof: {exc}") from exc
    elif request.proof:
        raise WitnessRefusal(422, "sizes are equal but the proof is not empty")
    _, sigs, lines = split_note(request.note)
    verified = {(s.name, s.key_id) for s in opened.verified}
    log_lines = [
        line for (name, kid, _), line in zip(sigs, lines, strict=True) if (name, kid) in verified
    ]
    own = signer.signature_line(text, timestamp)
    state = Cosigned(checkpoint.size, checkpoint.root, text + "\n" + "".join(log_lines) + own)
    return own, state
