"""``homeward import``, ``quarantine``, ``changes`` and ``erase``: a party's registry of
people, the rows it could not take, changes held for the mediator, and erasure."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from homeward.adapters.personfile import ENCODINGS
from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace
from homeward.domain.values import RegistryKind, Side

PARTY_CHOICE = click.Choice([s.value for s in Side if s is not Side.MEDIATOR])


@click.command("import")
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
@with_workspace
def import_command(
    workspace: Workspace, party: str, kind: str, encoding: str | None, file: Path
) -> None:
    """Import a person file (CSV, XLSX or JSON); bad rows go to the quarantine."""
    from homeward.services.registry import ImportPersonFile, import_person_file

    with tqdm(desc=f"importing {file.name}", unit=" rows", file=sys.stderr, leave=False) as bar:

        def progress(count: int) -> None:
            bar.update(count - bar.n)

        result = import_person_file(
            ImportPersonFile(Side(party), RegistryKind(kind), file, encoding),
            workspace.unit_of_work(),
            progress,
        )
    click.echo(result.summary())


@click.group()
def quarantine() -> None:
    """Rows that could not be imported, with the reason."""


@quarantine.command("list")
@click.option("--party", type=PARTY_CHOICE, help="Only this party's files.")
@with_workspace
def quarantine_list(workspace: Workspace, party: str | None) -> None:
    """List quarantined rows as FILE:LINE FIELD REASON."""
    from homeward.services.registry import list_quarantine

    rows = list_quarantine(Side(party) if party else None, workspace.unit_of_work())
    for row in rows:
        click.echo(f"{row.file_name}:{row.line}\t{row.party}/{row.kind}\t{row.field}\t{row.reason}")
    click.echo(f"{len(rows)} quarantined rows")


@click.group("changes")
def changes() -> None:
    """Re-imported records of people already in a tranche, held until the mediator decides."""


@changes.command("list")
@click.option("--party", type=click.Choice([s.value for s in Side]), help="Only this party's.")
@with_workspace
def changes_list(workspace: Workspace, party: str | None) -> None:
    """List held changes as ID PARTY/KIND RECORD_ID FIELD: OLD -> NEW."""
    from homeward.services.person_history import pending_changes

    found = pending_changes(Side(party) if party else None, workspace.unit_of_work())
    for change in found:
        fields = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in change.changes.items())
        click.echo(f"{change.id}\t{change.party}/{change.kind}\t{change.record_id}\t{fields}")
    click.echo(f"{len(found)} changes held for the mediator")


@changes.command("acknowledge")
@click.argument("change_id", type=int)
@click.option("--by", "actor", required=True, help="The mediator's officer deciding.")
@with_workspace
def changes_acknowledge(workspace: Workspace, change_id: int, actor: str) -> None:
    """Apply a held change; the version it replaces stays in the person's history."""
    from homeward.services.person_history import DecideChange, decide_change

    decide_change(DecideChange(change_id, actor, True), workspace.unit_of_work())
    click.echo(f"change {change_id} applied")


@changes.command("refuse")
@click.argument("change_id", type=int)
@click.option("--by", "actor", required=True, help="The mediator's officer deciding.")
@with_workspace
def changes_refuse(workspace: Workspace, change_id: int, actor: str) -> None:
    """Refuse a held change; the record stays as it was, the refusal is kept."""
    from homeward.services.person_history import DecideChange, decide_change

    decide_change(DecideChange(change_id, actor, False), workspace.unit_of_work())
    click.echo(f"change {change_id} refused")


@click.command("erase")
@click.option("--person", "person_id", required=True, type=int, help="Internal person id.")
@click.option("--by", "actor", default="administrator", show_default=True, help="Who erases.")
@with_workspace
def erase(workspace: Workspace, person_id: int, actor: str) -> None:
    """Erase a person's data, the mediator's notes on them and their commitment key.

    The log still verifies; its entries about the person can no longer be linked to them.
    """
    from homeward.services.erasure import erase_person

    done = erase_person(person_id, workspace.engine, workspace.events, actor=actor)
    key = "and commitment key " if done.key_deleted else "(no commitment key existed) "
    click.echo(
        f"person {person_id}: data {key}erased; {done.notes_deleted} interview notes deleted"
    )
