"""The app factory: ``create_app(settings, engine)``; nothing happens at import time."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import import_module, resources
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.exc import NoResultFound

from homeward.services.access import AccessDenied, BufferedAccessLog
from homeward.services.ledger_events import LedgerEventSink
from homeward.settings import Settings
from homeward.web.context import WebContext, render
from homeward.web.errors import BadInput, Conflict, NotFound
from homeward.web.i18n import load_all
from homeward.web.security import NotAuthenticated, Signer

SECRET_FILE = "web-secret.key"
DENIED_HEADER = "X-Access-Denied"
# Routes the framework adds, public by design and holding no data: the only ones without
# a Require rule (the authorisation-matrix test checks every other route has one).
FRAMEWORK_ROUTES = frozenset({"/openapi.json", "/static"})
PAGE_MODULES = (
    "routes_auth",
    "routes_public",
    "routes_dashboard",
    "routes_registry",
    "routes_outcomes",
    "routes_lists",
    "routes_agreement",
    "routes_handover",
    "routes_ledger",
)
API_MODULES = ("api_auth", "api_registry", "api_exchange", "api_rounds")


def load_secret(settings: Settings) -> bytes:
    """The workspace's signing secret for sessions and tokens, made on first use."""
    path = Path(settings.keys_dir) / SECRET_FILE
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(32)
    path.write_bytes(secret)
    path.chmod(0o600)
    return secret


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(settings: Settings, engine: Engine, secret: bytes | None = None) -> FastAPI:
    """The whole web application: pages, the JSON API under /api/v1 and static assets.

    >>> # app = create_app(Settings(), engine); uvicorn.run(app)
    """

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        yield
        application.state.web.access_log.flush()  # no decision is lost on shutdown

    app = FastAPI(
        lifespan=lifespan,
        title="homeward",
        version="1",
        description="Exchanges of prisoners of war and detained civilians: "
        "two parties and a neutral mediator.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    web_root = resources.files("homeward.web")
    templates = Jinja2Templates(directory=str(web_root / "templates"))
    app.state.web = WebContext(
        settings=settings,
        engine=engine,
        signer=Signer(secret if secret is not None else load_secret(settings)),
        access_log=BufferedAccessLog(engine),
        events=LedgerEventSink(),
        translations=load_all(),
        templates=templates,
    )
    app.mount("/static", StaticFiles(directory=str(web_root / "static")), name="static")
    # Routes are added flat (not through include_router) so ``app.routes`` lists every
    # route with its full path: the authorisation-matrix test walks exactly that list.
    for name in (*PAGE_MODULES, *API_MODULES):
        app.router.routes.extend(import_module(f"homeward.web.{name}").router.routes)

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, _exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"detail": "not authenticated"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = quote(request.url.path, safe="/")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(AccessDenied)
    async def _denied(request: Request, exc: AccessDenied) -> Response:
        response: Response
        if _is_api(request):
            response = JSONResponse({"detail": str(exc)}, status_code=exc.status)
        else:
            response = render(request, "error.html", {"message": str(exc)}, status=exc.status)
        response.headers[DENIED_HEADER] = "1"
        return response

    @app.exception_handler(NoResultFound)
    @app.exception_handler(NotFound)
    async def _missing(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, NotFound) else "not found"
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=404)
        return render(request, "error.html", {"message": message}, status=404)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return render(request, "error.html", {"message": str(exc)}, status=409)

    @app.exception_handler(BadInput)
    async def _bad_input(request: Request, exc: BadInput) -> Response:
        if _is_api(request):
            detail = [{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]
            return JSONResponse({"detail": detail}, status_code=422)
        return render(request, "error.html", {"message": str(exc)}, status=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    return app
