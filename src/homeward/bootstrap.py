"""The composition root: builds everything a command or the web app needs from Settings.

``open_workspace(settings)`` is the one place that makes the engine, the event sink, the
clock, the access log, the signers, the matching model and the password hasher. The CLI
(``homeward.cli.workspace.with_workspace``) and the web app (``create_app(workspace)``)
take a ``Workspace`` and never build these themselves.

>>> # with open_workspace(Settings.from_env()) as workspace: workspace.checkpoint()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from argon2 import PasswordHasher
from sqlalchemy import Engine

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import require_current_schema, upgrade
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import Side
from homeward.ledger.keys import KeyFileError
from homeward.ledger.note import Signer, VerifierKey
from homeward.matching.engine import Matcher
from homeward.services.access import AccessLog, SqlAccessLog
from homeward.services.events import EventSink
from homeward.services.ledger_events import LedgerEventSink
from homeward.services.signing import (
    PartyKeyInWorkspace,
    ensure_mediator_key,
    load_mediator,
    mediator_keys,
    signer_name,
)
from homeward.services.unit_of_work import UnitOfWork
from homeward.services.witnessing import PublishResult, list_witnesses, publish
from homeward.settings import Settings

MEDIATOR = signer_name(Side.MEDIATOR)
Clock = Callable[[], dt.datetime]


class PassphraseSource(Protocol):
    """Gives a signer's passphrase (the CLI prompts when the settings hold none;
    ``confirm`` asks twice, for a new key)."""

    def __call__(self, name: str, confirm: bool = False) -> str: ...


class KeysUnavailable(Exception):
    """A signing or verifier key the command needs is missing or cannot be opened; the
    message names what is missing and where it was looked for."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fixed_passphrase(settings: Settings) -> PassphraseSource:
    """The settings' passphrase for each signer, else the demo's (a server cannot prompt)."""

    def source(name: str, confirm: bool = False) -> str:  # noqa: ARG001 - nothing to confirm
        return settings.passphrase_of(name) or settings.passphrase

    return source


@dataclass
class Signers:
    """The mediator's signing key in ``keys_dir``, opened when asked for (each time: a key
    rotated while a server runs is the one it signs with next)."""

    keys_dir: Path
    passphrase: PassphraseSource

    def mediator(self, *, create: bool = False) -> Signer:
        """The mediator's signer; with ``create``, a missing key is made first (a web
        workspace makes its key on its first checkpoint). Raises ``KeysUnavailable``."""
        if not create and not (self.keys_dir / f"{MEDIATOR}.key").exists():
            raise KeysUnavailable(
                f"no signing key {MEDIATOR}.key in {self.keys_dir.resolve()}: set "
                "HOMEWARD_WORKSPACE to the workspace folder that holds keys/ (or create the "
                "mediator's key with `homeward keys generate`)"
            )
        try:
            if create:
                ensure_mediator_key(self.keys_dir, self.passphrase(MEDIATOR))
            return load_mediator(self.keys_dir, self.passphrase(MEDIATOR))
        except (KeyFileError, PartyKeyInWorkspace) as exc:
            raise KeysUnavailable(str(exc)) from None


@dataclass
class Workspace:
    """What a command or the web app needs, built once by ``open_workspace``."""

    settings: Settings
    engine: Engine
    events: EventSink
    clock: Clock
    access_log: AccessLog
    signers: Signers
    matcher: Matcher
    hasher: PasswordHasher

    def unit_of_work(self) -> UnitOfWork:
        """A fresh unit of work over the workspace's database: one per use case."""
        return SqlUnitOfWork(self.engine, self.events)

    def verifier_keys(self, *, required: bool = True) -> list[VerifierKey]:
        """The mediator's verifier keys (retired ones too) and every registered witness's.

        With ``required``, a workspace without the mediator's public key raises
        ``KeysUnavailable`` naming the file and the folder looked in; without, it simply
        has none yet (nothing has been signed)."""
        keys_dir = self.settings.keys_dir
        keys: list[VerifierKey] = []
        if (keys_dir / f"{MEDIATOR}.pub").exists():
            try:
                keys.extend(mediator_keys(keys_dir))
            except KeyFileError as exc:
                raise KeysUnavailable(str(exc)) from None
        if required and not keys:
            raise KeysUnavailable(
                f"no public key ({MEDIATOR}.pub) in {keys_dir.resolve()}: set "
                "HOMEWARD_WORKSPACE to the workspace folder that holds keys/ (or create the "
                "mediator's key with `homeward keys generate`)"
            )
        keys.extend(w.key for w in list_witnesses(self.engine))
        return keys

    def checkpoint(self, origin: str | None = None, *, create_key: bool = False) -> PublishResult:
        """The mediator signs the log's current tree and asks every registered witness to
        cosign it; published once the witness policy is met (``services.witnessing``)."""
        mediator = self.signers.mediator(create=create_key)
        return publish(
            self.engine, mediator, origin or self.settings.ledger_origin, clock=self.clock
        )

    def close(self) -> None:
        self.access_log.flush()
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _assemble(
    settings: Settings,
    engine: Engine,
    passphrase: PassphraseSource | None,
    hasher: PasswordHasher | None,
) -> Workspace:
    return Workspace(
        settings=settings,
        engine=engine,
        events=LedgerEventSink(),
        clock=utc_now,
        # Written before the answer leaves: a decision survives a kill -9 right after it.
        access_log=SqlAccessLog(engine, utc_now),
        signers=Signers(settings.keys_dir, passphrase or fixed_passphrase(settings)),
        matcher=Matcher(settings.model_path),
        hasher=hasher or PasswordHasher(),
    )


def open_workspace(
    settings: Settings,
    *,
    passphrase: PassphraseSource | None = None,
    hasher: PasswordHasher | None = None,
) -> Workspace:
    """Open the workspace database, creating or upgrading its schema first (under the
    migration lock, so that commands started together do not migrate twice).

    ``passphrase`` is asked for a signer's passphrase (default: the settings', else the
    demo's); ``hasher`` hashes passwords (default: argon2id's own parameters; tests pass
    cheap ones)."""
    settings.workspace.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return _assemble(settings, engine, passphrase, hasher)


def workspace_on(
    settings: Settings, engine: Engine, *, hasher: PasswordHasher | None = None
) -> Workspace:
    """A workspace around an engine the caller made and migrated (tests, benchmarks)."""
    return _assemble(settings, engine, None, hasher)


def open_for_serving(
    settings: Settings, workers: int = 1, *, hasher: PasswordHasher | None = None
) -> Workspace:
    """Open the workspace for a web server: migrate it only when ``settings`` allow a
    starting server to (``Settings.migrates_on_start``), else raise
    ``homeward.adapters.migrate.SchemaBehind`` if the schema is not the newest."""
    if settings.migrates_on_start(workers):
        return open_workspace(settings, hasher=hasher)
    settings.workspace.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        require_current_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return _assemble(settings, engine, None, hasher)
