"""``homeward users``: accounts for the web application."""

from __future__ import annotations

from collections.abc import Callable

import click
from sqlalchemy import Engine

from homeward.bootstrap import Workspace
from homeward.cli.workspace import with_workspace
from homeward.domain.values import Side
from homeward.services.access import Role


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
    help="At least 8 characters. Without it a random password is made and printed once.",
)
@click.option("--language", default="en", type=click.Choice(["en", "uk", "ru"]))
@with_workspace
def create(
    workspace: Workspace, party: str, role: str, username: str, password: str | None, language: str
) -> None:
    """Create an account (password stored as an argon2 hash)."""
    from homeward.services.accounts import AccountError, CreateUser, create_user, generate_password

    chosen = password if password is not None else generate_password()
    try:
        principal = create_user(
            CreateUser(Side(party), Role(role), username, chosen, language),
            workspace.engine,
            hasher=workspace.hasher,
        )
    except AccountError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
    click.echo(f"created {principal.username} ({principal.role.value}, {principal.party.value})")
    if password is None:
        click.echo(f"password (shown only this once): {chosen}")


def _change(workspace: Workspace, username: str, change: Callable[[Engine, int], object]) -> object:
    from homeward.services.accounts import user_id_of

    user_id = user_id_of(workspace.engine, username)
    if user_id is None:
        raise click.BadParameter(f"no account {username!r}", param_hint="USERNAME")
    return change(workspace.engine, user_id)


@users.command("disable")
@click.argument("username")
@with_workspace
def disable(workspace: Workspace, username: str) -> None:
    """Disable an account: its sessions and API tokens end at once."""
    from homeward.services.accounts import set_active

    _change(workspace, username, lambda engine, uid: set_active(engine, uid, False))
    click.echo(f"disabled {username}; its sessions and tokens have ended")


@users.command("enable")
@click.argument("username")
@with_workspace
def enable(workspace: Workspace, username: str) -> None:
    """Enable a disabled account again."""
    from homeward.services.accounts import set_active

    _change(workspace, username, lambda engine, uid: set_active(engine, uid, True))
    click.echo(f"enabled {username}")


@users.command("delete")
@click.argument("username")
@with_workspace
def delete(workspace: Workspace, username: str) -> None:
    """Delete an account; its sessions and tokens are refused from then on."""
    from homeward.services.accounts import delete_user

    _change(workspace, username, delete_user)
    click.echo(f"deleted {username}")


@users.command("reset-password")
@click.argument("username")
@with_workspace
def reset(workspace: Workspace, username: str) -> None:
    """Give an account a new random password (printed once); its sessions and tokens end."""
    from homeward.services.accounts import reset_password

    def reset_it(engine: Engine, user_id: int) -> str:
        return reset_password(engine, user_id, hasher=workspace.hasher)

    password = _change(workspace, username, reset_it)
    click.echo(f"password of {username} (shown only this once): {password}")


@users.command("list")
@with_workspace
def list_command(workspace: Workspace) -> None:
    """List accounts: username, party, role, language."""
    from homeward.services.accounts import list_users

    for p in list_users(workspace.engine):
        click.echo(f"{p.username}\t{p.party.value}\t{p.role.value}\t{p.language}")
