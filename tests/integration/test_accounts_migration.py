"""The accounts migration folds existing usernames, and refuses two that differ only in
case rather than silently merging two people's accounts."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade

USERS = sa.table(
    "users",
    sa.column("username"),
    sa.column("password_hash"),
    sa.column("party"),
    sa.column("role"),
    sa.column("language"),
    sa.column("active"),
    sa.column("created_at"),
)


def _user(name: str) -> dict[str, object]:
    return {
        "username": name,
        "password_hash": "x",
        "party": "UA",
        "role": "party_viewer",
        "language": "en",
        "active": True,
        "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    }


def test_existing_usernames_get_their_folded_key(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(sa.insert(USERS), [_user("UA.Officer"), _user("ru.viewer")])
        upgrade(engine, "0106")
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT username, username_key, session_generation FROM users")
            ).all()
        assert sorted(rows) == [("UA.Officer", "ua.officer", 0), ("ru.viewer", "ru.viewer", 0)]
    finally:
        engine.dispose()


def test_two_accounts_differing_only_in_case_stop_the_upgrade_naming_both(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(sa.insert(USERS), [_user("ua.tester"), _user("UA.TESTER")])
        with pytest.raises(RuntimeError, match=r"'ua.tester' and 'UA.TESTER' differ only in case"):
            upgrade(engine, "0106")
    finally:
        engine.dispose()
