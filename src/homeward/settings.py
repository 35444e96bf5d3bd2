"""Typed settings, read from the environment once, by the composition root only."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///homeward.db"
DEFAULT_LEDGER_ORIGIN = "homeward.invalid/exchange-ledger"
# The demo workspace's keys are locked with this when HOMEWARD_KEY_PASSPHRASE is unset:
# demo data is synthetic; a real workspace sets its own passphrase.
DEMO_PASSPHRASE = "homeward-demo-only"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the workspace lives.

    ``HOMEWARD_KEY_PASSPHRASE``: unlocks the signing keys in ``<workspace>/keys``
    (``HOMEWARD_KEY_PASSPHRASE_<NAME>`` for one signer's key; the CLI prompts otherwise).
    ``HOMEWARD_COSIGNER_PASSPHRASE``: unlocks a party's cosigner key (``homeward cosigner``,
    on the party's machine; ``homeward keys export-party`` re-encrypts under it). Never
    defaulted: the cosigner refuses to create or open its key without it, except ``--demo``.
    ``HOMEWARD_LEDGER_ORIGIN``: the log's origin line in checkpoints (default
    ``homeward.invalid/exchange-ledger``).
    ``HOMEWARD_DATABASE_URL``: the database (default ``sqlite:///homeward.db``; PostgreSQL as
    ``postgresql+psycopg://user@host/db``). ``HOMEWARD_WORKSPACE``: the folder for keys,
    models and exports (default: the current folder).
    ``HOMEWARD_TRUSTED_PROXIES``: comma-separated addresses or networks of the reverse
    proxies in front of the web server (e.g. ``127.0.0.1,10.0.0.0/24``); only from these is
    ``X-Forwarded-For`` believed for the login throttle's client address (default: none,
    the peer's own address counts).
    """

    database_url: str = DEFAULT_DATABASE_URL
    workspace: Path = Path(".")
    key_passphrase: str | None = None
    cosigner_passphrase: str | None = None
    ledger_origin: str = DEFAULT_LEDGER_ORIGIN
    trusted_proxies: tuple[str, ...] = ()

    @property
    def keys_dir(self) -> Path:
        return self.workspace / "keys"

    @property
    def model_path(self) -> Path:
        return self.workspace / "match-model.json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("HOMEWARD_DATABASE_URL", DEFAULT_DATABASE_URL),
            workspace=Path(env.get("HOMEWARD_WORKSPACE", ".")),
            key_passphrase=env.get("HOMEWARD_KEY_PASSPHRASE"),
            cosigner_passphrase=env.get("HOMEWARD_COSIGNER_PASSPHRASE") or None,
            ledger_origin=env.get("HOMEWARD_LEDGER_ORIGIN", DEFAULT_LEDGER_ORIGIN),
            trusted_proxies=tuple(
                p.strip() for p in env.get("HOMEWARD_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
        )

    @property
    def passphrase(self) -> str:
        """The signing keys' passphrase: HOMEWARD_KEY_PASSPHRASE, else the demo's."""
        return self.key_passphrase or DEMO_PASSPHRASE

    def for_workspace(self, folder: Path) -> Settings:
        """The same settings for a workspace folder with its own SQLite file, unless a
        database URL was set explicitly in the environment."""
        url = self.database_url
        if url == DEFAULT_DATABASE_URL:
            url = f"sqlite:///{folder / 'homeward.db'}"
        return replace(self, database_url=url, workspace=folder)
