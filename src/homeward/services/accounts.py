"""User accounts: create, authenticate with throttling, passwords, sessions, demo logins.

Passwords are kept as argon2id hashes. Usernames are case-insensitive: the folded form
(NFKC, casefold) is unique and is what a login looks up. Failed logins are counted per
username and per client in a one-minute window; a slot is taken atomically before the
password is checked (``adapters.login_throttle``), so 40 concurrent guesses get 5 checks.
Each account has a session generation: every session cookie and API token carries the one
it was issued under, and logout, a password change, a reset or deactivation moves it on,
ending them all at once; a deleted account's are refused because the account is gone.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from homeward.adapters import login_throttle
from homeward.adapters.tables_web import users
from homeward.domain.values import Side
from homeward.services.access import Principal, Role, check_role_party

LANGUAGES = ("en", "uk", "ru")
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_CLIENT = 10
WINDOW = dt.timedelta(minutes=1)
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # argon2 would hash a megabyte too; nobody types one

# argon2id with its library's parameters. The workspace passes its own hasher (tests make
# one with cheap parameters); a hash records its parameters, so any hasher verifies it.
DEFAULT_HASHER = PasswordHasher()


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


def fold_username(username: str) -> str:
    """The form two usernames are compared in: ``fold_username("UA.Tester") == "ua.tester"``."""
    return unicodedata.normalize("NFKC", username.strip()).casefold()


def generate_password() -> str:
    """A random password for a new or reset account, shown once to whoever made it."""
    return secrets.token_urlsafe(12)


@dataclass(frozen=True, slots=True)
class CreateUser:
    party: Side
    role: Role
    username: str
    password: str
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Login:
    """Who logged in, and the session generation their cookie or token must carry."""

    principal: Principal
    generation: int


@dataclass(frozen=True, slots=True)
class Account:
    """An account as an administrator sees it."""

    user_id: int
    username: str
    party: Side
    role: Role
    language: str
    active: bool
    created_at: dt.datetime


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(field, f"a password has at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(field, f"a password has at most {MAX_PASSWORD} characters")


def create_user(
    command: CreateUser,
    engine: Engine,
    clock: Clock = _now,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Principal:
    """Create an account; raise AccountError naming the field when the command is bad."""
    username = unicodedata.normalize("NFKC", command.username.strip())
    if not 3 <= len(username) <= 100:
        raise AccountError("username", "a username has 3 to 100 characters")
    _check_password(command.password)
    if command.language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")
    try:
        check_role_party(command.role, command.party)
    except ValueError as exc:
        raise AccountError("party", str(exc)) from None
    key = fold_username(username)
    with engine.begin() as conn:
        taken = conn.execute(select(users.c.username).where(users.c.username_key == key)).first()
        if taken is not None:
            raise AccountError("username", f"the username {username!r} is taken")
        result = conn.execute(
            insert(users).values(
                username=username,
                username_key=key,
                password_hash=hasher.hash(command.password),
                party=command.party.value,
                role=command.role.value,
                language=command.language,
                active=True,
                created_at=clock(),
                session_generation=0,
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


def get_principal(engine: Engine, user_id: int, generation: int) -> Principal | None:
    """The active user with this id whose sessions of ``generation`` still hold, or None:
    called on every request, so a revoked cookie or token is refused at once."""
    with engine.connect() as conn:
        row = conn.execute(
            select(users).where(
                users.c.id == user_id,
                users.c.active.is_(True),
                users.c.session_generation == generation,
            )
        ).first()
    return None if row is None else _principal(row)


def authenticate(
    username: str,
    password: str,
    client: str,
    engine: Engine,
    clock: Clock = _now,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> Login:
    """The user for these credentials; LoginThrottled or LoginFailed otherwise.

    A slot under the username and one under the client are taken first, each in its own
    committed statement; the password is checked only with both in hand, and the slots are
    given back when it was right."""
    now = clock()
    keys = [
        (f"user:{fold_username(username)[:100]}", MAX_FAILURES_PER_USERNAME),
        (f"client:{client[:100]}", MAX_FAILURES_PER_CLIENT),
    ]
    taken: list[str] = []
    for key, limit in keys:
        with engine.begin() as conn:
            ok = login_throttle.take_slot(conn, key, limit, now, WINDOW)
        if not ok:
            _give_back(engine, taken)
            raise LoginThrottled("too many failed logins; wait a minute")
        taken.append(key)
    with engine.connect() as conn:
        row = conn.execute(
            select(users).where(
                users.c.username_key == fold_username(username)[:100], users.c.active.is_(True)
            )
        ).first()
    if row is None or not _verify(hasher, row.password_hash, password):
        with engine.begin() as conn:
            # Windows that ended long ago say nothing any more; keep the table small.
            login_throttle.forget_before(conn, now - 10 * WINDOW)
        raise LoginFailed("wrong username or password")
    _give_back(engine, taken)
    return Login(_principal(row), int(row.session_generation))


def _give_back(engine: Engine, keys: list[str]) -> None:
    if keys:
        with engine.begin() as conn:
            for key in keys:
                login_throttle.give_back(conn, key)


def _next_generation(conn: Connection, user_id: int, **values: object) -> int:
    result = conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(session_generation=users.c.session_generation + 1, **values)
        .returning(users.c.session_generation)
    ).first()
    if result is None:
        raise AccountError("user", "no such account")
    return int(result[0])


def end_sessions(engine: Engine, user_id: int) -> int:
    """Log the account out everywhere: every cookie and token issued so far is refused.
    Returns the new generation."""
    with engine.begin() as conn:
        return _next_generation(conn, user_id)


def change_password(
    engine: Engine,
    user_id: int,
    current: str,
    new: str,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> int:
    """The user changes their own password (knowing the current one); every other session
    and token ends. Returns the new generation for the session that made the change.
    Wrong current passwords count against the same allowance as failed logins
    (LoginThrottled past it)."""
    _check_password(new, "new_password")
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.password_hash, users.c.username_key).where(
                users.c.id == user_id, users.c.active.is_(True)
            )
        ).first()
    if row is None:
        raise AccountError("user", "no such account")
    # Guesses of the current password (from a stolen session) count as failed logins.
    key = f"user:{row.username_key}"
    with engine.begin() as conn:
        if not login_throttle.take_slot(conn, key, MAX_FAILURES_PER_USERNAME, _now(), WINDOW):
            raise LoginThrottled("too many failed attempts; wait a minute")
    if not _verify(hasher, row.password_hash, current):
        raise AccountError("current_password", "the current password is wrong")
    _give_back(engine, [key])
    with engine.begin() as conn:
        return _next_generation(conn, user_id, password_hash=hasher.hash(new))


def reset_password(
    engine: Engine,
    user_id: int,
    new: str | None = None,
    *,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> str:
    """An administrator sets a new password (a random one unless given) and ends every
    session and token of the account; returns the password, to be shown once."""
    password = new if new is not None else generate_password()
    _check_password(password)
    with engine.begin() as conn:
        _next_generation(conn, user_id, password_hash=hasher.hash(password))
    return password


def _keep_an_administrator(conn: Connection, user_id: int) -> None:
    """Refuse to disable, demote or delete the last active administrator: nobody could
    manage accounts any more."""
    admins = conn.execute(
        select(users.c.id).where(users.c.role == Role.ADMINISTRATOR.value, users.c.active.is_(True))
    ).scalars()
    remaining = set(admins) - {user_id}
    target = conn.execute(select(users.c.role).where(users.c.id == user_id)).scalar()
    if target == Role.ADMINISTRATOR.value and not remaining:
        raise AccountError("user", "this is the last administrator; make another one first")


def set_active(engine: Engine, user_id: int, active: bool) -> None:
    """Disable (ending every session and token at once) or enable an account."""
    with engine.begin() as conn:
        if not active:
            _keep_an_administrator(conn, user_id)
        _next_generation(conn, user_id, active=active)


def set_role(engine: Engine, user_id: int, party: Side, role: Role) -> None:
    """Change an account's party and role; takes effect on its next request."""
    try:
        check_role_party(role, party)
    except ValueError as exc:
        raise AccountError("role", str(exc)) from None
    with engine.begin() as conn:
        if role is not Role.ADMINISTRATOR:
            _keep_an_administrator(conn, user_id)
        done = conn.execute(
            update(users).where(users.c.id == user_id).values(party=party.value, role=role.value)
        )
        if done.rowcount != 1:
            raise AccountError("user", "no such account")


def delete_user(engine: Engine, user_id: int) -> None:
    """Delete an account; its sessions and tokens are refused from the next request on.
    The access log keeps its username."""
    with engine.begin() as conn:
        _keep_an_administrator(conn, user_id)
        if conn.execute(delete(users).where(users.c.id == user_id)).rowcount != 1:
            raise AccountError("user", "no such account")


def user_id_of(engine: Engine, username: str) -> int | None:
    """The id of the account with this username (in any case), or None."""
    with engine.connect() as conn:
        found = conn.execute(
            select(users.c.id).where(users.c.username_key == fold_username(username))
        ).scalar()
    return None if found is None else int(found)


def _account(row: object) -> Account:
    return Account(
        int(row.id),  # type: ignore[attr-defined]
        row.username,  # type: ignore[attr-defined]
        Side(row.party),  # type: ignore[attr-defined]
        Role(row.role),  # type: ignore[attr-defined]
        row.language,  # type: ignore[attr-defined]
        bool(row.active),  # type: ignore[attr-defined]
        row.created_at,  # type: ignore[attr-defined]
    )


def list_accounts(engine: Engine) -> list[Account]:
    """Every account, active or not, by username."""
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username_key)).all()
    return [_account(r) for r in rows]


def get_account(engine: Engine, user_id: int) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return None if row is None else _account(row)


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_language(engine: Engine, user_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise AccountError("language", f"language must be one of {', '.join(LANGUAGES)}")
    with engine.begin() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(language=language))


def list_users(engine: Engine) -> list[Principal]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username_key)).all()
    return [_principal(r) for r in rows]


DEMO_ACCOUNTS: tuple[tuple[Side, Role, str], ...] = (
    (Side.UA, Role.PARTY_OFFICER, "ua.officer"),
    (Side.UA, Role.PARTY_VIEWER, "ua.viewer"),
    (Side.RU, Role.PARTY_OFFICER, "ru.officer"),
    (Side.RU, Role.PARTY_VIEWER, "ru.viewer"),
    (Side.MEDIATOR, Role.MEDIATOR_COORDINATOR, "med.coordinator"),
    (Side.MEDIATOR, Role.MEDIATOR_VERIFIER, "med.verifier"),
    (Side.MEDIATOR, Role.ADMINISTRATOR, "admin"),
)


def create_demo_users(
    engine: Engine, hasher: PasswordHasher = DEFAULT_HASHER
) -> list[tuple[str, str, str]]:
    """One account per role and party with a fresh random password: (role, username,
    password). Existing demo accounts are left alone and not listed again."""
    created: list[tuple[str, str, str]] = []
    for party, role, username in DEMO_ACCOUNTS:
        password = generate_password()
        try:
            create_user(CreateUser(party, role, username, password), engine, hasher=hasher)
        except AccountError as exc:
            if exc.field == "username":
                continue
            raise
        created.append((f"{role.value} ({party.value})", username, password))
    return created
