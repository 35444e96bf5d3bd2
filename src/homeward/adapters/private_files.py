"""Files that hold personal data or keys are readable by their owner only.

The databases (SQLite and its -wal and -shm files), exports, manifests, keys and logs are all
created by this process; a umask of 0o077, set once when the CLI or the server starts, makes
every one of them 0600 (folders 0700) whatever library creates it. ``write_private`` is for
a file written before that point or by code that may run without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077


def restrict_new_files() -> None:
    """Make every file this process creates from now on private to its owner."""
    os.umask(PRIVATE_UMASK)


def write_private(path: Path, data: bytes) -> None:
    """Create or replace ``path`` with mode 0600 from the first byte (no window in which
    another user could open it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.chmod(0o600)


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database and its WAL and shared-memory files (none for PostgreSQL)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return []
    db = Path(url.database)
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm")]


def tighten(paths: Iterable[Path]) -> list[Path]:
    """Make existing files of ours that others could read 0600 (a workspace made before
    files were private, or copied with a loose umask); return the ones changed."""
    changed = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue  # not there (yet): created private by the umask
        if path.is_file() and info.st_uid == os.getuid() and info.st_mode & 0o077:
            path.chmod(0o600)
            changed.append(path)
    return changed
