"""Web tables: user accounts, the login throttle and the access log."""

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table

from homeward.adapters.tables import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    # The username folded (NFKC, casefold): ``ua.tester`` and ``UA.TESTER`` are one account.
    Column("username_key", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("party", String(8), nullable=False),
    Column("role", String(32), nullable=False),
    Column("language", String(8), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Every session cookie and API token carries the generation it was issued under;
    # logout, a password change or deactivation moves it on and so ends them all at once.
    Column("session_generation", Integer, nullable=False, default=0, server_default="0"),
)

# Failed logins per key ("user:<folded name>", "client:<address>") in a fixed window: a
# slot is taken by one conditional UPDATE before the password is checked, so concurrent
# attempts (threads or processes) cannot all slip under the limit.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("failures", Integer, nullable=False),
)

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
Index("ix_access_log_username_at", access_log.c.username, access_log.c.at)
