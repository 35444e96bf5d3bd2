"""The app factory: ``create_app(workspace)``; nothing happens at import time."""

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
from sqlalchemy.exc import NoResultFound

from homeward.adapters.private_files import restrict_new_files, sqlite_files, tighten
from homeward.bootstrap import KeysUnavailable, Workspace
from homeward.domain.errors import NotAllowed
from homeward.matching.engine import ModelMissing
from homeward.services.access import AccessDenied
from homeward.settings import Settings
from homeward.web.context import WebContext, gettext_for, render
from homeward.web.denials import explain_denial, install_reason_filter
from homeward.web.errors import BadInput, Conflict, NotFound
from homeward.web.i18n import install_filters, load_all
from homeward.web.security import NotAuthenticated, Signer, trusted_networks
from homeward.web.uploads import UploadLimit
from homeward.web.words import install_word_filters

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
    "routes_accounts",
)
API_MODULES = ("api_auth", "api_registry", "api_exchange", "api_agreement", "api_rounds")


def load_secret(settings: Settings) -> bytes:
    """The workspace's signing secret for sessions and tokens, made on first use (once,
    atomically and 0600, even when several server processes start together)."""
    from homeward.adapters.private_file import read_or_create

    return read_or_create(Path(settings.keys_dir) / SECRET_FILE, lambda: secrets.token_bytes(32))


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _wants_html(request: Request) -> bool:
    """A browser (it asks for text/html) on a page, not the API nor a script."""
    return not _is_api(request) and "text/html" in request.headers.get("accept", "")


def create_app(workspace: Workspace, secret: bytes | None = None) -> FastAPI:
    """The whole web application on ``workspace`` (``homeward.bootstrap``): pages, the JSON
    API under /api/v1 and static assets. The caller closes the workspace.

    >>> # app = create_app(open_for_serving(Settings.from_env())); uvicorn.run(app)
    """
    settings = workspace.settings
    restrict_new_files()  # whatever the server writes (database, exports, logs) is 0600
    tighten(sqlite_files(settings.database_url))  # and a database made readable before

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
    install_filters(templates.env)
    install_word_filters(templates.env)
    install_reason_filter(templates.env)
    app.state.web = WebContext(
        workspace=workspace,
        signer=Signer(secret if secret is not None else load_secret(settings)),
        translations=load_all(),
        templates=templates,
        trusted_proxies=trusted_networks(settings.trusted_proxies),
    )
    app.mount("/static", StaticFiles(directory=str(web_root / "static")), name="static")
    app.add_middleware(UploadLimit, limit=lambda: app.state.web.max_upload_bytes)
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
            message = explain_denial(str(exc), gettext_for(request))
            response = render(request, "error.html", {"message": message}, status=exc.status)
        response.headers[DENIED_HEADER] = "1"
        return response

    @app.exception_handler(NoResultFound)
    @app.exception_handler(NotFound)
    async def _missing(request: Request, exc: Exception) -> Response:
        message = str(exc) if isinstance(exc, NotFound) else "not found"
        if _is_api(request):
            return JSONResponse({"detail": message}, status_code=404)
        if not isinstance(exc, NotFound):
            message = gettext_for(request)("Not found.")
        return render(request, "error.html", {"message": message}, status=404)

    # A model not trained yet, a key not made yet: the workspace needs a step first.
    @app.exception_handler(ModelMissing)
    @app.exception_handler(KeysUnavailable)
    @app.exception_handler(Conflict)
    @app.exception_handler(NotAllowed)  # a rule of the exchange, not an access decision
    async def _conflict(request: Request, exc: Exception) -> Response:
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
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_html(request):
            _ = gettext_for(request)
            if any(tuple(e.get("loc", ()))[:1] == ("path",) for e in exc.errors()):
                # /ledger/entries/abc names no entry: for a reader that is "not found".
                message = _("There is no page at this address.")
                return render(request, "error.html", {"message": message}, status=404)
            message = _("A value in the address is not valid (a number too large or not a number).")
            return render(request, "error.html", {"message": message}, status=422)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, status_code=422)

    return app
