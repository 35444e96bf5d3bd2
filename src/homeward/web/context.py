"""What every route reaches through ``request.app.state.web``, and page rendering."""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from argon2 import PasswordHasher
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from homeward.bootstrap import Workspace
from homeward.services.access import AccessLog, Action, Principal, Resource, authorize
from homeward.services.events import EventSink
from homeward.services.unit_of_work import UnitOfWork
from homeward.settings import Settings
from homeward.web.i18n import LANGUAGES, Translations, negotiate, pick
from homeward.web.security import Signer, session_of
from homeward.web.uploads import ImportJobs


@dataclass
class WebContext:
    """The app's workspace (``homeward.bootstrap``) and what the web layer adds to it."""

    workspace: Workspace
    signer: Signer
    translations: dict[str, Translations]
    templates: Jinja2Templates
    max_upload_bytes: int = 50 * 1024 * 1024
    jobs: ImportJobs = field(default_factory=ImportJobs)
    # Peers whose X-Forwarded-For is believed (HOMEWARD_TRUSTED_PROXIES); none by default.
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()

    @property
    def settings(self) -> Settings:
        return self.workspace.settings

    @property
    def engine(self) -> Engine:
        return self.workspace.engine

    @property
    def events(self) -> EventSink:
        return self.workspace.events

    @property
    def access_log(self) -> AccessLog:
        return self.workspace.access_log

    @property
    def hasher(self) -> PasswordHasher:
        return self.workspace.hasher

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work over the workspace: one per use case."""
        return self.workspace.unit_of_work()


def web(request: Request) -> WebContext:
    return request.app.state.web  # type: ignore[no-any-return]


async def guard(request: Request, principal: Principal, action: Action, resource: Resource) -> None:
    """Check one specific object against the policy (and log it) before touching it."""
    await run_in_threadpool(authorize, principal, action, resource, web(request).access_log)


def language_of(request: Request) -> str:
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.language in LANGUAGES:
        return str(principal.language)
    session = session_of(request)
    if session is not None and session.language in LANGUAGES:
        return session.language
    return negotiate(request.headers.get("accept-language"))


def gettext_for(request: Request) -> Any:
    return pick(web(request).translations, language_of(request))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    session = session_of(request)
    # Only the principal read from the accounts table this request: a revoked cookie's
    # name is never shown.
    principal = getattr(request.state, "principal", None)
    lang = language_of(request)
    values: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "csrf": session.csrf if session else "",
        "lang": lang,
        "languages": LANGUAGES,
        "_": pick(web(request).translations, lang),
        "status": status,
    }
    values.update(context or {})
    return web(request).templates.TemplateResponse(request, template, values, status_code=status)
