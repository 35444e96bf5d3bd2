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
SIGNER_PASSPHRASE_PREFIX = "HOMEWARD_KEY_PASSPHRASE_"
DEFAULT_SPARK_MASTER = "local[2]"
DEFAULT_SPARK_DRIVER_MEMORY = "2g"
LOOPBACK = "127.0.0.1"


class SettingsError(ValueError):
    """An environment variable has a value homeward cannot use (the variable is named)."""


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name)
    if value is None or value == "":
        return None
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={value!r}: use 1 or 0")


def _spark_conf(value: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in value.split(";"):
        if not item.strip():
            continue
        key, sep, val = item.partition("=")
        if not sep or not key.strip().startswith("spark."):
            raise SettingsError(
                f"HOMEWARD_SPARK_CONF: {item.strip()!r} is not spark.KEY=VALUE "
                "(pairs are separated by ';')"
            )
        pairs.append((key.strip(), val.strip()))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class SparkSettings:
    """Where and how matching runs when ``--backend spark`` is asked for.

    ``HOMEWARD_SPARK_MASTER``: the master URL (``spark://host:7077``, ``yarn``,
    ``k8s://...``; default ``local[2]``, or the ``--master`` of ``PYSPARK_SUBMIT_ARGS``).
    ``HOMEWARD_SPARK_DRIVER_MEMORY`` / ``HOMEWARD_SPARK_EXECUTOR_MEMORY``: e.g. ``4g``
    (default 2g for the driver, Spark's own default for executors; ``--driver-memory`` and
    ``--executor-memory`` in ``PYSPARK_SUBMIT_ARGS`` are respected when these are unset).
    ``HOMEWARD_SPARK_CONF``: more Spark settings, ``spark.a=1;spark.b=2``; they win over
    homeward's own. ``HOMEWARD_SPARK_WORK_DIR``: the folder or URI (``hdfs://...``,
    ``file:///shared/...``) for checkpoints and the SQL warehouse, which every executor of a
    cluster must reach; homeward makes one sub-folder per session and deletes it when the
    session stops (default: the system temporary folder, fine for ``local[...]``).
    ``HOMEWARD_SPARK_DRIVER_HOST``: the address the driver binds to and announces to
    executors (default 127.0.0.1: set the machine's cluster-facing address for a cluster).
    """

    master: str | None = None
    driver_memory: str | None = None
    executor_memory: str | None = None
    conf: tuple[tuple[str, str], ...] = ()
    work_dir: str | None = None
    driver_host: str = LOOPBACK
    submit_args: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SparkSettings:
        return cls(
            master=env.get("HOMEWARD_SPARK_MASTER") or None,
            driver_memory=env.get("HOMEWARD_SPARK_DRIVER_MEMORY") or None,
            executor_memory=env.get("HOMEWARD_SPARK_EXECUTOR_MEMORY") or None,
            conf=_spark_conf(env.get("HOMEWARD_SPARK_CONF", "")),
            work_dir=env.get("HOMEWARD_SPARK_WORK_DIR") or None,
            driver_host=env.get("HOMEWARD_SPARK_DRIVER_HOST") or LOOPBACK,
            submit_args=env.get("PYSPARK_SUBMIT_ARGS", ""),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the workspace lives.

    ``HOMEWARD_KEY_PASSPHRASE``: unlocks the signing keys in ``<workspace>/keys``
    (``HOMEWARD_KEY_PASSPHRASE_<NAME>``, e.g. ``HOMEWARD_KEY_PASSPHRASE_MED``, for one
    signer's key; the CLI prompts otherwise).
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
    ``HOMEWARD_MIGRATE_ON_START``: 1 lets ``homeward serve`` and the ASGI app
    (``homeward.web.asgi:app``) migrate the database when they start; 0 makes them refuse
    to start on a schema that is behind, asking for ``homeward db upgrade`` (default: migrate
    only a SQLite workspace served by one process; production runs the upgrade once).
    ``HOMEWARD_SPARK_*`` and ``PYSPARK_SUBMIT_ARGS``: see ``SparkSettings``.
    """

    database_url: str = DEFAULT_DATABASE_URL
    workspace: Path = Path(".")
    key_passphrase: str | None = None
    signer_passphrases: tuple[tuple[str, str], ...] = ()
    cosigner_passphrase: str | None = None
    ledger_origin: str = DEFAULT_LEDGER_ORIGIN
    trusted_proxies: tuple[str, ...] = ()
    migrate_on_start: bool | None = None
    spark: SparkSettings = SparkSettings()

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
            signer_passphrases=tuple(
                sorted(
                    (name.removeprefix(SIGNER_PASSPHRASE_PREFIX), value)
                    for name, value in env.items()
                    if name.startswith(SIGNER_PASSPHRASE_PREFIX) and value
                )
            ),
            cosigner_passphrase=env.get("HOMEWARD_COSIGNER_PASSPHRASE") or None,
            ledger_origin=env.get("HOMEWARD_LEDGER_ORIGIN", DEFAULT_LEDGER_ORIGIN),
            trusted_proxies=tuple(
                p.strip() for p in env.get("HOMEWARD_TRUSTED_PROXIES", "").split(",") if p.strip()
            ),
            migrate_on_start=_flag(env, "HOMEWARD_MIGRATE_ON_START"),
            spark=SparkSettings.from_env(env),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def migrates_on_start(self, workers: int = 1) -> bool:
        """Whether a starting server may migrate the database itself (see the class doc)."""
        if self.migrate_on_start is not None:
            return self.migrate_on_start
        return self.is_sqlite and workers == 1

    def passphrase_of(self, signer: str) -> str | None:
        """The passphrase set for ``signer``'s key (``HOMEWARD_KEY_PASSPHRASE_<NAME>``, else
        ``HOMEWARD_KEY_PASSPHRASE``), or None when neither is set."""
        return dict(self.signer_passphrases).get(signer) or self.key_passphrase or None

    def server_environment(self) -> dict[str, str]:
        """The variables a server worker process reads these settings back from (the
        workers of ``homeward serve --workers N`` import ``homeward.web.asgi`` afresh)."""
        return {
            "HOMEWARD_WORKSPACE": str(self.workspace.resolve()),
            "HOMEWARD_DATABASE_URL": self.database_url,
        }

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
