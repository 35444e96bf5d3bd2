"""User accounts: create, authenticate with throttling, choose a language, demo logins.

Passwords are kept as argon2id hashes. Failed logins are counted per username and per
client; past the limit within the window, ``authenticate`` raises LoginThrottled before it
even looks at the password.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, and_, delete, func, insert, select, update

from homeward.adapters.tables_web import login_attempts, users
from homeward.domain.values import Side
from homeward.services.access import Principal, Role, check_role_party

LANGUAGES = ("en", "uk", "ru")
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 10
WINDOW = dt.timedelta(minutes=1)

_HASHERS = [PasswordHasher()]


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2 parameters (tests use cheap ones; hashes record their own
    parameters, so existing accounts still verify)."""
    _HASHERS[0] = hasher


Clock = Callable[[], dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AccountError(ValueError):
    """A command about accounts that cannot be carried out; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class LoginFailed(Exception):
    """Wrong username or password (deliberately not saying which)."""


class LoginThrottled(Exception):
    """Too many failed logins for this username or from this client in the last minute."""


@dataclass(frozen=True, slots=True)
class CreateUser:
    party: Side
    role: Role
    username: str
    password: str
    language: str = "en"


def create_user(command: CreateUser, engine: Engine, clock: Clock = _now) -> Principal:
    """Create an account; raise AccountError naming the field when the command is bad."""
    username = command.username.strip()
    if not 3 <= len(username) <= 100:
        raise AccountError("username", "a username has 3 to 100 characters")
    if len(command.password) < 8:
        raise AccountError("password", "a password has at least 8 characters")
    if command.language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")
    try:
        check_role_party(command.role, command.party)
    except ValueError as exc:
        raise AccountError("party", str(exc)) from None
    with engine.begin() as conn:
        taken = conn.execute(select(users.c.id).where(users.c.username == username)).first()
        if taken is not None:
            raise AccountError("username", f"the username {username!r} is taken")
        result = conn.execute(
            insert(users).values(
                username=username,
                password_hash=_HASHERS[0].hash(command.password),
                party=command.party.value,
                role=command.role.value,
                language=command.language,
                active=True,
                created_at=clock(),
            )
        )
        user_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        assert user_id is not None
    return Principal(int(user_id), username, command.party, command.role, command.language)


def _principal(row: object) -> Principal:
    return Principal(
        int(row.id),  # type: ignore[attr-defined]
        row.username,  # type: ignore[attr-defined]
        Side(row.party),  # type: ignore[attr-defined]
        Role(row.role),  # type: ignore[attr-defined]
        row.language,  # type: ignore[attr-defined]
    )


def get_principal(engine: Engine, user_id: int) -> Principal | None:
    """The active user with this id, or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(users).where(users.c.id == user_id, users.c.active.is_(True))
        ).first()
    return None if row is None else _principal(row)


def authenticate(
    username: str, password: str, client: str, engine: Engine, clock: Clock = _now
) -> Principal:
    """The user for these credentials; LoginThrottled or LoginFailed otherwise."""
    now = clock()
    since = now - WINDOW
    username = username.strip()[:100]
    client = client[:100]
    with engine.begin() as conn:
        failures = login_attempts.c.success.is_(False)
        recent = login_attempts.c.at >= since
        by_user = conn.execute(
            select(func.count()).where(
                and_(failures, recent, login_attempts.c.username == username)
            )
        ).scalar_one()
        by_client = conn.execute(
            select(func.count()).where(and_(failures, recent, login_attempts.c.client == client))
        ).scalar_one()
        if by_user >= MAX_FAILURES_PER_USERNAME or by_client >= MAX_FAILURES_PER_CLIENT:
            raise LoginThrottled("too many failed logins; wait a minute")
        row = conn.execute(
            select(users).where(users.c.username == username, users.c.active.is_(True))
        ).first()
        ok = row is not None and _verify(row.password_hash, password)
        conn.execute(
            insert(login_attempts).values(username=username, client=client, at=now, success=ok)
        )
        # Old attempts say nothing useful after the window; keep the table small.
        conn.execute(delete(login_attempts).where(login_attempts.c.at < now - 10 * WINDOW))
    if row is None or not ok:
        raise LoginFailed("wrong username or password")
    return _principal(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHERS[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_language(engine: Engine, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(language=language))


def list_users(engine: Engine) -> list[Principal]:
    with engine.connect() as conn:
        return [_principal(r) for r in conn.execute(select(users).order_by(users.c.username))]


DEMO_ACCOUNTS: tuple[tuple[Side, Role, str], ...] = (
    (Side.UA, Role.PARTY_OFFICER, "ua.officer"),
    (Side.UA, Role.PARTY_VIEWER, "ua.viewer"),
    (Side.RU, Role.PARTY_OFFICER, "ru.officer"),
    (Side.RU, Role.PARTY_VIEWER, "ru.viewer"),
    (Side.MEDIATOR, Role.MEDIATOR_COORDINATOR, "med.coordinator"),
    (Side.MEDIATOR, Role.MEDIATOR_VERIFIER, "med.verifier"),
    (Side.MEDIATOR, Role.ADMINISTRATOR, "admin"),
)


def create_demo_users(engine: Engine) -> list[tuple[str, str, str]]:
    """One account per role and party with a fresh random password: (role, username,
    password). Existing demo accounts are left alone and not listed again."""
    created: list[tuple[str, str, str]] = []
    for party, role, username in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        try:
            create_user(CreateUser(party, role, username, password), engine)
        except AccountError as exc:
            if exc.field == "username":
                continue
            raise
        created.append((f"{role.value} ({party.value})", username, password))
    return created
