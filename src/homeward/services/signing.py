"""The mediator's signing key, and the check that no party's private key is in its workspace.

The mediator (MED) signs checkpoints and its own agreement signature with the one key its
workspace holds. The parties' keys live in their own cosigner directories on their own
machines (``homeward cosigner init``); the mediator knows only their verifier keys.
"""

from __future__ import annotations

from pathlib import Path

from homeward.adapters.cosigner_dir import init_cosigner
from homeward.domain.values import BELLIGERENTS, Side
from homeward.ledger.keys import generate_key, load_signer, verifier_keys
from homeward.ledger.note import ED25519, Signer, VerifierKey

__all__ = [
    "PartyKeyInWorkspace",
    "ensure_mediator_key",
    "export_party_key",
    "load_mediator",
    "mediator_keys",
    "party_keys_in",
    "signer_name",
]


class PartyKeyInWorkspace(Exception):
    """The mediator's workspace still holds a party's private key (an old workspace)."""


def signer_name(side: Side) -> str:
    """Key and signature names are the party codes (MED, UA, RU), as `homeward keys` uses."""
    return side.value


def party_keys_in(keys_dir: Path) -> list[Path]:
    """Party private key files found in the mediator's keys directory."""
    return [
        keys_dir / f"{signer_name(s)}.key"
        for s in BELLIGERENTS
        if (keys_dir / f"{signer_name(s)}.key").exists()
    ]


def _refuse_party_keys(keys_dir: Path) -> None:
    found = party_keys_in(keys_dir)
    if found:
        names = ", ".join(str(p) for p in found)
        raise PartyKeyInWorkspace(
            f"the mediator's workspace holds a party's private key ({names}); a party's key "
            "belongs on the party's machine. Move it out with `homeward keys export-party "
            "--party UA --dir DIR` (and RU), which deletes it from this workspace "
            "(see docs/ledger.md, 'Migrating an old workspace')"
        )


def ensure_mediator_key(keys_dir: Path, passphrase: str) -> None:
    """Create the mediator's log key if missing; refuse while party keys are present."""
    _refuse_party_keys(keys_dir)
    name = signer_name(Side.MEDIATOR)
    if not (keys_dir / f"{name}.key").exists():
        generate_key(keys_dir, name, ED25519, passphrase)


def load_mediator(keys_dir: Path, passphrase: str) -> Signer:
    _refuse_party_keys(keys_dir)
    return load_signer(keys_dir, signer_name(Side.MEDIATOR), passphrase)


def mediator_keys(keys_dir: Path) -> list[VerifierKey]:
    return verifier_keys(keys_dir, signer_name(Side.MEDIATOR))


def export_party_key(
    keys_dir: Path, party: Side, passphrase: str, out: Path, cosigner_passphrase: str
) -> VerifierKey:
    """Turn a party's old key in the workspace into the party's own cosigner directory
    ``out`` (same key, so what it cosigned before still verifies, re-encrypted under
    ``cosigner_passphrase``), then delete the key from the workspace. Returns the
    cosigner's verifier key, to register with ``homeward witnesses add``."""
    name = signer_name(party)
    old = load_signer(keys_dir, name, passphrase)  # proves the passphrase first
    signer = init_cosigner(out, name, cosigner_passphrase, private=old.private)
    (keys_dir / f"{name}.key").unlink()
    return signer.verifier
