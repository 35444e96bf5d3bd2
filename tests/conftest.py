"""Shared fixtures: databases on SQLite and on PostgreSQL.

``engine`` is the schema on a database that is created ONCE per pytest(-xdist) worker and
emptied before every test (PostgreSQL: one DELETE per table and its sequences restarted;
SQLite: a copy of a template file), so a test starts on empty tables with fresh ids without
paying for CREATE DATABASE and CREATE TABLE. ``db_url``/``postgres_url`` remain a fresh,
EMPTY database of the test's own, for what needs one (migrations, several processes,
statistics). A later rolled-back-transaction fixture replaces ``_clean`` only.

PostgreSQL tests skip, with a clear reason, when no server answers at
HOMEWARD_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) —
unless HOMEWARD_REQUIRE_POSTGRES=1 (set by .ci/run), when they fail instead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from homeward.adapters.db import create_schema, make_engine

# `make test` is deterministic: Hypothesis derives its examples from each test, so a run
# repeats the last one. `make fuzz` (HYPOTHESIS_PROFILE=fuzz) explores anew, many more.
settings.register_profile("default", derandomize=True, database=None, deadline=None)
settings.register_profile("fuzz", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

POSTGRES_ADMIN_URL = os.environ.get(
    "HOMEWARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means "not available"
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"


_PG_REASON: list[str | None] = []


def _require_postgres() -> None:
    if not _PG_REASON:
        _PG_REASON.append(_postgres_available())
    reason = _PG_REASON[0]
    if reason is None:
        return
    if os.environ.get("HOMEWARD_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"{reason} (HOMEWARD_REQUIRE_POSTGRES=1, so this is a failure)")
    pytest.skip(reason)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    _require_postgres()
    name = f"homeward_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: runs each test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield request.getfixturevalue("postgres_url")


def _new_postgres_database(prefix: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def _drop_postgres_database(name: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _worker_postgres() -> Iterator[str]:
    """This worker's PostgreSQL database with the whole schema, created once, dropped at
    the end of the session."""
    _require_postgres()
    name = _new_postgres_database("homeward_worker")
    url = f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    eng = make_engine(url)
    create_schema(eng)
    eng.dispose()
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the whole schema, made once per worker; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    eng = make_engine(f"sqlite:///{path}")
    create_schema(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    eng.dispose()
    return path


def _emptying_block() -> str:
    """One round trip that empties every table (children first) and restarts every used
    sequence: on small tables DELETE is ten to a hundred times cheaper than TRUNCATE."""
    from homeward.adapters.schema import metadata

    deletes = " ".join(f'DELETE FROM "{t.name}";' for t in reversed(metadata.sorted_tables))
    return (
        f"DO $$ DECLARE s record; BEGIN {deletes} "
        "FOR s IN SELECT schemaname, sequencename, start_value FROM pg_sequences "
        "WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP "
        "PERFORM setval(format('%I.%I', s.schemaname, s.sequencename), s.start_value, false); "
        "END LOOP; END $$"
    )


def _clean(url: str) -> None:
    """Empty every table of the worker's PostgreSQL database and restart its ids; the
    alembic stamp stays. Connections a killed child or an earlier test left behind are
    ended if they hold a lock in the way."""
    block = text(_emptying_block())
    eng = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with eng.connect() as conn:
            conn.execute(text("SET lock_timeout = '5s'"))
            try:
                conn.execute(block)
            except OperationalError:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
                conn.execute(text("SET lock_timeout = '60s'"))
                conn.execute(block)
    finally:
        eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with the whole schema and empty tables: runs each test on
    SQLite and on PostgreSQL. The database is this worker's, emptied before the test;
    ``engine.url`` (with its password) opens the same database from a second engine or a child."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("_worker_postgres")
        _clean(url)
    eng = make_engine(url)
    yield eng
    eng.dispose()
