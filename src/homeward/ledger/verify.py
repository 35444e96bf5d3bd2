"""Offline verification of an export or a proof bundle; names the first fault exactly.

Every failure, however hostile the input, is a VerificationError whose message says where:
``entries.jsonl line 17: ...``, ``checkpoint: signature by UA does not verify``,
``keys/UA.vkey: ...``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homeward.ledger.canonical import canonical_json
from homeward.ledger.checkpoint import Checkpoint, CheckpointError
from homeward.ledger.events import EventError, check_leaf
from homeward.ledger.export_format import (
    BUNDLE_VERSION,
    CHECKPOINT,
    ENTRIES,
    KEYS,
    LEAF_HASHES,
)
from homeward.ledger.merkle import (
    HASH_SIZE,
    CompactRange,
    ProofError,
    leaf_hash,
    verify_inclusion,
)
from homeward.ledger.note import (
    ED25519,
    KeyFormatError,
    NoteError,
    VerifierKey,
    key_id,
    open_note,
)

__all__ = [
    "VerificationError",
    "Verified",
    "VerifiedAgreement",
    "verify_agreements",
    "verify_export",
    "verify_proof_bundle",
]

_MAX_SMALL_FILE = 1 << 20
_MAX_KEYS = 32


class VerificationError(Exception):
    """The export or bundle does not verify; the message names the first fault."""


@dataclass(frozen=True)
class Verified:
    checkpoint: Checkpoint
    signers: tuple[str, ...]


def _read_small(path: Path, label: str) -> bytes:
    try:
        if not path.is_file():
            raise VerificationError(f"{label}: missing")
        if path.stat().st_size > _MAX_SMALL_FILE:
            raise VerificationError(f"{label}: larger than {_MAX_SMALL_FILE} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise VerificationError(f"{label}: cannot be read ({exc.strerror})") from exc


def _parse_key(raw: bytes | str, label: str) -> VerifierKey:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if not text.endswith("\n") and isinstance(raw, bytes):
            raise VerificationError(f"{label}: truncated (no newline at the end)")
        if text.count("\n") > 1 or text.rstrip("\n") != text.rstrip("\n").strip():
            raise VerificationError(f"{label}: must hold exactly one verifier key line")
        return VerifierKey.parse(text.rstrip("\n"))
    except UnicodeDecodeError as exc:
        raise VerificationError(f"{label}: not valid UTF-8") from exc
    except KeyFormatError as exc:
        raise VerificationError(f"{label}: {exc}") from exc


def _load_keys(folder: Path) -> list[VerifierKey]:
    try:
        if not folder.is_dir():
            raise VerificationError(f"{KEYS}/: missing")
        files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        raise VerificationError(f"{KEYS}/: cannot be listed ({exc.strerror})") from exc
    if not files:
        raise VerificationError(f"{KEYS}/: holds no verifier key")
    if len(files) > _MAX_KEYS:
        raise VerificationError(f"{KEYS}/: more than {_MAX_KEYS} key files")
    return [_parse_key(_read_small(p, f"{KEYS}/{p.name}"), f"{KEYS}/{p.name}") for p in files]


def _open_checkpoint(
    note: bytes | str,
    keys: Sequence[VerifierKey],
    label: str,
    require: Sequence[str] | None = None,
) -> Verified:
    """Verify ``note`` under ``keys`` only (signatures by other keys are ignored); every
    name in ``require`` (default: every key's name) must have a valid signature."""
    if not any(k.sig_type == ED25519 for k in keys):
        raise VerificationError(f"{KEYS}: no log (Ed25519, type 0x01) key among the signers")
    try:
        opened = open_note(note, keys)
        checkpoint = Checkpoint.parse(opened.text)
    except (NoteError, CheckpointError) as exc:
        raise VerificationError(f"{label}: {exc}") from exc
    signed = {s.name for s in opened.verified}
    if require is None:
        for key in keys:
            if key.name not in signed:
                raise VerificationError(
                    f"{label}: no signature by {key.name} (key {key.key_id.hex()})"
                )
    else:
        missing = [name for name in dict.fromkeys(require) if name not in signed]
        if missing:
            trusted = ", ".join(sorted({k.name for k in keys}))
            raise VerificationError(
                f"{label}: no valid signature by required signer(s) {', '.join(missing)} "
                f"under the keys trusted ({trusted})"
            )
    return Verified(checkpoint, tuple(s.name for s in opened.verified))


def verify_export(
    folder: Path,
    trusted: Sequence[VerifierKey] | None = None,
    require: Sequence[str] | None = None,
) -> Verified:
    """Check the checkpoint's signatures under ``trusted`` (else the keys in ``keys/``):
    each name in ``require`` (default: every key) must have signed. Then recompute the root
    of ``entries.jsonl`` and compare it with the checkpoint."""
    keys = list(trusted) if trusted is not None else _load_keys(folder / KEYS)
    result = _open_checkpoint(
        _read_small(folder / CHECKPOINT, CHECKPOINT), keys, CHECKPOINT, require
    )
    size = result.checkpoint.size
    tree = CompactRange()
    try:
        with (folder / ENTRIES).open("rb") as entries:
            for number, raw in enumerate(entries, 1):
                if number > size:
                    raise VerificationError(
                        f"{ENTRIES} line {number}: beyond the checkpoint's {size} entries"
                    )
                if not raw.endswith(b"\n"):
                    raise VerificationError(
                        f"{ENTRIES} line {number}: truncated (no newline at the end of the file)"
                    )
                leaf = raw[:-1]
                try:
                    check_leaf(leaf)
                except EventError as exc:
                    raise VerificationError(f"{ENTRIES} line {number}: {exc}") from exc
                tree.append(leaf_hash(leaf))
    except FileNotFoundError as exc:
        raise VerificationError(f"{ENTRIES}: missing") from exc
    except OSError as exc:
        raise VerificationError(f"{ENTRIES}: cannot be read ({exc.strerror})") from exc
    if tree.size < size:
        raise VerificationError(
            f"{ENTRIES}: has {tree.size} entries but the checkpoint covers {size} (truncated)"
        )
    if tree.root() != result.checkpoint.root:
        _locate_altered_line(folder, result.checkpoint)
        raise VerificationError(
            f"{ENTRIES}: the root of its {size} entries does not match the signed checkpoint"
        )
    return result


def _locate_altered_line(folder: Path, checkpoint: Checkpoint) -> None:
    """Raise naming the first altered line if the leaf-hash hint reproduces the signed root.

    A hint that reproduces the root holds the genuine leaf hashes (short of a SHA-256
    collision), so the first line whose hash differs from it is the first altered one.
    """
    path = folder / LEAF_HASHES
    try:
        if not path.is_file() or path.stat().st_size != HASH_SIZE * checkpoint.size:
            return
        hint = CompactRange()
        with path.open("rb") as hashes:
            while chunk := hashes.read(HASH_SIZE * 4096):
                for at in range(0, len(chunk), HASH_SIZE):
                    hint.append(chunk[at : at + HASH_SIZE])
        if hint.root() != checkpoint.root:
            return
        with path.open("rb") as hashes, (folder / ENTRIES).open("rb") as entries:
            for number, raw in enumerate(entries, 1):
                if leaf_hash(raw[:-1]) != hashes.read(HASH_SIZE):
                    raise VerificationError(
                        f"{ENTRIES} line {number}: altered; it is not entry {number - 1} "
                        "of the signed log"
                    )
    except OSError:
        return


def _field(bundle: dict[str, Any], name: str, kind: type) -> Any:
    value = bundle.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise VerificationError(f"proof bundle: field {name!r} is missing or not {kind.__name__}")
    return value


def verify_proof_bundle(
    data: bytes,
    trusted: Sequence[VerifierKey] | None = None,
    require: Sequence[str] | None = None,
) -> Verified:
    """Verify a bundle from ``prove``: signatures, then the entry's inclusion proof."""
    try:
        bundle = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise VerificationError("proof bundle: not a JSON document") from exc
    if not isinstance(bundle, dict):
        raise VerificationError("proof bundle: not a JSON object")
    if bundle.get("version") != BUNDLE_VERSION:
        raise VerificationError(f"proof bundle: unknown version {bundle.get('version')!r}")
    index, size = _field(bundle, "index", int), _field(bundle, "tree_size", int)
    leaf_text, note = _field(bundle, "leaf", str), _field(bundle, "checkpoint", str)
    proof_b64, key_texts = (
        _field(bundle, "inclusion_proof", list),
        _field(bundle, "keys", list),
    )
    if trusted is None:
        if not key_texts or len(key_texts) > _MAX_KEYS:
            raise VerificationError("proof bundle: needs between 1 and 32 keys")
        keys = []
        for i, text in enumerate(key_texts):
            if not isinstance(text, str):
                raise VerificationError(f"proof bundle: key {i} is not a string")
            keys.append(_parse_key(text, f"proof bundle: key {i}"))
    else:
        keys = list(trusted)
    result = _open_checkpoint(note, keys, "proof bundle: checkpoint", require)
    if size != result.checkpoint.size:
        raise VerificationError(
            f"proof bundle: tree size {size} is not the checkpoint size {result.checkpoint.size}"
        )
    try:
        leaf = leaf_text.encode("utf-8")
        check_leaf(leaf)
        proof = [base64.b64decode(p, validate=True) for p in proof_b64]
        verify_inclusion(leaf_hash(leaf), index, size, proof, result.checkpoint.root)
    except UnicodeEncodeError as exc:
        raise VerificationError("proof bundle: leaf is not encodable as UTF-8") from exc
    except EventError as exc:
        raise VerificationError(f"proof bundle: leaf: {exc}") from exc
    except (binascii.Error, TypeError, ValueError) as exc:
        if isinstance(exc, ProofError):
            raise VerificationError(f"proof bundle: entry {index}: {exc}") from exc
        raise VerificationError("proof bundle: an inclusion proof element is not base64") from exc
    return result


AGREEMENTS = "agreements"
TERMS_HEADER = "homeward agreement terms v1"


@dataclass(frozen=True)
class VerifiedAgreement:
    file: str
    agreement: int
    signers: tuple[str, ...]


def _note_keys(keys: Sequence[VerifierKey]) -> list[VerifierKey]:
    """Note keys (0x01) for the given keys: a cosigner's witness key (0x04) signs the
    party's notes as the same public key with type 0x01."""
    out = [k for k in keys if k.sig_type == ED25519]
    for key in keys:
        if key.sig_type != ED25519:
            out.append(
                VerifierKey(key.name, key_id(key.name, ED25519, key.public), ED25519, key.public)
            )
    return out


def _logged_terms(folder: Path) -> dict[int, bytes]:
    """agreement id -> canonical terms bytes, from the log's terms_proposed entries."""
    found: dict[int, bytes] = {}
    try:
        with (folder / ENTRIES).open("rb") as entries:
            for raw in entries:
                if b'"kind":"terms_proposed"' not in raw:
                    continue
                payload = json.loads(raw)["payload"]
                found[int(payload["agreement"])] = canonical_json(payload["terms"])
    except (OSError, ValueError, KeyError, TypeError):
        return found
    return found


def verify_agreements(
    folder: Path, trusted: Sequence[VerifierKey] | None = None
) -> list[VerifiedAgreement]:
    """Check ``agreements/*.note`` in an export: each is the terms the log committed to,
    signed by the parties under ``trusted`` (else the keys in ``agreements/keys/``)."""
    base = folder / AGREEMENTS
    if not base.is_dir():
        return []
    keys = _note_keys(trusted) if trusted is not None else _load_agreement_keys(base)
    logged = _logged_terms(folder)
    out: list[VerifiedAgreement] = []
    for path in sorted(base.glob("*.note")):
        label = f"{AGREEMENTS}/{path.name}"
        try:
            opened = open_note(_read_small(path, label), keys)
        except NoteError as exc:
            raise VerificationError(f"{label}: {exc}") from exc
        lines = opened.text.split("\n")
        if len(lines) != 4 or lines[0] != TERMS_HEADER or not lines[1].startswith("agreement "):
            raise VerificationError(f"{label}: not the terms of an agreement")
        try:
            number = int(lines[1].removeprefix("agreement "))
        except ValueError as exc:
            raise VerificationError(f"{label}: line 2: bad agreement number") from exc
        if logged.get(number) != lines[2].encode("utf-8"):
            raise VerificationError(
                f"{label}: the signed terms are not those the log recorded for agreement {number}"
            )
        out.append(VerifiedAgreement(label, number, tuple(s.name for s in opened.verified)))
    return out


def _load_agreement_keys(base: Path) -> list[VerifierKey]:
    folder = base / KEYS
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))[:_MAX_KEYS]
    label = f"{AGREEMENTS}/{KEYS}"
    return [_parse_key(_read_small(p, f"{label}/{p.name}"), f"{label}/{p.name}") for p in files]
