"""Signing keys on disk, encrypted under a passphrase; never in the database.

For a signer ``NAME`` the directory holds ``NAME.key`` (the current private key, PKCS#8 PEM
encrypted with the best available scheme) and ``NAME.pub`` (every verifier key it ever had,
one per line, oldest first). Rotation replaces ``NAME.key`` and appends to ``NAME.pub``, so
checkpoints signed by retired keys still verify.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)

from homeward.ledger.note import KeyFormatError, Signer, VerifierKey

__all__ = [
    "KeyFileError",
    "generate_key",
    "load_signer",
    "rotate_key",
    "verifier_keys",
]


class KeyFileError(Exception):
    """A key file is missing, unreadable, or the passphrase is wrong."""


def _write_private(path: Path, signer: Signer, passphrase: str) -> None:
    if not passphrase:
        raise KeyFileError("refusing to store a private key under an empty passphrase")
    pem = signer.private.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase.encode())
    )
    tmp = path.with_suffix(".key.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _append_verifier(path: Path, key: VerifierKey) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(key.text() + "\n")
        out.flush()
        os.fsync(out.fileno())


def generate_key(keys_dir: Path, name: str, sig_type: int, passphrase: str) -> VerifierKey:
    """Create ``name``'s first key pair; refuses to overwrite an existing key."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / f"{name}.key"
    if path.exists():
        raise KeyFileError(f"{path} already exists; rotate it instead")
    signer = Signer.generate(name, sig_type)
    _append_verifier(keys_dir / f"{name}.pub", signer.verifier)
    _write_private(path, signer, passphrase)
    return signer.verifier


def verifier_keys(keys_dir: Path, name: str) -> list[VerifierKey]:
    """Every verifier key ``name`` has had, oldest first."""
    path = keys_dir / f"{name}.pub"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return [VerifierKey.parse(line) for line in lines if line.strip()]
    except KeyFormatError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc


def load_signer(keys_dir: Path, name: str, passphrase: str) -> Signer:
    """Decrypt ``name``'s current private key."""
    path = keys_dir / f"{name}.key"
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        private = load_pem_private_key(pem, passphrase.encode())
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot decrypt {path}: wrong passphrase or damaged file") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise KeyFileError(f"{path} does not hold an Ed25519 key")
    for key in reversed(verifier_keys(keys_dir, name)):
        signer = Signer(name, key.sig_type, private)
        if signer.verifier == key:
            return signer
    raise KeyFileError(f"{path} matches no verifier key in {name}.pub")


def rotate_key(
    keys_dir: Path, name: str, passphrase: str, new_passphrase: str | None = None
) -> VerifierKey:
    """Replace ``name``'s private key with a fresh one of the same type, keeping old
    verifier keys. The old private key is destroyed."""
    old = load_signer(keys_dir, name, passphrase)
    signer = Signer.generate(name, old.sig_type)
    _append_verifier(keys_dir / f"{name}.pub", signer.verifier)
    _write_private(keys_dir / f"{name}.key", signer, new_passphrase or passphrase)
    return signer.verifier
