"""Signed notes, checkpoints and cosignatures against the C2SP known answers."""

from __future__ import annotations

import base64
import hashlib

import pytest

from homeward.ledger.checkpoint import Checkpoint, CheckpointError
from homeward.ledger.note import (
    COSIGNATURE_V1,
    KeyFormatError,
    NoteError,
    SignatureError,
    Signer,
    VerifierKey,
    open_note,
)

NEUMANN_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
NEUMANN = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
ENOCH = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
NEUMANN_LINE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_LINE = (
    "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01o"
    "OTGwnWLox33WWd1RvMc+QQ=\n"
)
EXAMPLE_KEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
EXAMPLE_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjO"
    "BH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_deterministic_signature_matches_the_go_known_answer() -> None:
    signer = Signer.parse(NEUMANN_SIGNER)
    assert signer.verifier.text() == NEUMANN
    assert signer.signature_line(TEXT) == NEUMANN_LINE


def test_note_with_two_known_signatures_verifies_both() -> None:
    keys = [VerifierKey.parse(NEUMANN), VerifierKey.parse(ENOCH)]
    opened = open_note(TEXT + "\n" + NEUMANN_LINE + ENOCH_LINE, keys)
    assert opened.text == TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann", "EnochRoot"]


def test_specification_example_verifies() -> None:
    opened = open_note(EXAMPLE_NOTE, [VerifierKey.parse(EXAMPLE_KEY)])
    assert opened.text == "This is an example message.\n"


@pytest.mark.parametrize("position", range(len("This is an example message.")))
def test_changing_any_byte_of_the_text_breaks_the_example(position: int) -> None:
    raw = bytearray(EXAMPLE_NOTE.encode())
    raw[position] ^= 0x01
    with pytest.raises(NoteError):
        open_note(bytes(raw), [VerifierKey.parse(EXAMPLE_KEY)])


def test_signatures_by_unknown_keys_are_ignored_but_one_known_is_needed() -> None:
    note = TEXT + "\n" + NEUMANN_LINE + ENOCH_LINE
    assert len(open_note(note, [VerifierKey.parse(ENOCH)]).verified) == 1
    with pytest.raises(NoteError, match="no signature by a known key"):
        open_note(note, [VerifierKey.parse(EXAMPLE_KEY)])


def test_a_bad_signature_by_a_known_key_names_the_signer() -> None:
    other = TEXT.replace("answer", "ANSWER")
    with pytest.raises(SignatureError, match="signature by PeterNeumann does not verify"):
        open_note(other + "\n" + NEUMANN_LINE, [VerifierKey.parse(NEUMANN)])


def test_verifier_key_with_an_unknown_signature_type_is_refused() -> None:
    raw = base64.b64decode(NEUMANN.split("+", 2)[2])
    forged = "PeterNeumann+c74f20a3+" + base64.b64encode(b"\x05" + raw[1:]).decode()
    with pytest.raises(KeyFormatError, match="unknown signature type 0x05"):
        VerifierKey.parse(forged)


def test_verifier_key_whose_id_does_not_match_is_refused() -> None:
    with pytest.raises(KeyFormatError, match="does not match"):
        VerifierKey.parse(NEUMANN.replace("c74f20a3", "c74f20a4"))


def test_cosignature_key_id_uses_type_four_and_signs_the_cosignature_message() -> None:
    signer = Signer.generate("UA", COSIGNATURE_V1)
    line = signer.signature_line("origin\n1\n" + base64.b64encode(bytes(32)).decode() + "\n", 7)
    blob = base64.b64decode(line.split(" ")[2])
    assert blob[:4] == signer.verifier.key_id
    assert int.from_bytes(blob[4:12], "big") == 7
    assert base64.b64decode(signer.verifier.text().split("+", 2)[2])[0] == 0x04
    digest = hashlib.sha256(b"UA\n\x04" + signer.public).digest()
    assert signer.verifier.key_id == digest[:4]
    message = b"cosignature/v1\ntime 7\norigin\n1\n" + base64.b64encode(bytes(32)) + b"\n"
    signer.private.public_key().verify(blob[12:], message)


def test_checkpoint_body_round_trips_and_rejects_a_short_root() -> None:
    checkpoint = Checkpoint("homeward.test/log", 42, bytes(range(32)))
    assert Checkpoint.parse(checkpoint.body()) == checkpoint
    with pytest.raises(CheckpointError, match="16 bytes"):
        Checkpoint.parse("homeward.test/log\n42\n" + base64.b64encode(bytes(16)).decode() + "\n")
    with pytest.raises(CheckpointError, match="decimal"):
        Checkpoint.parse("homeward.test/log\n042\n" + base64.b64encode(bytes(32)).decode() + "\n")
