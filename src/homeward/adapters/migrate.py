"""Alembic migrations, run programmatically on a given engine, one process at a time.

Several processes may start together (``homeward db upgrade`` twice, app workers, a
cron job): ``upgrade`` takes a lock first, a PostgreSQL advisory lock held by one session,
or an exclusive file lock next to a SQLite file, so the second process waits and then
finds the schema already at the newest revision.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# pg_advisory_lock takes a bigint: this one is "homeward" in ASCII, read as a number.
ADVISORY_LOCK_KEY = int.from_bytes(b"homeward", "big") & (2**63 - 1)


class SchemaBehind(RuntimeError):
    """The database is not at the newest migration and this process must not migrate it."""


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def _sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the workspace's migration lock: other processes wait here until it is released."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                conn.commit()
        return
    db_file = _sqlite_file(engine)
    if db_file is None:
        yield
        return
    db_file.parent.mkdir(parents=True, exist_ok=True)
    lock_path = db_file.with_name(db_file.name + ".migrate-lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (default: the newest), under the lock."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with migration_lock(engine):
        command.downgrade(alembic_config(engine), revision)


def stamp_head(engine: Engine) -> None:
    """Record the newest revision without running migrations (schema made from metadata)."""
    with migration_lock(engine):
        command.stamp(alembic_config(engine), "head")


def head_revision() -> str:
    """The newest migration this code knows."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Raise ``SchemaBehind`` unless the database is at the newest migration."""
    current, head = current_revision(engine), head_revision()
    known = {r.revision for r in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    if current is not None and current not in known:
        raise SchemaBehind(
            f"the database is at revision {current}, which this version of homeward does not "
            f"know (it needs {head}): a newer release has migrated it; run that release"
        )
    if current != head:
        found = current or "no schema"
        raise SchemaBehind(
            f"the database is at revision {found}, this version of homeward needs {head}: "
            "run `homeward db upgrade` once (with the same HOMEWARD_DATABASE_URL), "
            "then start the server again"
        )
