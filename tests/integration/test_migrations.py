"""The Alembic migrations build exactly the schema the code defines, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import downgrade, upgrade
from homeward.adapters.schema import metadata


def test_migrations_create_the_schema_the_tables_define(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            differences = compare_metadata(context, metadata)
        assert differences == [], f"a migration is missing: {differences}"
    finally:
        engine.dispose()


def test_migrations_downgrade_to_an_empty_database_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(engine)
        assert "persons" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
