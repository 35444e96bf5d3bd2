"""``homeward ledger``, ``verify``, ``erase`` and ``keys``: the co-signed transparency log.

Private keys live in ``Settings.keys_dir`` encrypted under a passphrase, read from
HOMEWARD_KEY_PASSPHRASE (or HOMEWARD_KEY_PASSPHRASE_<NAME> for one signer) or prompted.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from homeward.bootstrap import open_workspace
from homeward.ledger.keys import KeyFileError, generate_key, load_signer, rotate_key, verifier_keys
from homeward.ledger.note import COSIGNATURE_V1, ED25519, KeyFormatError, Signer, VerifierKey
from homeward.ledger.verify import VerificationError, verify_export, verify_proof_bundle
from homeward.services import ledger as service
from homeward.settings import Settings

MEDIATOR, PARTIES = "MED", ("UA", "RU")
SIGNERS = (MEDIATOR, *PARTIES)


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


def _load(settings: Settings, name: str) -> Signer:
    try:
        return load_signer(settings.keys_dir, name, _passphrase(name))
    except KeyFileError as exc:
        raise click.ClickException(str(exc)) from None


def _all_verifiers(settings: Settings, required: bool = True) -> list[VerifierKey]:
    keys: list[VerifierKey] = []
    for name in SIGNERS:
        if (settings.keys_dir / f"{name}.pub").exists():
            try:
                keys.extend(verifier_keys(settings.keys_dir, name))
            except KeyFileError as exc:
                raise click.ClickException(str(exc)) from None
    if required and not keys:
        raise click.ClickException(
            f"no public keys ({', '.join(f'{n}.pub' for n in SIGNERS)}) in "
            f"{settings.keys_dir.resolve()}: set HOMEWARD_WORKSPACE to the workspace folder "
            "that holds keys/ (or create keys with `homeward keys generate`)"
        )
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
@click.option("--cosign/--no-cosign", default=True, show_default=True, help="UA and RU cosign.")
@click.pass_obj
def checkpoint_command(settings: Settings, origin: str | None, cosign: bool) -> None:
    """The mediator signs the current tree; each party cosigns after a consistency check."""
    origin = origin or settings.ledger_origin
    mediator = _load(settings, MEDIATOR)
    parties = [_load(settings, name) for name in PARTIES] if cosign else []
    log_keys = [k for k in _all_verifiers(settings) if k.sig_type == ED25519]
    workspace = open_workspace(settings)
    try:
        with workspace.engine.begin() as conn:
            note = service.make_checkpoint(conn, mediator, origin)
        for party in parties:
            with workspace.engine.begin() as conn:
                note = service.cosign_checkpoint(conn, party, log_keys, origin)
    except (service.LedgerError, service.DivergenceError) as exc:
        _fail(exc)
    finally:
        workspace.close()
    click.echo(note, nl=False)


@ledger.command("export")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def export_command(settings: Settings, out: Path) -> None:
    """Write entries.jsonl, checkpoint and keys/ for offline verification."""
    keys = _all_verifiers(settings)
    workspace = open_workspace(settings)
    try:
        with workspace.engine.connect() as conn:
            count = service.export(conn, out, keys)
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


@click.command("verify")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--key",
    "key_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Trust only these verifier key files (default: the ones shipped in the export).",
)
def verify(path: Path, key_files: tuple[Path, ...]) -> None:
    """Verify an export directory or a proof bundle offline; exit 1 naming the first fault."""
    try:
        trusted = (
            [VerifierKey.parse(f.read_text(encoding="utf-8")) for f in key_files]
            if key_files
            else None
        )
        if path.is_dir():
            result = verify_export(path, trusted)
        else:
            result = verify_proof_bundle(path.read_bytes(), trusted)
    except (KeyFormatError, UnicodeDecodeError) as exc:
        click.echo(f"verification failed: --key: {exc}", err=True)
        sys.exit(1)
    except VerificationError as exc:
        click.echo(f"verification failed: {exc}", err=True)
        sys.exit(1)
    signers = ", ".join(result.signers)
    click.echo(f"OK: {result.checkpoint.size} entries, signed by {signers}")


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
    """Signing keys of the mediator (MED, signs) and the parties (UA, RU, cosign)."""


@keys.command("generate")
@click.option("--name", "names", multiple=True, type=click.Choice(SIGNERS), help="Default: all.")
@click.pass_obj
def keys_generate(settings: Settings, names: tuple[str, ...]) -> None:
    """Create encrypted key files in the workspace's keys directory."""
    for name in names or SIGNERS:
        sig_type = ED25519 if name == MEDIATOR else COSIGNATURE_V1
        try:
            key = generate_key(settings.keys_dir, name, sig_type, _passphrase(name, True))
        except KeyFileError as exc:
            _fail(exc)
        click.echo(key.text())


@keys.command("rotate")
@click.option("--name", required=True, type=click.Choice(SIGNERS))
@click.pass_obj
def keys_rotate(settings: Settings, name: str) -> None:
    """Replace a signer's key; its old verifier keys are kept so old checkpoints verify."""
    try:
        key = rotate_key(settings.keys_dir, name, _passphrase(name))
    except KeyFileError as exc:
        _fail(exc)
    click.echo(key.text())


@keys.command("list")
@click.pass_obj
def keys_list(settings: Settings) -> None:
    """Print every verifier key, retired ones included."""
    for key in _all_verifiers(settings, required=False):
        click.echo(key.text())
