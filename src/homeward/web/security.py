"""Sessions, bearer tokens, CSRF and the per-route access rule.

Every route declares its rule with a ``Require`` dependency; the authorisation-matrix test
enumerates the app's routes and fails for a route without one. A principal comes from a
signed session cookie (pages; forms then need the CSRF token) or from a bearer token
(the API; no CSRF since browsers never attach it on their own).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from homeward.domain.values import Side
from homeward.services.access import (
    AccessDenied,
    AccessLog,
    Action,
    Decision,
    Principal,
    Resource,
    ResourceKind,
    authorize,
    decide,
)
from homeward.services.accounts import get_principal

SESSION_COOKIE = "homeward_session"
SESSION_MAX_AGE = 12 * 3600
TOKEN_MAX_AGE = 8 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotAuthenticated(Exception):
    """No valid session or token: pages redirect to the login, the API answers 401."""


# (user id, session generation): what a cookie or token names. The account itself (party,
# role, language, still active, generation still current) is read on every request.
Ident = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Session:
    user: Ident | None
    csrf: str
    language: str


class Signer:
    """Signs session cookies and API tokens with the workspace's web secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._session = URLSafeTimedSerializer(secret, salt="homeward.session")
        self._token = URLSafeTimedSerializer(secret, salt="homeward.api-token")

    @staticmethod
    def _ident(data: dict[str, Any]) -> Ident:
        return int(data["u"]), int(data["g"])

    def session_cookie(self, user: Ident | None, language: str, csrf: str = "") -> str:
        data: dict[str, Any] = {"c": csrf or secrets.token_urlsafe(24), "l": language}
        if user is not None:
            data.update(u=user[0], g=user[1])
        return self._session.dumps(data)

    def read_session(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            data = self._session.loads(cookie, max_age=SESSION_MAX_AGE)
            user = self._ident(data) if "u" in data else None
            return Session(user, str(data["c"]), str(data.get("l", "en")))
        except (BadSignature, KeyError, ValueError, TypeError):
            return None

    def seal(self, purpose: str, data: dict[str, Any]) -> str:
        """Sign a small value the browser carries back (e.g. a rebalancing proposal)."""
        return URLSafeTimedSerializer(self._secret, salt=f"homeward.{purpose}").dumps(data)

    def unseal(self, purpose: str, token: str, max_age: int = 3600) -> dict[str, Any] | None:
        try:
            data = URLSafeTimedSerializer(self._secret, salt=f"homeward.{purpose}").loads(
                token, max_age=max_age
            )
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def token(self, user: Ident) -> str:
        return self._token.dumps({"u": user[0], "g": user[1]})

    def read_token(self, token: str) -> Ident | None:
        try:
            return self._ident(self._token.loads(token, max_age=TOKEN_MAX_AGE))
        except (BadSignature, KeyError, ValueError, TypeError):
            return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_of(request: Request) -> Session | None:
    cached = getattr(request.state, "session", None)
    if cached is None:
        signer: Signer = request.app.state.web.signer
        cached = signer.read_session(request.cookies.get(SESSION_COOKIE))
        request.state.session = cached
    return cached


def ident_of(request: Request) -> tuple[Ident | None, bool]:
    """What the request's token or cookie names, and whether it came from the cookie (so
    forms need CSRF)."""
    token = _bearer(request)
    signer: Signer = request.app.state.web.signer
    if token is not None:
        return signer.read_token(token), False
    if request.url.path.startswith("/api/"):
        return None, False  # the API authenticates by bearer token only, never by cookie
    session = session_of(request)
    return (session.user if session else None), True


async def principal_of(request: Request) -> tuple[Principal | None, bool]:
    """The principal, read from the accounts table on every request (a revoked session,
    a disabled or deleted account is refused at once), and whether it came from the cookie."""
    ident, from_cookie = ident_of(request)
    principal = None
    if ident is not None:
        engine = request.app.state.web.engine
        principal = await run_in_threadpool(get_principal, engine, ident[0], ident[1])
    request.state.principal = principal
    return principal, from_cookie


def client_of(request: Request) -> str:
    """The client's address: the peer's, or, when the peer is a configured trusted proxy
    (``HOMEWARD_TRUSTED_PROXIES``), the nearest address in X-Forwarded-For that is not one
    of the proxies. Anyone else's X-Forwarded-For is ignored: it is whatever they typed."""
    peer = request.client.host if request.client else "unknown"
    proxies: tuple[IPv4Network | IPv6Network, ...] = request.app.state.web.trusted_proxies
    if not proxies or not _within(peer, proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _within(hop, proxies):
            try:
                return str(ip_address(hop))
            except ValueError:
                return peer  # a hop that is no address: the chain cannot be followed
    return peer


def _within(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def trusted_networks(proxies: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    """Parse the trusted proxies setting (addresses or networks)."""
    return tuple(ip_network(p, strict=False) for p in proxies)


async def check_csrf(request: Request) -> None:
    """A cookie-authenticated POST must carry the session's CSRF token."""
    session = session_of(request)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if session is None or not sent or not hmac.compare_digest(sent, session.csrf):
        raise AccessDenied(Decision(False, "the form is stale or forged (CSRF check failed)", 403))


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Require:
    """A route's access rule: which kind of resource, which action.

    The party comes from the ``{party}`` path parameter when the route has one; routes
    that reach a specific object check it again through ``services.access.authorize``.
    """

    def __init__(
        self, kind: ResourceKind, action: Action = Action.READ, *, checks_object: bool = False
    ) -> None:
        self.kind = kind
        self.action = action
        # A route that checks (and logs) the specific object itself needs no log entry for
        # the coarse gate: one decision per access, not two.
        self.checks_object = checks_object

    def __repr__(self) -> str:
        return f"Require({self.kind.value}, {self.action.value})"

    async def __call__(self, request: Request) -> Principal | None:
        principal, from_cookie = await principal_of(request)
        if from_cookie and request.method in UNSAFE_METHODS and principal is not None:
            await check_csrf(request)
        if self.kind is ResourceKind.PUBLIC:
            return principal
        if principal is None:
            raise NotAuthenticated()
        party: Side | None = None
        raw = request.path_params.get("party")
        if raw is not None:
            try:
                party = Side(str(raw).upper())
            except ValueError:
                raise AccessDenied(Decision(False, f"no party {raw!r}", 404)) from None
        resource = Resource(self.kind, party)
        if self.checks_object and party is None:
            decision = decide(principal, self.action, resource)
            if not decision.allowed:
                raise AccessDenied(decision)
        else:
            log: AccessLog = request.app.state.web.access_log
            await run_in_threadpool(authorize, principal, self.action, resource, log)
        request.state.principal = principal
        return principal


def rule_of(route: object) -> Require | None:
    """The Require rule a route declares, searching its dependency tree."""
    dependant = getattr(route, "dependant", None)
    stack = list(getattr(dependant, "dependencies", []))
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Require):
            return dep.call
        stack.extend(dep.dependencies)
    return None
