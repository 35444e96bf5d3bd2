"""The ``homeward`` group; each feature's commands live in their own module of this package
and are added below, by plain import."""

from __future__ import annotations

import logging

import click

from homeward.adapters.private_files import restrict_new_files, sqlite_files, tighten
from homeward.bootstrap import Workspace
from homeward.cli import (
    accounts,
    agreement,
    cosigner,
    demo,
    ledger,
    lists,
    matching,
    registry,
    reports,
    rounds,
    scenario,
    web,
)
from homeward.cli.workspace import with_workspace
from homeward.settings import Settings, SettingsError


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


@main.group()
def db() -> None:
    """The workspace database."""


@db.command("upgrade")
@with_workspace
def db_upgrade(workspace: Workspace) -> None:
    """Create or migrate the workspace database to the newest schema."""
    click.echo(f"database at {workspace.settings.database_url} is up to date")


for command in (
    demo.demo,
    web.serve,
    scenario.scenario,
    matching.match,
    agreement.agreement,
    agreement.plan,
    agreement.manifest,
    registry.import_command,
    registry.quarantine,
    registry.erase,
    registry.changes,
    ledger.ledger,
    ledger.verify,
    ledger.keys,
    cosigner.cosigner,
    cosigner.witnesses,
    accounts.users,
    lists.lists,
    reports.report,
    rounds.rounds,
):
    main.add_command(command)
