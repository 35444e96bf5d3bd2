"""C2SP tlog-checkpoint bodies: origin, decimal tree size, base64 root hash.

>>> body = Checkpoint("homeward.example/log", 2, bytes(32)).body()
>>> Checkpoint.parse(body).size
2
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from homeward.ledger.merkle import HASH_SIZE

__all__ = ["Checkpoint", "CheckpointError"]

_MAX_SIZE = 2**63 - 1


class CheckpointError(ValueError):
    """A checkpoint body is malformed."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        root = base64.b64encode(self.root).decode()
        return f"{self.origin}\n{self.size}\n{root}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint does not end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint has fewer than three lines")
        origin, size_text, root_text = lines[:3]
        if not origin or origin != origin.strip():
            raise CheckpointError("checkpoint origin line is empty or padded")
        if not (size_text.isascii() and size_text.isdigit()) or (
            size_text.startswith("0") and size_text != "0"
        ):
            raise CheckpointError(f"checkpoint size {size_text[:30]!r} is not a decimal number")
        size = int(size_text)
        if size > _MAX_SIZE:
            raise CheckpointError("checkpoint size is too large")
        try:
            root = base64.b64decode(root_text.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
            raise CheckpointError("checkpoint root hash is not valid base64") from exc
        if len(root) != HASH_SIZE:
            raise CheckpointError(f"checkpoint root hash is {len(root)} bytes, want {HASH_SIZE}")
        if any(not line for line in lines[3:]):
            raise CheckpointError("checkpoint has an empty extension line")
        return cls(origin, size, root)
