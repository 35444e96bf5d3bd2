"""A submitted list stores its size; the migration fills it in for lists submitted before."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import Side
from homeward.services.lists import list_versions


def test_the_migration_counts_the_people_on_lists_submitted_before_it(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO persons (id, party, kind, record_id, surname, given_name, "
                    "extra, custody, content_hash) VALUES "
                    "(1, 'UA', 'sought', 'a', 'Коваленко', 'Андрій', '{}', 'x', 'h1'), "
                    "(2, 'UA', 'sought', 'b', 'Бондаренко', 'Богдан', '{}', 'x', 'h2')"
                )
            )
            for list_id, version in ((1, 1), (2, 2)):
                conn.execute(
                    text(
                        "INSERT INTO exchange_lists (id, party, kind, version, recipient, "
                        "submitted_at) VALUES (:id, 'UA', 'sought', :v, 'RU', :at)"
                    ),
                    {"id": list_id, "v": version, "at": dt.datetime(2025, 5, 16, tzinfo=dt.UTC)},
                )
            conn.execute(
                text(
                    "INSERT INTO exchange_list_items (list_id, person_id) "
                    "VALUES (1, 1), (2, 1), (2, 2)"
                )
            )
        upgrade(engine)
        sizes = {v.version: v.size for v in list_versions((Side.UA,), SqlUnitOfWork(engine))}
    finally:
        engine.dispose()
    assert sizes == {1: 1, 2: 2}
