"""Login, logout and the language switcher (pages)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from homeward.services.access import Action, Principal, ResourceKind
from homeward.services.accounts import LoginFailed, LoginThrottled, authenticate, set_language
from homeward.web.context import gettext_for, language_of, render, web
from homeward.web.i18n import LANGUAGES
from homeward.web.security import SESSION_COOKIE, SESSION_MAX_AGE, Require, session_of

router = APIRouter(include_in_schema=False)
PUBLIC = Require(ResourceKind.PUBLIC)
ACCOUNT = Require(ResourceKind.ACCOUNT, Action.WRITE)


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


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
        principal = await run_in_threadpool(
            authenticate, username, password, client_of(request), web(request).engine
        )
    except LoginThrottled:
        context["errors"] = {"form": _("Too many failed logins. Wait a minute and try again.")}
        return render(request, "login.html", context, status=429)
    except LoginFailed:
        context["errors"] = {"form": _("Wrong username or password.")}
        return render(request, "login.html", context, status=401)
    # A fresh CSRF token on login: a token seen before login is not trusted after.
    cookie = web(request).signer.session_cookie(principal, principal.language)
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    _set_session(redirect, request, cookie)
    return redirect


@router.post("/logout")
async def logout(_p: Annotated[Principal, Depends(ACCOUNT)]) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
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
    # Only a cookie session is carried over: a bearer token never turns into a cookie.
    principal = session.principal if session else None
    if principal is not None:
        await run_in_threadpool(set_language, web(request).engine, principal.user_id, language)
        principal = Principal(
            principal.user_id, principal.username, principal.party, principal.role, language
        )
    response = RedirectResponse(_safe_next(back) if back else "/", status_code=303)
    _set_session(response, request, web(request).signer.session_cookie(principal, language, csrf))
    return response
