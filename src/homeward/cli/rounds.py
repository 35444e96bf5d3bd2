"""``homeward rounds``: the rounds of a workspace, what is still owed, and clearances."""

from __future__ import annotations

import click
from sqlalchemy import select

from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace

PARTIES = click.Choice(["UA", "RU"])


@click.group()
def rounds() -> None:
    """Rounds of the exchange programme (docs/rounds.md)."""


@rounds.command("list")
@with_workspace
def rounds_list(workspace: Workspace) -> None:
    """Every round with its status; drafts are marked as drafts."""
    from homeward.services.rounds import rounds as all_rounds

    found = all_rounds(workspace.engine)
    for r in found:
        days = ", ".join(t.date.isoformat() for t in r.tranches) or "-"
        click.echo(f"{r.number}\t{r.status.value}\t{r.name}\t{days}")
    click.echo(f"{len(found)} rounds")


@rounds.command("owed")
@with_workspace
def rounds_owed(workspace: Workspace) -> None:
    """Per party, what the next round starts from: sought records not yet recovered, the
    other side's acknowledged holdings not yet released, and who is kept out and why."""
    from homeward.domain.values import Side
    from homeward.services.carry_over import still_owed

    owed = still_owed(workspace.engine, Side.MEDIATOR)
    for side, o in owed.items():
        click.echo(
            f"{side}: {o['still_sought']} of {o['sought']} sought not yet recovered; "
            f"{o['still_held']} of {o['held_by_other_side']} held by the other side not yet "
            f"released, {len(o['flagged'])} flagged by an earlier round, "
            f"{len(o['excluded'])} kept out"
        )


@rounds.command("clear")
@click.option("--party", type=PARTIES, required=True, help="Whose holdings registry.")
@click.option("--record-id", required=True, help="The person's record id in it.")
@click.option(
    "--kind",
    type=click.Choice(["mediator_confirmation", "holder_statement"]),
    required=True,
    help="mediator_confirmation: the mediator confirmed anew (after its finding); "
    "holder_statement: the holding party states proceedings are over.",
)
@click.option("--by", "by", type=click.Choice(["UA", "RU", "MED"]), required=True)
@click.option("--actor", required=True, help="The pseudonymous actor id of who records it.")
@with_workspace
def rounds_clear(
    workspace: Workspace, party: str, record_id: str, kind: str, by: str, actor: str
) -> None:
    """Let a person an earlier round kept out be planned in the next round."""
    from homeward.adapters.tables_registry import persons
    from homeward.domain.carry_over import Clearance
    from homeward.domain.values import Side
    from homeward.services.carry_over import record_clearance

    with workspace.engine.connect() as conn:
        person_id = conn.execute(
            select(persons.c.id).where(
                persons.c.party == party,
                persons.c.kind == "holdings",
                persons.c.record_id == record_id,
            )
        ).scalar()
    if person_id is None:
        raise click.ClickException(f"no record {record_id!r} in {party}'s holdings")
    record_clearance(
        workspace.engine, workspace.events, int(person_id), Clearance(kind), Side(by), actor=actor
    )
    click.echo(f"{record_id}: cleared ({kind}); the next round may plan them")
