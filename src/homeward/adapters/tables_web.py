"""Web tables: user accounts, login attempts (for throttling) and the access log."""

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table

from homeward.adapters.tables import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("party", String(8), nullable=False),
    Column("role", String(32), nullable=False),
    Column("language", String(8), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False),
    Column("client", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("success", Boolean, nullable=False),
)
Index("ix_login_attempts_username_at", login_attempts.c.username, login_attempts.c.at)
Index("ix_login_attempts_client_at", login_attempts.c.client, login_attempts.c.at)

# One row per access decision on personal data: who, what, whose, allowed or not.
access_log = Table(
    "access_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(100), nullable=False),
    Column("principal_party", String(8), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(16), nullable=False),
    Column("resource_kind", String(32), nullable=False),
    Column("resource_party", String(8)),
    Column("resource_id", String(200)),
    Column("allowed", Boolean, nullable=False),
    Column("reason", String(200), nullable=False),
)
Index("ix_access_log_at", access_log.c.at)
