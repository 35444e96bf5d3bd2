"""``homeward users``: accounts for the web application."""

from __future__ import annotations

import click

from homeward.bootstrap import open_workspace
from homeward.domain.values import Side
from homeward.services.access import Role
from homeward.settings import Settings


@click.group()
def users() -> None:
    """Accounts of party officers and viewers, mediator staff and administrators."""


@users.command("create")
@click.option(
    "--party",
    required=True,
    type=click.Choice([s.value for s in Side]),
    help="UA or RU for party roles, MED for mediator roles and administrators.",
)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--username", required=True)
@click.option(
    "--password",
    required=True,
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 8 characters.",
)
@click.option("--language", default="en", type=click.Choice(["en", "uk", "ru"]))
@click.pass_obj
def create(
    settings: Settings, party: str, role: str, username: str, password: str, language: str
) -> None:
    """Create an account (password stored as an argon2 hash)."""
    from homeward.services.accounts import AccountError, CreateUser, create_user

    workspace = open_workspace(settings)
    try:
        principal = create_user(
            CreateUser(Side(party), Role(role), username, password, language), workspace.engine
        )
    except AccountError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
    finally:
        workspace.close()
    click.echo(f"created {principal.username} ({principal.role.value}, {principal.party.value})")


@users.command("list")
@click.pass_obj
def list_command(settings: Settings) -> None:
    """List accounts: username, party, role, language."""
    from homeward.services.accounts import list_users

    workspace = open_workspace(settings)
    try:
        for p in list_users(workspace.engine):
            click.echo(f"{p.username}\t{p.party.value}\t{p.role.value}\t{p.language}")
    finally:
        workspace.close()
