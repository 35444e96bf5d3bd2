"""Key files: encrypted under a passphrase, loadable, rotatable without orphaning old
checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.keys import (
    KeyFileError,
    generate_key,
    load_signer,
    rotate_key,
    verifier_keys,
)
from homeward.ledger.note import COSIGNATURE_V1, ED25519, open_note, sign_note


def test_private_key_file_is_encrypted_and_loads_with_the_passphrase(tmp_path: Path) -> None:
    key = generate_key(tmp_path, "MED", ED25519, "correct horse")
    pem = (tmp_path / "MED.key").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert (tmp_path / "MED.key").stat().st_mode & 0o077 == 0
    assert load_signer(tmp_path, "MED", "correct horse").verifier == key


def test_wrong_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    generate_key(tmp_path, "UA", COSIGNATURE_V1, "correct horse")
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_signer(tmp_path, "UA", "battery staple")


def test_generating_over_an_existing_key_is_refused(tmp_path: Path) -> None:
    generate_key(tmp_path, "RU", COSIGNATURE_V1, "pw")
    with pytest.raises(KeyFileError, match="already exists"):
        generate_key(tmp_path, "RU", COSIGNATURE_V1, "pw")


def test_rotation_keeps_old_verifier_keys_so_old_checkpoints_still_verify(
    tmp_path: Path,
) -> None:
    first = generate_key(tmp_path, "MED", ED25519, "pw")
    old_note = sign_note(Checkpoint("o", 1, bytes(32)).body(), [load_signer(tmp_path, "MED", "pw")])
    second = rotate_key(tmp_path, "MED", "pw", new_passphrase="pw2")
    assert second != first
    assert verifier_keys(tmp_path, "MED") == [first, second]
    assert load_signer(tmp_path, "MED", "pw2").verifier == second
    with pytest.raises(KeyFileError):
        load_signer(tmp_path, "MED", "pw")
    assert open_note(old_note, verifier_keys(tmp_path, "MED")).signed_by("MED")
