"""Alembic environment: the engine comes from the caller (homeward.adapters.migrate)."""

from alembic import context

from homeward.adapters.schema import metadata

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
