"""How a command gets its workspace, and how domain errors become messages, once.

``@with_workspace`` opens the workspace the settings name (``homeward.bootstrap``), passes
it to the command as its first argument, closes it afterwards, and turns a domain error
into ``Error: <message>`` with exit status 1:

    @lists.command("versions")
    @with_workspace
    def versions(workspace: Workspace) -> None: ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, TypeVar

import click

from homeward.bootstrap import PassphraseSource, Workspace, open_workspace
from homeward.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")


def _domain_errors() -> tuple[type[Exception], ...]:
    """The errors a user can cause and fix, whose message is the whole answer. Imported
    only when one is raised, so that ``homeward --help`` stays fast."""
    from homeward.adapters.cosigner_dir import CosignerDirError
    from homeward.adapters.migrate import SchemaBehind
    from homeward.adapters.personfile import PersonFileError
    from homeward.bootstrap import KeysUnavailable
    from homeward.ledger.keys import KeyFileError
    from homeward.matching.engine import ModelMissing
    from homeward.services.accounts import AccountError
    from homeward.services.erasure import UnknownPerson
    from homeward.services.exchange import NotAllowed
    from homeward.services.ledger import LedgerError
    from homeward.services.match_model import NothingToTrainOn
    from homeward.services.person_history import UnknownChange
    from homeward.services.signing import PartyKeyInWorkspace
    from homeward.services.witnessing import WitnessError

    return (
        AccountError,
        CosignerDirError,
        KeyFileError,
        KeysUnavailable,
        LedgerError,
        ModelMissing,
        NotAllowed,
        NothingToTrainOn,
        PartyKeyInWorkspace,
        PersonFileError,
        SchemaBehind,
        UnknownChange,
        UnknownPerson,
        WitnessError,
    )


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a domain error raised inside into a ``click.ClickException`` (exit 1)."""
    try:
        yield
    except _domain_errors() as exc:
        raise click.ClickException(str(exc)) from None


def prompt_passphrase(settings: Settings) -> PassphraseSource:
    """A signer's passphrase from the settings, else asked for on the terminal."""

    def source(name: str, confirm: bool = False) -> str:
        value = settings.passphrase_of(name)
        if value:
            return value
        prompted: str = click.prompt(
            f"Passphrase for {name}'s key", hide_input=True, confirmation_prompt=confirm
        )
        return prompted

    return source


@contextmanager
def workspace_for(
    settings: Settings, passphrase: PassphraseSource | None = None
) -> Iterator[Workspace]:
    """The opened workspace of ``settings``, closed on the way out, domain errors mapped.
    A signer's passphrase comes from ``passphrase`` (default: the settings, else a prompt)."""
    with domain_errors():
        workspace = open_workspace(settings, passphrase=passphrase or prompt_passphrase(settings))
        try:
            yield workspace
        finally:
            workspace.close()


def with_workspace(command: Callable[Concatenate[Workspace, P], R]) -> Callable[P, R]:
    """Give the command the opened workspace as its first argument (see the module doc).
    Put it right above the ``def``, under the click options."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        settings = click.get_current_context().find_object(Settings)
        if settings is None:  # pragma: no cover - main() always sets it
            raise click.UsageError("no settings: run this command through `homeward`")
        with workspace_for(settings) as workspace:
            return command(workspace, *args, **kwargs)

    return run
