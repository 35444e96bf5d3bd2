"""The composition root: builds engines and services from Settings, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import require_current_schema, upgrade
from homeward.settings import Settings


@dataclass
class Workspace:
    """What a command needs: settings and a migrated database."""

    settings: Settings
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(settings: Settings) -> Workspace:
    """Open the workspace database, creating or upgrading its schema first (under the
    migration lock, so that commands started together do not migrate twice)."""
    settings.workspace.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Workspace(settings, engine)


def open_for_serving(settings: Settings, workers: int = 1) -> Workspace:
    """Open the workspace for a web server: migrate it only when ``settings`` allow a
    starting server to (``Settings.migrates_on_start``), else raise
    ``homeward.adapters.migrate.SchemaBehind`` if the schema is not the newest."""
    if settings.migrates_on_start(workers):
        return open_workspace(settings)
    settings.workspace.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        require_current_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return Workspace(settings, engine)
