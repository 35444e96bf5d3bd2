"""The importable ASGI application, for several processes behind a proxy:

    uvicorn homeward.web.asgi:app --workers 4 --no-proxy-headers --host 127.0.0.1 --port 8000
    gunicorn -k uvicorn.workers.UvicornWorker -w 4 homeward.web.asgi:app

(``--no-proxy-headers``: the app itself believes ``X-Forwarded-For`` only from
``HOMEWARD_TRUSTED_PROXIES``.)

It reads Settings from the environment (``HOMEWARD_WORKSPACE``, ``HOMEWARD_DATABASE_URL``,
...) when the module is imported, once in each worker process. Workers never migrate the
database unless ``HOMEWARD_MIGRATE_ON_START=1``: run ``homeward db upgrade`` once before
starting them; on a schema that is behind, the import fails with the message saying so.
``homeward serve --workers N`` starts exactly this application.
"""

from __future__ import annotations

import atexit

from fastapi import FastAPI

from homeward.adapters.private_files import restrict_new_files
from homeward.bootstrap import open_for_serving
from homeward.settings import Settings
from homeward.web.app import create_app

# Several workers are assumed: a starting worker migrates only when told to explicitly.
ASSUMED_WORKERS = 2


def build_app(settings: Settings) -> FastAPI:
    """The web application on the workspace ``settings`` name, its schema checked."""
    settings = settings.for_workspace(settings.workspace)
    restrict_new_files()  # the database, its journal and the secret: owner only (0600)
    workspace = open_for_serving(settings, workers=ASSUMED_WORKERS)
    atexit.register(workspace.close)
    return create_app(workspace)


app = build_app(Settings.from_env())
