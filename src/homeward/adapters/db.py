"""Engines and schema: SQLite (WAL, foreign keys) and PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    CursorResult,
    Engine,
    String,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def nest_sqlite_transactions(engine: Engine) -> Engine:
    """Let SAVEPOINTs nest inside an outer transaction on SQLite, as they do on PostgreSQL.

    The sqlite3 module begins a transaction only before the first write and lets a
    SAVEPOINT outside one commit on RELEASE, so a test holding an outer transaction to roll
    back would keep what its use cases "committed" in savepoints. This hands transaction
    control to SQLAlchemy (SQLAlchemy's documented recipe); for test and benchmark engines,
    where each test runs in a rolled-back transaction. Other dialects are left as they are.
    """
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def create_schema(engine: Engine) -> None:
    """Create every table directly from the metadata (tests, benchmarks) and stamp the
    database with the newest migration, so that ``homeward db upgrade`` and ``serve``
    later see it as up to date instead of creating the tables again."""
    from homeward.adapters.migrate import stamp_head
    from homeward.adapters.schema import metadata

    metadata.create_all(engine)
    stamp_head(engine)


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise RuntimeError("the INSERT returned no primary key")
    return int(key[0])


class _AmongIds(ColumnElement[bool]):
    """``column`` is one of ``ids``, sent as ONE bind parameter whatever their number."""

    inherit_cache = False
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], ids: Iterable[int]) -> None:
        self.column = column
        self.ids = [int(i) for i in ids]


@compiles(_AmongIds)
def _among_json(element: _AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite (and any other database with JSON1): the ids as one JSON array.
    ids = bindparam(None, json.dumps(element.ids), type_=String(), unique=True)
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(_AmongIds, "postgresql")
def _among_array(element: _AmongIds, compiler: SQLCompiler, **kw: Any) -> str:
    ids = bindparam(None, element.ids, type_=ARRAY(BigInteger()), unique=True)
    return f"{compiler.process(element.column, **kw)} = ANY({compiler.process(ids, **kw)})"


def among(column: ColumnElement[Any], ids: Iterable[int]) -> ColumnElement[bool]:
    """A WHERE condition ``column IN ids`` with a single bind parameter (an array on
    PostgreSQL, a JSON array on SQLite): ``in_()`` sends one parameter per id, and
    PostgreSQL refuses more than 65,535 of them in one statement."""
    return _AmongIds(column, ids)


def refresh_statistics(connectable: Engine | Connection, tables: Iterable[str] = ()) -> None:
    """Refresh the query planner's statistics after a bulk write.

    PostgreSQL plans from statistics that only ``ANALYZE`` (or autovacuum, when it is on and
    gets round to it) refreshes: after an import of thousands of rows into a table it
    believed empty, it picks nested loops that take seconds per page. Given an engine, this
    runs ``VACUUM (ANALYZE)``, which also marks the new rows' pages all-visible so that
    counts and lookups can be answered from an index alone (what autovacuum does after many
    inserts, when it runs); given a connection inside a transaction, ``ANALYZE`` only.
    ``tables`` limits the work to the tables just written (all tables when empty). SQLite
    plans well without statistics here, so nothing is done there.
    """
    if connectable.dialect.name != "postgresql":
        return
    names = sorted(set(tables))
    for name in names:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a table name: {name!r}")
    target = " " + ", ".join(names) if names else ""
    if isinstance(connectable, Connection):
        connectable.execute(text("ANALYZE" + target))
        return
    with connectable.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM is no transaction
        conn.execute(text("VACUUM (ANALYZE)" + target))
