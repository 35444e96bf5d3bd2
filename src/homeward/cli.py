"""The ``homeward`` command line: one group, feature commands registered below."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import click
from tqdm import tqdm

from homeward.adapters.personfile import ENCODINGS, PersonFileError
from homeward.adapters.private_files import restrict_new_files, sqlite_files, tighten
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.bootstrap import open_workspace
from homeward.domain.values import RegistryKind, Side
from homeward.settings import Settings, SettingsError

PARTY_CHOICE = click.Choice([s.value for s in Side if s is not Side.MEDIATOR])


@click.group()
@click.version_option(package_name="homeward")
@click.pass_context
def main(ctx: click.Context) -> None:
    """homeward: exchanges of prisoners of war and detained civilians.

    The workspace database is HOMEWARD_DATABASE_URL (default sqlite:///homeward.db).
    """
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    # Databases, exports, keys and logs hold personal data or secrets: owner only (0600),
    # and a workspace database or key left readable by others from before is closed too.
    restrict_new_files()
    keys = ctx.obj.keys_dir
    tighten([*sqlite_files(ctx.obj.database_url), *(keys.iterdir() if keys.is_dir() else [])])
    from homeward.matching.spark_session import configure

    configure(ctx.obj.spark)  # used only if a command matches with --backend spark
    # Splink reports its training steps on the root logger; a user wants the outcome.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s: %(message)s")
    logging.getLogger("splink").setLevel(logging.ERROR)


@main.command("import")
@click.option("--party", required=True, type=PARTY_CHOICE, help="Whose registry.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice([k.value for k in RegistryKind]),
    help="holdings: people the party holds; sought: its own people it looks for.",
)
@click.option(
    "--encoding",
    type=click.Choice(ENCODINGS, case_sensitive=False),
    default=None,
    help="Read a CSV saved in this encoding (default: UTF-8; another encoding is detected "
    "and named).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def import_command(
    settings: Settings, party: str, kind: str, encoding: str | None, file: Path
) -> None:
    """Import a person file (CSV, XLSX or JSON); bad rows go to the quarantine."""
    from homeward.services.registry import ImportPersonFile, import_person_file

    workspace = open_workspace(settings)
    bar = tqdm(desc=f"importing {file.name}", unit=" rows", file=sys.stderr, leave=False)

    def progress(count: int) -> None:
        bar.update(count - bar.n)

    try:
        result = import_person_file(
            ImportPersonFile(Side(party), RegistryKind(kind), file, encoding),
            SqlUnitOfWork(workspace.engine),
            progress,
        )
    except PersonFileError as exc:
        bar.close()
        raise click.ClickException(str(exc)) from None
    finally:
        workspace.close()
    bar.close()
    click.echo(result.summary())


@main.group()
def quarantine() -> None:
    """Rows that could not be imported, with the reason."""


@quarantine.command("list")
@click.option("--party", type=PARTY_CHOICE, help="Only this party's files.")
@click.pass_obj
def quarantine_list(settings: Settings, party: str | None) -> None:
    """List quarantined rows as FILE:LINE FIELD REASON."""
    from homeward.services.registry import list_quarantine

    workspace = open_workspace(settings)
    try:
        rows = list_quarantine(Side(party) if party else None, SqlUnitOfWork(workspace.engine))
    finally:
        workspace.close()
    for row in rows:
        click.echo(f"{row.file_name}:{row.line}\t{row.party}/{row.kind}\t{row.field}\t{row.reason}")
    click.echo(f"{len(rows)} quarantined rows")


@main.group()
def db() -> None:
    """The workspace database."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(settings: Settings) -> None:
    """Create or migrate the workspace database to the newest schema."""
    open_workspace(settings).close()
    click.echo(f"database at {settings.database_url} is up to date")


# Feature commands live in their own modules; each is listed here once.
FEATURE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("homeward.cli_demo", "demo"),
    ("homeward.cli_demo", "serve"),
    ("homeward.cli_scenario", "scenario"),
    ("homeward.cli_match", "match"),
    ("homeward.cli_plan", "agreement"),
    ("homeward.cli_plan", "plan"),
    ("homeward.cli_plan", "manifest"),
    ("homeward.cli_ledger", "ledger"),
    ("homeward.cli_ledger", "verify"),
    ("homeward.cli_ledger", "erase"),
    ("homeward.cli_ledger", "keys"),
    ("homeward.cli_cosigner", "cosigner"),
    ("homeward.cli_cosigner", "witnesses"),
    ("homeward.cli_web", "users"),
    ("homeward.cli_changes", "changes"),
    ("homeward.cli_lists", "lists"),
    ("homeward.cli_report", "report"),
    ("homeward.cli_rounds", "rounds"),
)


def _register() -> None:
    for module_name, attr in FEATURE_COMMANDS:
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}.{attr} is not a click command")
        main.add_command(command, attr)


_register()
