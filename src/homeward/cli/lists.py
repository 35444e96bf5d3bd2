"""``homeward lists``: a party submits its lists (as the Lists page does) and sees versions."""

from __future__ import annotations

import click

from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace

PARTY_CHOICE = click.Choice(["UA", "RU"])
KIND_CHOICE = click.Choice(["sought", "holdings_ack"])


@click.group()
def lists() -> None:
    """A party's lists to the other side and the mediator: sought, and holdings acknowledged."""


@lists.command("submit")
@click.option("--party", required=True, type=PARTY_CHOICE, help="The submitting party.")
@click.option(
    "--kind",
    required=True,
    type=KIND_CHOICE,
    help="sought: the party's own people it looks for (its sought registry); "
    "holdings_ack: the people it acknowledges holding (its holdings registry).",
)
@with_workspace
def submit(workspace: Workspace, party: str, kind: str) -> None:
    """Submit the party's whole registry as a new list version, to the other side and to
    the mediator (recorded in the log)."""
    from homeward.domain.lists import ListKind
    from homeward.domain.values import Side
    from homeward.services.lists import SubmitRegistry, submit_registry

    version = submit_registry(SubmitRegistry(Side(party), ListKind(kind)), workspace.unit_of_work())
    other = Side(party).other.value
    click.echo(f"{party} submitted {kind} list version {version} to {other} and MED")


@lists.command("versions")
@click.option("--party", type=PARTY_CHOICE, help="Only this party's lists.")
@with_workspace
def versions(workspace: Workspace, party: str | None) -> None:
    """Every submitted list version: PARTY KIND RECIPIENT VERSION SIZE SUBMITTED_AT."""
    from homeward.domain.values import BELLIGERENTS, Side
    from homeward.services.lists import list_versions

    parties = (Side(party),) if party else BELLIGERENTS
    rows = list_versions(tuple(parties), workspace.unit_of_work())
    for v in rows:
        click.echo(f"{v.party}\t{v.kind}\t{v.recipient}\t{v.version}\t{v.size}\t{v.submitted_at}")
    click.echo(f"{len(rows)} list versions")
