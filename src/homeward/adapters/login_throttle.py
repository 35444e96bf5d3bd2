"""The login throttle's storage: take a slot for a failed login, or give it back.

A slot is taken by one conditional UPDATE (``failures < limit``, or the window is over) that
the database applies atomically per row: concurrent attempts, from threads or from several
server processes, queue on the row lock (PostgreSQL re-checks the condition after the wait;
SQLite lets one writer in at a time), so no more than ``limit`` ever get a slot. The caller
takes the slot before it checks the password and gives it back when the password was right.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite

from homeward.adapters.tables_web import login_throttle

_t = login_throttle.c


def _insert_if_missing(conn: Connection, key: str, now: dt.datetime) -> None:
    values = {"key": key, "window_start": now, "failures": 0}
    # INSERT ... ON CONFLICT DO NOTHING is spelled the same by both databases.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(login_throttle).values(values).on_conflict_do_nothing())


def take_slot(
    conn: Connection, key: str, limit: int, now: dt.datetime, window: dt.timedelta
) -> bool:
    """Count one attempt under ``key``; False when ``limit`` are already counted in the
    window (the attempt must then be refused without looking at the password)."""
    _insert_if_missing(conn, key, now)
    expired = _t.window_start < now - window
    result = conn.execute(
        update(login_throttle)
        .where(_t.key == key, or_(expired, _t.failures < limit))
        .values(
            failures=case((expired, 1), else_=_t.failures + 1),
            window_start=case((expired, now), else_=_t.window_start),
        )
    )
    return result.rowcount == 1


def give_back(conn: Connection, key: str) -> None:
    """Uncount one attempt (the password was right: only failures count)."""
    conn.execute(
        update(login_throttle)
        .where(_t.key == key, _t.failures > 0)
        .values(failures=_t.failures - 1)
    )


def forget_before(conn: Connection, moment: dt.datetime) -> None:
    """Drop windows that ended long ago: they say nothing any more."""
    conn.execute(delete(login_throttle).where(_t.window_start < moment))
