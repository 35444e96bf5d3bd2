"""``homeward cosigner``: a party's own witness, on its own machine; ``homeward witnesses``:
the mediator's register of them.

A cosigner's key is encrypted under HOMEWARD_COSIGNER_PASSPHRASE; without it every
command refuses, except with ``--demo`` on a directory made with ``--demo``.
"""

from __future__ import annotations

from pathlib import Path

import click

from homeward.adapters.cosigner_dir import (
    DEMO_COSIGNER_PASSPHRASE,
    PASSPHRASE_ENV,
    CosignerDir,
    CosignerDirError,
    init_cosigner,
)
from homeward.bootstrap import Workspace
from homeward.cli.workspace import domain_errors, with_workspace
from homeward.ledger.note import KeyFormatError, NoteError, Signer, VerifierKey, sign_note
from homeward.settings import Settings

_DIR = click.option(
    "--dir",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The cosigner's directory.",
)
_DEMO = click.option(
    "--demo",
    is_flag=True,
    help=f"A demo cosigner: its key is locked with a built-in passphrase, not {PASSPHRASE_ENV}.",
)


def _passphrase(demo: bool) -> str:
    if demo:
        return DEMO_COSIGNER_PASSPHRASE
    settings = click.get_current_context().find_object(Settings)
    value = settings.cosigner_passphrase if settings is not None else None
    if not value:
        raise click.ClickException(
            f"{PASSPHRASE_ENV} is not set; a cosigner's key is never stored or opened "
            "without a passphrase (use --demo only for a demo)"
        )
    return value


def _open(folder: Path, demo: bool) -> CosignerDir:
    cosigner = CosignerDir.open(folder)
    if demo and not cosigner.demo:
        raise click.ClickException(f"{folder} is not a demo cosigner; --demo is refused")
    return cosigner


def _signer(cosigner: CosignerDir, demo: bool) -> Signer:
    return cosigner.signer(_passphrase(demo))


def _key_arg(value: str) -> VerifierKey:
    text = value
    if "+" not in value and Path(value).is_file():
        text = Path(value).read_text(encoding="utf-8")
    try:
        return VerifierKey.parse(text)
    except KeyFormatError as exc:
        raise click.ClickException(f"--key: {exc}") from None


@click.group("cosigner")
def cosigner() -> None:
    """A party's cosigner: a C2SP tlog-witness that cosigns the mediator's log."""


@cosigner.command("init")
@click.option("--party", "name", required=True, help="Witness name: UA, RU, or a neutral name.")
@_DIR
@_DEMO
@domain_errors()
def init_command(name: str, folder: Path, demo: bool) -> None:
    """Create the cosigner's directory and key; print its verifier key."""
    signer = init_cosigner(folder, name, _passphrase(demo), demo=demo)
    click.echo(signer.verifier.text())


@cosigner.command("trust")
@_DIR
@click.option("--origin", required=True, help="The log's origin line.")
@click.option("--key", "key", required=True, help="The mediator's log verifier key (or a file).")
@domain_errors()
def trust_command(folder: Path, origin: str, key: str) -> None:
    """Witness the log ORIGIN signed by KEY (the mediator's verifier key)."""
    _open(folder, False).trust(origin, _key_arg(key))
    click.echo(f"witnessing {origin}")


@cosigner.command("serve")
@_DIR
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=7380, show_default=True)
@_DEMO
@domain_errors()
def serve_command(folder: Path, host: str, port: int, demo: bool) -> None:
    """Serve POST /add-checkpoint (c2sp.org/tlog-witness) until interrupted."""
    from homeward.adapters.witness_http import make_server

    opened = _open(folder, demo)
    server = make_server(opened, _signer(opened, demo), host, port)
    click.echo(f"cosigner {opened.name} serving {server.url}/add-checkpoint", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@cosigner.command("status")
@_DIR
@domain_errors()
def status_command(folder: Path) -> None:
    """Print the verifier key and the last checkpoint cosigned for each log."""
    opened = _open(folder, False)
    click.echo(f"verifier key: {opened.verifier().text()}")
    click.echo(f"note key:     {opened.note_verifier().text()}")
    for origin, keys in opened.trusted().items():
        last = opened.last_cosigned(origin)
        seen = "nothing cosigned yet" if last is None else f"size {last.size}"
        click.echo(f"{origin}: {seen} (log key {', '.join(k.text() for k in keys)})")
        if last is not None:
            click.echo(last.note, nl=False)


@cosigner.command("sign")
@_DIR
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@_DEMO
@domain_errors()
def sign_command(folder: Path, file: Path, out: Path | None, demo: bool) -> None:
    """Sign FILE (e.g. an agreement's canonical terms) as a signed note, offline."""
    opened = _open(folder, demo)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file}: not UTF-8 (byte {exc.start})") from None
    if text.startswith("cosignature/"):
        raise click.ClickException(
            f"{file}: refusing to sign text that starts like a cosignature message"
        )
    try:
        note = sign_note(text, [opened.note_signer(_passphrase(demo))])
    except (NoteError, CosignerDirError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if out is None:
        click.echo(note, nl=False)
    else:
        out.write_text(note, encoding="utf-8", newline="")
        click.echo(f"signed note written to {out}")


@click.group("witnesses")
def witnesses() -> None:
    """The witnesses whose cosignatures the mediator collects, and the policy."""


@witnesses.command("add")
@click.option("--name", required=True, help="The witness name, as in its key (UA, RU, ...).")
@click.option("--url", required=True, help="Its submission prefix, e.g. http://host:7380.")
@click.option("--key", "key", required=True, help="Its cosignature/v1 verifier key (or a file).")
@with_workspace
def witnesses_add(workspace: Workspace, name: str, url: str, key: str) -> None:
    """Register (or replace) a witness."""
    from homeward.services.witnessing import add_witness

    added = add_witness(workspace.engine, name, url, _key_arg(key).text())
    click.echo(f"witness {name} at {url}: {added.text()}")


@witnesses.command("require")
@click.argument("names", nargs=-1, required=True)
@with_workspace
def witnesses_require(workspace: Workspace, names: tuple[str, ...]) -> None:
    """Set the policy: the witnesses whose cosignatures a checkpoint needs (default UA RU)."""
    from homeward.services.witnessing import set_policy

    set_policy(workspace.engine, names)
    click.echo(f"a checkpoint is published once cosigned by: {', '.join(names)}")


@witnesses.command("status")
@with_workspace
def witnesses_status(workspace: Workspace) -> None:
    """List the witnesses, the policy, and why the latest checkpoint is pending, if it is."""
    from homeward.services.witnessing import witness_status

    state = witness_status(workspace.engine)
    click.echo(f"required: {', '.join(state.required)}")
    for w in state.witnesses:
        size = "-" if w.cosigned_size is None else w.cosigned_size
        click.echo(f"{w.name}\t{w.url}\tcosigned size {size}\t{w.last_problem or 'ok'}")
    if state.pending:
        click.echo(f"checkpoint at size {state.latest_size} is pending:")
        for name, why in state.missing.items():
            click.echo(f"  {name}: {why}")
    else:
        click.echo(f"published: size {state.published_size}")
