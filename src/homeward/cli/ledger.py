"""``homeward ledger``, ``verify`` and ``keys``: the co-signed transparency log.

The mediator's private key (MED) lives in ``Settings.keys_dir`` encrypted under a
passphrase, from HOMEWARD_KEY_PASSPHRASE (or HOMEWARD_KEY_PASSPHRASE_MED) or prompted;
the workspace (``homeward.bootstrap``) loads it and gathers the verifier keys.
The parties' keys are never here: each party runs its own ``homeward cosigner``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from homeward.bootstrap import MEDIATOR, Workspace
from homeward.cli.workspace import domain_errors, prompt_passphrase, with_workspace
from homeward.domain.values import Side
from homeward.ledger.keys import generate_key, rotate_key
from homeward.ledger.note import ED25519, KeyFormatError, VerifierKey
from homeward.ledger.verify import (
    VerificationError,
    verify_agreements,
    verify_export,
    verify_proof_bundle,
)
from homeward.services import ledger as service
from homeward.settings import Settings

PARTIES = ("UA", "RU")


@click.group("ledger")
def ledger() -> None:
    """The append-only, co-signed log of every exchange step (no personal data in it)."""


@ledger.command("append")
@click.option("--kind", required=True, help="Event kind, lower_snake_case.")
@click.option("--payload", default="{}", show_default=True, help="A JSON object (no floats).")
@with_workspace
def append_command(workspace: Workspace, kind: str, payload: str) -> None:
    """Append one event and print its index."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--payload is not JSON: {exc.msg}") from None
    try:
        with workspace.engine.begin() as conn:
            index = service.append_event(conn, kind, data, workspace.clock)
    except ValueError as exc:  # an event kind or payload the log refuses
        raise click.ClickException(str(exc)) from None
    click.echo(index)


@ledger.command("checkpoint")
@click.option("--origin", help="Log name (default: HOMEWARD_LEDGER_ORIGIN or the built-in one).")
@with_workspace
def checkpoint_command(workspace: Workspace, origin: str | None) -> None:
    """The mediator signs the current tree and asks every registered witness to cosign it
    (c2sp.org/tlog-witness); it is published once the witness policy is met."""
    from homeward.adapters.ledger_store import LedgerStore

    result = workspace.checkpoint(origin)
    with workspace.engine.connect() as conn:
        note = LedgerStore(conn).checkpoint_at(result.size)
    if note is not None:
        click.echo(note.note, nl=False)
    if result.published:
        click.echo(f"published checkpoint at size {result.size}", err=True)
    else:
        click.echo(f"checkpoint at size {result.size} is pending; missing:", err=True)
        for name, why in result.missing.items():
            click.echo(f"  {name}: {why}", err=True)


@ledger.command("export")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@with_workspace
def export_command(workspace: Workspace, out: Path) -> None:
    """Write entries.jsonl, checkpoint, keys/ and the parties' signed agreements."""
    from homeward.services.agreement import export_signatures

    keys = workspace.verifier_keys()
    with workspace.engine.connect() as conn:
        count = service.export(conn, out, keys)
    export_signatures(workspace.engine, out)
    click.echo(f"exported {count} entries to {out}")


@ledger.command("prove")
@click.option("--entry", required=True, type=click.IntRange(min=0), help="Entry index.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_workspace
def prove_command(workspace: Workspace, entry: int, out: Path) -> None:
    """Write a proof bundle that one entry is in the latest checkpoint covering it."""
    keys = workspace.verifier_keys()
    with workspace.engine.connect() as conn:
        bundle = service.prove(conn, entry, keys)
    out.write_bytes(bundle)
    click.echo(f"proof of entry {entry} written to {out}")


@ledger.command("audit")
@with_workspace
def audit_command(workspace: Workspace) -> None:
    """Recompute the stored tree from its leaves and check every stored hash."""
    with workspace.engine.connect() as conn:
        size = service.audit(conn)
    click.echo(f"ledger of {size} entries is consistent")


def _read_keys(files: tuple[Path, ...]) -> list[VerifierKey]:
    keys: list[VerifierKey] = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    keys.append(VerifierKey.parse(line))
                except KeyFormatError as exc:
                    raise KeyFormatError(f"{file} line {number}: {exc}") from None
    return keys


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust only the verifier keys in these files, ones you obtained yourself "
    "(default: the keys shipped in the export, which proves self-consistency only).",
)
@click.option(
    "--require",
    "required",
    help="Comma-separated signers that must have signed, named as in their keys "
    "(e.g. UA,RU,MED). Default: every trusted key.",
)
def verify(path: Path, key_files: tuple[Path, ...], required: str | None) -> None:
    """Verify an export directory or a proof bundle offline; exit 1 naming the first fault."""
    require = [n.strip() for n in required.split(",") if n.strip()] if required else None
    try:
        trusted = _read_keys(key_files) if key_files else None
        agreements = []
        if path.is_dir():
            result = verify_export(path, trusted, require)
            agreements = verify_agreements(path, trusted)
        else:
            result = verify_proof_bundle(path.read_bytes(), trusted, require)
    except (KeyFormatError, UnicodeDecodeError) as exc:
        click.echo(f"verification failed: --key: {exc}", err=True)
        sys.exit(1)
    except VerificationError as exc:
        click.echo(f"verification failed: {exc}", err=True)
        sys.exit(1)
    signers = ", ".join(result.signers)
    click.echo(f"OK: {result.checkpoint.size} entries, signed by {signers}")
    for agreement in agreements:
        who = ", ".join(agreement.signers)
        click.echo(
            f"OK: {agreement.file}: the logged terms of agreement {agreement.agreement}, "
            f"signed by {who}"
        )
    if trusted is None:
        click.echo(
            "NOTE: checked only against the keys shipped inside the export: this shows the "
            "export is self-consistent, not who signed it. Pass --key with the keys you "
            "hold yourself and --require UA,RU,MED."
        )


@click.group("keys")
def keys() -> None:
    """The mediator's signing key (MED). Parties keep theirs in `homeward cosigner`."""


@keys.command("generate")
@click.pass_obj
def keys_generate(settings: Settings) -> None:
    """Create the mediator's encrypted key file in the workspace's keys directory."""
    passphrase = prompt_passphrase(settings)
    with domain_errors():
        key = generate_key(settings.keys_dir, MEDIATOR, ED25519, passphrase(MEDIATOR, True))
    click.echo(key.text())


@keys.command("rotate")
@click.pass_obj
def keys_rotate(settings: Settings) -> None:
    """Replace the mediator's key; old verifier keys are kept so old checkpoints verify."""
    with domain_errors():
        key = rotate_key(settings.keys_dir, MEDIATOR, prompt_passphrase(settings)(MEDIATOR))
    click.echo(key.text())


@keys.command("list")
@with_workspace
def keys_list(workspace: Workspace) -> None:
    """Print the mediator's verifier keys (retired ones included) and the witnesses'."""
    for key in workspace.verifier_keys(required=False):
        click.echo(key.text())


@keys.command("export-party")
@click.option("--party", required=True, type=click.Choice(PARTIES))
@click.option(
    "--dir",
    "folder",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The party's new cosigner directory (to carry to the party's machine).",
)
@click.pass_obj
def keys_export_party(settings: Settings, party: str, folder: Path) -> None:
    """Migrate an old workspace: move a party's key into its own cosigner directory and
    delete it here. The key is re-encrypted under HOMEWARD_COSIGNER_PASSPHRASE."""
    from homeward.adapters.cosigner_dir import PASSPHRASE_ENV
    from homeward.services.signing import export_party_key

    cosigner_passphrase = settings.cosigner_passphrase
    if not cosigner_passphrase:
        raise click.ClickException(f"{PASSPHRASE_ENV} is not set: the party's new passphrase")
    passphrase = prompt_passphrase(settings)(party)
    with domain_errors():
        key = export_party_key(
            settings.keys_dir, Side(party), passphrase, folder, cosigner_passphrase
        )
    click.echo(f"{party}'s key moved to {folder} and deleted from {settings.keys_dir}")
    click.echo(key.text())
