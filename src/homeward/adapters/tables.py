"""The one SQLAlchemy MetaData every table registers on.

Feature modules define their tables in ``homeward.adapters.tables_<feature>`` on this
``metadata`` object; ``homeward.adapters.schema`` imports them all so Alembic sees the
complete schema.
"""

from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
