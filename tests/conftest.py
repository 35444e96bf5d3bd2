"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL.

PostgreSQL tests skip, with a clear reason, when no server answers at
HOMEWARD_TEST_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) —
unless HOMEWARD_REQUIRE_POSTGRES=1 (set by .ci/run), when they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine, create_engine, text

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


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database with the whole schema created."""
    eng = make_engine(db_url)
    create_schema(eng)
    yield eng
    eng.dispose()
