"""Hiding commitments to people: HMAC-SHA256 under a random key per person.

The log holds only the commitment. Whoever holds the key and the record can show the
link; once the key is deleted nobody can, because the key is random and never derived from
the record.

>>> key = bytes(32)
>>> commit(key, b'{"surname":"Test"}') == commit(key, b'{"surname":"Test"}')
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["KEY_SIZE", "commit", "new_key"]

KEY_SIZE = 32


def new_key() -> bytes:
    return secrets.token_bytes(KEY_SIZE)


def commit(key: bytes, canonical_record: bytes) -> str:
    if len(key) != KEY_SIZE:
        raise ValueError(f"commitment key must be {KEY_SIZE} bytes")
    return hmac.new(key, canonical_record, hashlib.sha256).hexdigest()
