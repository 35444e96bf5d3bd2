"""The offline export: ``entries.jsonl``, ``checkpoint`` and ``keys/``, and proof bundles.

Leaf ``i`` is exactly the bytes of line ``i + 1`` of ``entries.jsonl`` without its newline;
``checkpoint`` is the signed note with every signature; ``keys/NAME.vkey`` holds one
verifier key per signer. A proof bundle is one JSON object proving one entry.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from homeward.ledger.merkle import leaf_hash
from homeward.ledger.note import VerifierKey

__all__ = [
    "BUNDLE_VERSION",
    "CHECKPOINT",
    "ENTRIES",
    "KEYS",
    "LEAF_HASHES",
    "key_file_name",
    "make_proof_bundle",
    "write_export",
]

ENTRIES = "entries.jsonl"
LEAF_HASHES = "leaf-hashes"
"""Optional hint: the 32-byte leaf hashes, in order. Only read when the root does not match,
to name the first altered line; it is trusted only if it reproduces the signed root."""
CHECKPOINT = "checkpoint"
KEYS = "keys"
BUNDLE_VERSION = 1


def key_file_name(name: str) -> str:
    return name.replace("/", "_") + ".vkey"


def write_export(
    out_dir: Path, leaves: Iterable[bytes], note: str, keys: Sequence[VerifierKey]
) -> int:
    """Write the three parts into ``out_dir`` (created); return the number of entries."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / KEYS).mkdir(exist_ok=True)
    for stale in (out_dir / KEYS).glob("*.vkey"):  # a re-export must not keep old signers
        stale.unlink()
    count = 0
    with (
        (out_dir / ENTRIES).open("wb", buffering=1 << 20) as out,
        (out_dir / LEAF_HASHES).open("wb", buffering=1 << 20) as hashes,
    ):
        for leaf in leaves:
            if b"\n" in leaf:
                raise ValueError(f"leaf {count} contains a newline and cannot be exported")
            out.write(leaf + b"\n")
            hashes.write(leaf_hash(leaf))
            count += 1
        for stream in (out, hashes):
            stream.flush()
            os.fsync(stream.fileno())
    (out_dir / CHECKPOINT).write_text(note, encoding="utf-8", newline="")
    for key in keys:
        (out_dir / KEYS / key_file_name(key.name)).write_text(key.text() + "\n", encoding="utf-8")
    return count


def make_proof_bundle(
    leaf: bytes,
    *,
    index: int,
    tree_size: int,
    proof: Sequence[bytes],
    note: str,
    keys: Sequence[VerifierKey],
) -> dict[str, Any]:
    return {
        "version": BUNDLE_VERSION,
        "index": index,
        "tree_size": tree_size,
        "leaf": leaf.decode("utf-8"),
        "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
        "checkpoint": note,
        "keys": [k.text() for k in keys],
    }


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    return (json.dumps(bundle, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
