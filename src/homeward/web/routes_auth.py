"""Login, logout, one's own password and the language switcher (pages)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.accounts import (
    AccountError,
    LoginFailed,
    LoginThrottled,
    authenticate,
    change_password,
    end_sessions,
    get_principal,
    set_language,
)
from homeward.web.context import gettext_for, language_of, render, web
from homeward.web.i18n import LANGUAGES
from homeward.web.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Require,
    client_of,
    session_of,
)

router = APIRouter(include_in_schema=False)
PUBLIC = Require(ResourceKind.PUBLIC)
ACCOUNT = Require(ResourceKind.ACCOUNT, Action.WRITE)
ACCOUNT_READ = Require(ResourceKind.ACCOUNT, Action.READ)


def _set_session(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _safe_next(target: str | None) -> str:
    # Only local paths: never bounce a user to another site after login.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/dashboard"


@router.get("/")
async def home(principal: Annotated[Principal | None, Depends(PUBLIC)]) -> Response:
    return RedirectResponse("/dashboard" if principal else "/bulletin", status_code=303)


@router.get("/login")
async def login_page(
    request: Request, _p: Annotated[Principal | None, Depends(PUBLIC)], next: str = ""
) -> Response:
    session = session_of(request)
    response: Response = render(request, "login.html", {"next": _safe_next(next), "username": ""})
    if session is None:
        cookie = web(request).signer.session_cookie(None, language_of(request))
        request.state.session = web(request).signer.read_session(cookie)
        response = render(request, "login.html", {"next": _safe_next(next), "username": ""})
        _set_session(response, request, cookie)
    return response


@router.post("/login")
async def login(
    request: Request,
    _p: Annotated[Principal | None, Depends(PUBLIC)],
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    _ = gettext_for(request)
    session = session_of(request)
    context = {"next": _safe_next(next), "username": username, "errors": {}}
    if session is None or not hmac.compare_digest(csrf_token, session.csrf):
        context["errors"] = {"form": _("The form expired; please log in again.")}
        response = render(request, "login.html", context, status=403)
        cookie = web(request).signer.session_cookie(None, language_of(request))
        _set_session(response, request, cookie)
        return response
    if not username.strip():
        context["errors"] = {"username": _("Enter your username.")}
        return render(request, "login.html", context, status=422)
    if not password:
        context["errors"] = {"password": _("Enter your password.")}
        return render(request, "login.html", context, status=422)
    try:
        login_ = await run_in_threadpool(
            authenticate,
            username,
            password,
            client_of(request),
            web(request).engine,
            hasher=web(request).hasher,
        )
    except LoginThrottled:
        context["errors"] = {"form": _("Too many failed logins. Wait a minute and try again.")}
        return render(request, "login.html", context, status=429)
    except LoginFailed:
        context["errors"] = {"form": _("Wrong username or password.")}
        return render(request, "login.html", context, status=401)
    # A fresh CSRF token on login: a token seen before login is not trusted after.
    principal = login_.principal
    cookie = web(request).signer.session_cookie(
        (principal.user_id, login_.generation), principal.language
    )
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    _set_session(redirect, request, cookie)
    return redirect


@router.post("/logout")
async def logout(principal: Annotated[Principal, Depends(ACCOUNT)], request: Request) -> Response:
    """End every session and API token of the account, here and on other devices: a
    copied cookie is worth nothing after its owner logs out."""
    await run_in_threadpool(end_sessions, web(request).engine, principal.user_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account/password")
async def password_page(
    request: Request, _p: Annotated[Principal, Depends(ACCOUNT_READ)]
) -> Response:
    return render(request, "password.html", {"errors": {}, "done": False})


@router.post("/account/password")
async def password_change(
    request: Request,
    principal: Annotated[Principal, Depends(ACCOUNT)],
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    """Change one's own password: every other session and token ends; this one goes on."""
    _ = gettext_for(request)
    errors: dict[str, str] = {}
    if not current_password:
        errors["current_password"] = _("Enter your current password.")
    elif len(new_password) < 8:
        errors["new_password"] = _("A password has at least 8 characters.")
    elif new_password != repeat_password:
        errors["repeat_password"] = _("The two new passwords differ.")
    if errors:
        return render(request, "password.html", {"errors": errors, "done": False}, status=422)
    try:
        generation = await run_in_threadpool(
            change_password,
            web(request).engine,
            principal.user_id,
            current_password,
            new_password,
            hasher=web(request).hasher,
        )
    except LoginThrottled:
        errors = {"current_password": _("Too many failed logins. Wait a minute and try again.")}
        return render(request, "password.html", {"errors": errors, "done": False}, 429)
    except AccountError as exc:
        message = (
            _("The current password is wrong.")
            if exc.field == "current_password"
            else _("This password cannot be used.")
        )
        field = exc.field if exc.field in ("current_password", "new_password") else "new_password"
        return render(request, "password.html", {"errors": {field: message}, "done": False}, 422)
    session = session_of(request)
    response = render(request, "password.html", {"errors": {}, "done": True})
    if session is not None and session.user is not None and session.user[0] == principal.user_id:
        # The browser that made the change stays logged in; a bearer token never turns
        # into a cookie.
        cookie = web(request).signer.session_cookie(
            (principal.user_id, generation), principal.language, session.csrf
        )
        _set_session(response, request, cookie)
    return response


@router.post("/language")
async def choose_language(
    request: Request,
    _p: Annotated[Principal | None, Depends(PUBLIC)],
    language: Annotated[str, Form()] = "en",
    back: Annotated[str, Form()] = "",
) -> Response:
    if language not in LANGUAGES:
        language = "en"
    session = session_of(request)
    csrf = session.csrf if session else ""
    # Only a cookie session is carried over: a bearer token never turns into a cookie, and
    # a revoked session is not carried over either.
    user = session.user if session else None
    if user is not None:
        engine = web(request).engine
        if await run_in_threadpool(get_principal, engine, user[0], user[1]) is None:
            user = None
        else:
            await run_in_threadpool(set_language, engine, user[0], language)
    response = RedirectResponse(_safe_next(back) if back else "/", status_code=303)
    _set_session(response, request, web(request).signer.session_cookie(user, language, csrf))
    return response
