"""The mediator's secrets that let the log commit to facts without telling them.

``outcome_salts`` holds, per failed handover, the random salt of the log's commitment to
its true outcome: the log says only "did not travel" and the commitment; revealing the
salt and the outcome later proves what the mediator found. ``actor_keys`` holds the key
under which staff usernames become the pseudonymous actor ids the log carries.

Neither table is ever exported with the log.
"""

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
)

from homeward.adapters.tables import metadata

outcome_salts = Table(
    "outcome_salts",
    metadata,
    Column("handover_id", Integer, ForeignKey("handovers.id"), primary_key=True),
    Column("outcome", String(32), nullable=False),
    Column("salt", LargeBinary(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""The salt of each logged outcome commitment (deleted when the person is erased)."""

actor_keys = Table(
    "actor_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("hmac_key", LargeBinary(32), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""One row (id 1): the key of the actors' pseudonyms in the log."""
