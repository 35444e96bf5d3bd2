"""The workspace's check-in code secret: 32 random bytes in a 0600 file beside the keys.

Check-in codes are an HMAC of the person and agreement under this secret, so nobody who
knows only the ids (or the software) can compute them. The file lives in the workspace's
keys directory, which no export copies.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

FILE_NAME = "checkin-codes.secret"


@lru_cache(maxsize=16)
def load_or_create(keys_dir: Path) -> bytes:
    """The secret, created atomically with mode 0600 the first time it is asked for (read
    once per process)."""
    path = Path(keys_dir) / FILE_NAME
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret
