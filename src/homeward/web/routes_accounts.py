"""The administrator's pages: accounts (create, disable, enable, reset the password, change
the role, delete) and the access log, searchable by who read whose data and the outcome.

An administrator sees no personal data: the access log names objects by id (a handover, a
match), never people.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from homeward.domain.values import Side
from homeward.services.access import (
    PERSONAL,
    Action,
    Decision,
    Principal,
    Resource,
    ResourceKind,
    Role,
)
from homeward.services.accounts import (
    LANGUAGES,
    MIN_PASSWORD,
    AccountError,
    CreateUser,
    create_user,
    delete_user,
    generate_password,
    get_account,
    list_accounts,
    reset_password,
    set_active,
    set_role,
)
from homeward.web.admin_queries import PAGE, AccessQuery, search_access_log
from homeward.web.context import gettext_for, render, web
from homeward.web.errors import NotFound
from homeward.web.security import Require

router = APIRouter(include_in_schema=False)
READ = Require(ResourceKind.USERS, Action.READ)
WRITE = Require(ResourceKind.USERS, Action.WRITE)
ACTIONS = ("disable", "enable", "reset", "role", "delete")
# What the access log says was done to an account (translated on the access log page).
_DONE = {
    "disable": "disabled",
    "enable": "enabled",
    "reset": "password reset",
    "role": "role changed",
    "delete": "deleted",
}


async def _audit(
    request: Request, admin: Principal, username: str, done: str, detail: str = ""
) -> None:
    """Every change to an account goes to the access log too, before the answer: who
    changed whose account, and how (searchable like any other decision)."""
    resource = Resource(ResourceKind.USERS, None, username)
    decision = Decision(True, f"{done}: {detail}" if detail else done)
    log = web(request).access_log
    await run_in_threadpool(log.record, admin, Action.WRITE, resource, decision)


def _account_error(request: Request, exc: AccountError, username: str = "") -> dict[str, str]:
    """The service's refusal, in the reader's language, under the field it is about."""
    _ = gettext_for(request)
    if exc.field == "username":
        if 3 <= len(username.strip()) <= 100:
            return {"username": _("The username %(name)s is taken.", name=username.strip())}
        return {"username": _("A username has 3 to 100 characters.")}
    if exc.field in ("password", "new_password"):
        return {"password": _("A password has at least 8 characters.")}
    if exc.field in ("party", "role"):
        return {
            "role": _(
                "Party roles belong to UA or RU; mediator roles and the administrator to MED."
            )
        }
    if "last administrator" in str(exc):
        return {"form": _("This is the last administrator; make another one first.")}
    return {"form": _("There is no such account.")}


async def _accounts_page(
    request: Request, extra: dict[str, Any] | None = None, status: int = 200
) -> Response:
    accounts = await run_in_threadpool(list_accounts, web(request).engine)
    context: dict[str, Any] = {
        "accounts": accounts,
        "roles": [r.value for r in Role],
        "parties": [s.value for s in Side],
        "account_languages": LANGUAGES,
        "errors": {},
        "form": {},
        "notice": "",
        "shown_password": None,
        "min_password": MIN_PASSWORD,
    }
    context.update(extra or {})
    return render(request, "admin_accounts.html", context, status=status)


@router.get("/admin/accounts")
async def accounts_page(request: Request, _p: Annotated[Principal, Depends(READ)]) -> Response:
    return await _accounts_page(request)


@router.post("/admin/accounts")
async def create_account(
    request: Request,
    admin: Annotated[Principal, Depends(WRITE)],
    username: Annotated[str, Form()] = "",
    party: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    language: Annotated[str, Form()] = "en",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Create an account; with no password typed, a random one is shown once."""
    _ = gettext_for(request)
    form = {"username": username, "party": party, "role": role, "language": language}
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = _("Enter a username.")
    if party not in {s.value for s in Side}:
        errors["party"] = _("Choose a party.")
    if role not in {r.value for r in Role}:
        errors["role"] = _("Choose a role.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose a language.")
    if errors:
        return await _accounts_page(request, {"errors": errors, "form": form}, status=422)
    chosen = password or generate_password()
    command = CreateUser(Side(party), Role(role), username, chosen, language)
    try:
        created = await run_in_threadpool(
            create_user, command, web(request).engine, hasher=web(request).hasher
        )
    except AccountError as exc:
        errors = _account_error(request, exc, username)
        return await _accounts_page(request, {"errors": errors, "form": form}, status=422)
    await _audit(request, admin, created.username, "created", f"{role} ({party})")
    extra: dict[str, Any] = {"notice": _("Account %(name)s created.", name=created.username)}
    if not password:
        extra["shown_password"] = (created.username, chosen)
    return await _accounts_page(request, extra)


@router.post("/admin/accounts/{user_id}")
async def change_account(
    request: Request,
    principal: Annotated[Principal, Depends(WRITE)],
    user_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    action: Annotated[str, Form()] = "",
    party: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    """One change to one account: disable or enable it, reset its password (a random one,
    shown once), change its party and role, or delete it. Disabling, resetting and deleting
    end its sessions and tokens at once."""
    _ = gettext_for(request)
    if action not in ACTIONS:
        return await _accounts_page(request, {"errors": {"form": _("Choose a change.")}}, 422)
    engine = web(request).engine
    account = await run_in_threadpool(get_account, engine, user_id)
    if account is None:
        raise NotFound(_("There is no such account."))
    if action in ("disable", "delete") and user_id == principal.user_id:
        errors = {"form": _("You cannot disable or delete your own account.")}
        return await _accounts_page(request, {"errors": errors}, 422)
    extra: dict[str, Any] = {}
    try:
        if action in ("disable", "enable"):
            await run_in_threadpool(set_active, engine, user_id, action == "enable")
            extra["notice"] = (
                _("%(name)s is enabled.", name=account.username)
                if action == "enable"
                else _(
                    "%(name)s is disabled; their sessions and tokens have ended.",
                    name=account.username,
                )
            )
        elif action == "reset":
            new = await run_in_threadpool(
                reset_password, engine, user_id, hasher=web(request).hasher
            )
            extra["notice"] = _(
                "The password of %(name)s is reset; their sessions and tokens have ended.",
                name=account.username,
            )
            extra["shown_password"] = (account.username, new)
        elif action == "role":
            if party not in {s.value for s in Side} or role not in {r.value for r in Role}:
                errors = {"form": _("Choose a party and a role.")}
                return await _accounts_page(request, {"errors": errors}, 422)
            await run_in_threadpool(set_role, engine, user_id, Side(party), Role(role))
            extra["notice"] = _("%(name)s has a new role.", name=account.username)
        else:
            await run_in_threadpool(delete_user, engine, user_id)
            extra["notice"] = _("%(name)s is deleted.", name=account.username)
    except AccountError as exc:
        return await _accounts_page(request, {"errors": _account_error(request, exc)}, 422)
    detail = f"{role} ({party})" if action == "role" else ""
    await _audit(request, principal, account.username, _DONE[action], detail)
    return await _accounts_page(request, extra)


@router.get("/admin/access-log")
async def access_log_page(
    request: Request,
    _p: Annotated[Principal, Depends(READ)],
    who: Annotated[str, Query(max_length=100)] = "",
    whose: Annotated[str, Query(pattern="^(|UA|RU|MED)$")] = "",
    kind: Annotated[str, Query(max_length=32)] = "",
    outcome: Annotated[str, Query(pattern="^(|allowed|refused)$")] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ident: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Every decision on personal data, newest first: who, which data of whose, allowed or
    refused and why."""
    query = AccessQuery(who, whose, kind, outcome, offset, ident)
    rows, total = await run_in_threadpool(search_access_log, web(request).engine, query)
    return render(
        request,
        "admin_access_log.html",
        {
            "rows": rows,
            "total": total,
            "query": query,
            "page": PAGE,
            "kinds": [*sorted(k.value for k in PERSONAL), ResourceKind.USERS.value],
        },
    )
