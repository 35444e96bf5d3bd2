"""The composition root: builds engines and services from Settings, nowhere else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.settings import Settings


@dataclass
class Workspace:
    """What a command needs: settings and a migrated database."""

    settings: Settings
    engine: Engine

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(settings: Settings) -> Workspace:
    """Open the workspace database, creating or upgrading its schema first."""
    settings.workspace.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    return Workspace(settings, engine)
