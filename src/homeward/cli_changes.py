"""``homeward changes``: changes to people already in a tranche, held for the mediator."""

from __future__ import annotations

import click

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.bootstrap import open_workspace
from homeward.domain.values import Side
from homeward.settings import Settings


@click.group("changes")
def changes() -> None:
    """Re-imported records of people already in a tranche, held until the mediator decides."""


@changes.command("list")
@click.option("--party", type=click.Choice([s.value for s in Side]), help="Only this party's.")
@click.pass_obj
def changes_list(settings: Settings, party: str | None) -> None:
    """List held changes as ID PARTY/KIND RECORD_ID FIELD: OLD -> NEW."""
    from homeward.services.person_history import pending_changes

    workspace = open_workspace(settings)
    try:
        found = pending_changes(Side(party) if party else None, SqlUnitOfWork(workspace.engine))
    finally:
        workspace.close()
    for change in found:
        fields = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in change.changes.items())
        click.echo(f"{change.id}\t{change.party}/{change.kind}\t{change.record_id}\t{fields}")
    click.echo(f"{len(found)} changes held for the mediator")


def _decide(settings: Settings, change_id: int, actor: str, acknowledge: bool) -> None:
    from homeward.services.person_history import DecideChange, UnknownChange, decide_change

    workspace = open_workspace(settings)
    try:
        decide_change(DecideChange(change_id, actor, acknowledge), SqlUnitOfWork(workspace.engine))
    except UnknownChange as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        workspace.close()


@changes.command("acknowledge")
@click.argument("change_id", type=int)
@click.option("--by", "actor", required=True, help="The mediator's officer deciding.")
@click.pass_obj
def changes_acknowledge(settings: Settings, change_id: int, actor: str) -> None:
    """Apply a held change; the version it replaces stays in the person's history."""
    _decide(settings, change_id, actor, acknowledge=True)
    click.echo(f"change {change_id} applied")


@changes.command("refuse")
@click.argument("change_id", type=int)
@click.option("--by", "actor", required=True, help="The mediator's officer deciding.")
@click.pass_obj
def changes_refuse(settings: Settings, change_id: int, actor: str) -> None:
    """Refuse a held change; the record stays as it was, the refusal is kept."""
    _decide(settings, change_id, actor, acknowledge=False)
    click.echo(f"change {change_id} refused")
