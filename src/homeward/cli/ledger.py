"""``homeward ledger``, ``verify``, ``erase`` and ``keys``: the co-signed transparency log.

The mediator's private key (MED) lives in ``Settings.keys_dir`` encrypted under a
passphrase, read from HOMEWARD_KEY_PASSPHRASE (or HOMEWARD_KEY_PASSPHRASE_MED) or prompted.
The parties' keys are never here: each party runs its own ``homeward cosigner``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from homeward.bootstrap import open_workspace
from homeward.domain.values import Side
from homeward.ledger.keys import KeyFileError, generate_key, rotate_key, verifier_keys
from homeward.ledger.note import ED25519, KeyFormatError, Signer, VerifierKey
from homeward.ledger.verify import (
    VerificationError,
    verify_agreements,
    verify_export,
    verify_proof_bundle,
)
from homeward.services import ledger as service
from homeward.services.signing import PartyKeyInWorkspace, load_mediator
from homeward.settings import Settings

MEDIATOR, PARTIES = "MED", ("UA", "RU")
SIGNERS = (MEDIATOR,)


def _passphrase(name: str, confirm: bool = False) -> str:
    value = os.environ.get(f"HOMEWARD_KEY_PASSPHRASE_{name}") or os.environ.get(
        "HOMEWARD_KEY_PASSPHRASE"
    )
    if value:
        return value
    prompted: str = click.prompt(
        f"Passphrase for {name}'s key", hide_input=True, confirmation_prompt=confirm
    )
    return prompted


def _load_mediator(settings: Settings) -> Signer:
    try:
        return load_mediator(settings.keys_dir, _passphrase(MEDIATOR))
    except (KeyFileError, PartyKeyInWorkspace) as exc:
        raise click.ClickException(str(exc)) from None


def _all_verifiers(settings: Settings, required: bool = True) -> list[VerifierKey]:
    """The mediator's verifier keys (retired ones too) and every registered witness's."""
    from homeward.bootstrap import open_workspace
    from homeward.services.witnessing import list_witnesses

    keys: list[VerifierKey] = []
    if (settings.keys_dir / f"{MEDIATOR}.pub").exists():
        try:
            keys.extend(verifier_keys(settings.keys_dir, MEDIATOR))
        except KeyFileError as exc:
            raise click.ClickException(str(exc)) from None
    if required and not keys:
        raise click.ClickException(
            f"no public key ({MEDIATOR}.pub) in {settings.keys_dir.resolve()}: set "
            "HOMEWARD_WORKSPACE to the workspace folder that holds keys/ (or create the "
            "mediator's key with `homeward keys generate`)"
        )
    workspace = open_workspace(settings)
    try:
        keys.extend(w.key for w in list_witnesses(workspace.engine))
    finally:
        workspace.close()
    return keys


def _fail(exc: Exception) -> NoReturn:
    raise click.ClickException(str(exc))


@click.group("ledger")
def ledger() -> None:
    """The append-only, co-signed log of every exchange step (no personal data in it)."""


@ledger.command("append")
@click.option("--kind", required=True, help="Event kind, lower_snake_case.")
@click.option("--payload", default="{}", show_default=True, help="A JSON object (no floats).")
@click.pass_obj
def append_command(settings: Settings, kind: str, payload: str) -> None:
    """Append one event and print its index."""
    try:
        data = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--payload is not JSON: {exc.msg}") from None
    workspace = open_workspace(settings)
    try:
        with workspace.engine.begin() as conn:
            index = service.append_event(conn, kind, data)
    except ValueError as exc:
        _fail(exc)
    finally:
        workspace.close()
    click.echo(index)


@ledger.command("checkpoint")
@click.option("--origin", help="Log name (default: HOMEWARD_LEDGER_ORIGIN or the built-in one).")
@click.pass_obj
def checkpoint_command(settings: Settings, origin: str | None) -> None:
    """The mediator signs the current tree and asks every registered witness to cosign it
    (c2sp.org/tlog-witness); it is published once the witness policy is met."""
    from homeward.adapters.ledger_store import LedgerStore
    from homeward.services.witnessing import publish

    origin = origin or settings.ledger_origin
    mediator = _load_mediator(settings)
    workspace = open_workspace(settings)
    try:
        result = publish(workspace.engine, mediator, origin)
        with workspace.engine.connect() as conn:
            note = LedgerStore(conn).checkpoint_at(result.size)
    except service.LedgerError as exc:
        _fail(exc)
    finally:
        workspace.close()
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
@click.pass_obj
def export_command(settings: Settings, out: Path) -> None:
    """Write entries.jsonl, checkpoint, keys/ and the parties' signed agreements."""
    from homeward.services.agreement import export_signatures

    keys = _all_verifiers(settings)
    workspace = open_workspace(settings)
    try:
        with workspace.engine.connect() as conn:
            count = service.export(conn, out, keys)
        export_signatures(workspace.engine, out)
    except service.LedgerError as exc:
        _fail(exc)
    finally:
        workspace.close()
    click.echo(f"exported {count} entries to {out}")


@ledger.command("prove")
@click.option("--entry", required=True, type=click.IntRange(min=0), help="Entry index.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def prove_command(settings: Settings, entry: int, out: Path) -> None:
    """Write a proof bundle that one entry is in the latest checkpoint covering it."""
    keys = _all_verifiers(settings)
    workspace = open_workspace(settings)
    try:
        with workspace.engine.connect() as conn:
            bundle = service.prove(conn, entry, keys)
    except service.LedgerError as exc:
        _fail(exc)
    finally:
        workspace.close()
    out.write_bytes(bundle)
    click.echo(f"proof of entry {entry} written to {out}")


@ledger.command("audit")
@click.pass_obj
def audit_command(settings: Settings) -> None:
    """Recompute the stored tree from its leaves and check every stored hash."""
    workspace = open_workspace(settings)
    try:
        with workspace.engine.connect() as conn:
            size = service.audit(conn)
    except service.LedgerError as exc:
        _fail(exc)
    finally:
        workspace.close()
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


@click.command("erase")
@click.option("--person", "person_id", required=True, type=int, help="Internal person id.")
@click.option("--by", "actor", default="administrator", show_default=True, help="Who erases.")
@click.pass_obj
def erase(settings: Settings, person_id: int, actor: str) -> None:
    """Erase a person's data, the mediator's notes on them and their commitment key.

    The log still verifies; its entries about the person can no longer be linked to them.
    """
    from homeward.services.erasure import UnknownPerson, erase_person
    from homeward.services.ledger_events import LedgerEventSink

    workspace = open_workspace(settings)
    try:
        done = erase_person(person_id, workspace.engine, LedgerEventSink(), actor=actor)
    except UnknownPerson as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        workspace.close()
    key = "and commitment key " if done.key_deleted else "(no commitment key existed) "
    click.echo(
        f"person {person_id}: data {key}erased; {done.notes_deleted} interview notes deleted"
    )


@click.group("keys")
def keys() -> None:
    """The mediator's signing key (MED). Parties keep theirs in `homeward cosigner`."""


@keys.command("generate")
@click.pass_obj
def keys_generate(settings: Settings) -> None:
    """Create the mediator's encrypted key file in the workspace's keys directory."""
    try:
        key = generate_key(settings.keys_dir, MEDIATOR, ED25519, _passphrase(MEDIATOR, True))
    except KeyFileError as exc:
        _fail(exc)
    click.echo(key.text())


@keys.command("rotate")
@click.pass_obj
def keys_rotate(settings: Settings) -> None:
    """Replace the mediator's key; old verifier keys are kept so old checkpoints verify."""
    try:
        key = rotate_key(settings.keys_dir, MEDIATOR, _passphrase(MEDIATOR))
    except KeyFileError as exc:
        _fail(exc)
    click.echo(key.text())


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """Print the mediator's verifier keys (retired ones included) and the witnesses'."""
    for key in _all_verifiers(settings, required=False):
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
    from homeward.adapters.cosigner_dir import PASSPHRASE_ENV, CosignerDirError
    from homeward.services.signing import export_party_key

    cosigner_passphrase = settings.cosigner_passphrase
    if not cosigner_passphrase:
        raise click.ClickException(f"{PASSPHRASE_ENV} is not set: the party's new passphrase")
    try:
        key = export_party_key(
            settings.keys_dir, Side(party), _passphrase(party), folder, cosigner_passphrase
        )
    except (KeyFileError, CosignerDirError) as exc:
        _fail(exc)
    click.echo(f"{party}'s key moved to {folder} and deleted from {settings.keys_dir}")
    click.echo(key.text())
