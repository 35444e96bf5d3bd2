"""The three signers of the log: the mediator signs checkpoints, both parties cosign."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from homeward.domain.values import BELLIGERENTS, Side
from homeward.ledger.keys import generate_key, load_signer, verifier_keys
from homeward.ledger.note import COSIGNATURE_V1, ED25519, Signer, VerifierKey
from homeward.services import ledger


def signer_name(side: Side) -> str:
    """Key and signature names are the party codes (MED, UA, RU), as `homeward keys` uses."""
    return side.value


@dataclass(frozen=True)
class Signers:
    mediator: Signer
    parties: tuple[Signer, ...]
    keys: tuple[VerifierKey, ...]


def ensure_keys(keys_dir: Path, passphrase: str) -> None:
    """Create the mediator's log key and each party's cosigning key where missing."""
    for side in Side:
        if not (keys_dir / f"{signer_name(side)}.key").exists():
            sig_type = ED25519 if side is Side.MEDIATOR else COSIGNATURE_V1
            generate_key(keys_dir, signer_name(side), sig_type, passphrase)


def load_signers(keys_dir: Path, passphrase: str) -> Signers:
    mediator = load_signer(keys_dir, signer_name(Side.MEDIATOR), passphrase)
    parties = tuple(load_signer(keys_dir, signer_name(s), passphrase) for s in BELLIGERENTS)
    keys = tuple(k for s in Side for k in verifier_keys(keys_dir, signer_name(s)))
    return Signers(mediator, parties, keys)


def checkpoint_and_cosign(conn: Connection, signers: Signers, origin: str) -> str:
    """The mediator signs the log's current state; each party verifies and cosigns."""
    return ledger.checkpoint_and_cosign(conn, signers.mediator, signers.parties, origin)
