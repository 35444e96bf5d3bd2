"""A small secret file made once, atomically, readable by its owner only.

Several processes (app workers, two ``homeward serve``) may start at the same moment and
each find the file missing. Each writes its own candidate to a temporary file created with
mode 0600 (``O_CREAT | O_EXCL``: never readable by others, not even for a moment), then
hard-links it to the final name, which fails if another process got there first; the
loser discards its candidate and reads the winner's. Nobody ever reads a half-written file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

PRIVATE_MODE = 0o600


def _write_new(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of ``path``; if it does not exist, ``make()`` is written there first
    (by exactly one of the processes racing to do so) with mode 0600."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")
    _write_new(candidate, make())
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass  # another process won the race: use its secret
    finally:
        candidate.unlink()
    return path.read_bytes()
