"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 and cosignature/v1 keys.

A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
``— NAME base64(keyid || signature)``. The key id is the first four bytes of
SHA-256(name || "\\n" || type || public key); type 0x01 signs the text itself, type 0x04
(c2sp.org/tlog-cosignature) signs ``cosignature/v1\\ntime T\\n`` + text and prefixes the
signature with the 8-byte big-endian time T.

>>> signer = Signer.generate("MED")
>>> note = sign_note("hello\\n", [signer])
>>> open_note(note, [signer.verifier]).text
'hello\\n'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "KeyFormatError",
    "NoteError",
    "OpenedNote",
    "SignatureError",
    "Signer",
    "VerifiedSignature",
    "VerifierKey",
    "key_id",
    "open_note",
    "sign_note",
    "split_note",
]

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
_KNOWN_TYPES = {ED25519: "Ed25519", COSIGNATURE_V1: "cosignature/v1"}
_DASH = "\u2014 "
_MAX_SIGNATURES = 100


class NoteError(ValueError):
    """A note or signature line is malformed."""


class SignatureError(NoteError):
    """A signature by a known key does not verify."""


class KeyFormatError(ValueError):
    """A key's text encoding is malformed or of an unknown type."""


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, sig_type: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public).digest()[:4]


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode()


def _decode_b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NoteError(f"{what} is not valid base64") from exc


@dataclass(frozen=True)
class VerifierKey:
    """A public key with its name, as in ``MED+1a2b3c4d+AXh0...``."""

    name: str
    key_id: bytes
    sig_type: int
    public: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise KeyFormatError("verifier key is not name+keyid+base64")
        name, hex_id, b64 = parts
        if not _valid_name(name):
            raise KeyFormatError(f"verifier key name {name!r} is not valid")
        if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
            raise KeyFormatError(f"verifier key id {hex_id!r} is not 8 lowercase hex digits")
        try:
            raw = _decode_b64(b64, "verifier key")
        except NoteError as exc:
            raise KeyFormatError(str(exc)) from exc
        if not raw:
            raise KeyFormatError("verifier key is empty")
        if raw[0] not in _KNOWN_TYPES:
            raise KeyFormatError(f"unknown signature type 0x{raw[0]:02x} in verifier key")
        if len(raw) != 33:
            raise KeyFormatError(f"verifier key holds {len(raw) - 1} key bytes, want 32")
        key = cls(name, bytes.fromhex(hex_id), raw[0], raw[1:])
        if key_id(name, raw[0], raw[1:]) != key.key_id:
            raise KeyFormatError(f"verifier key id {hex_id} does not match the key")
        return key

    def text(self) -> str:
        raw = base64.b64encode(bytes([self.sig_type]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{raw}"

    def verify(self, text: str, sig: bytes) -> int | None:
        """Check ``sig`` (after the key id); return the cosignature time, if any."""
        timestamp: int | None = None
        message = text.encode()
        if self.sig_type == COSIGNATURE_V1:
            if len(sig) != 72:
                raise SignatureError(f"signature by {self.name} has the wrong length")
            (timestamp,) = struct.unpack(">Q", sig[:8])
            message, sig = cosigned_message(text, timestamp), sig[8:]
        if len(sig) != 64:
            raise SignatureError(f"signature by {self.name} has the wrong length")
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(sig, message)
        except (InvalidSignature, ValueError) as exc:
            raise SignatureError(f"signature by {self.name} does not verify") from exc
        return timestamp


@dataclass(frozen=True)
class Signer:
    """A named Ed25519 private key that signs notes (type 0x01) or cosigns (type 0x04)."""

    name: str
    sig_type: int
    private: Ed25519PrivateKey

    def __post_init__(self) -> None:
        if not _valid_name(self.name):
            raise KeyFormatError(f"key name {self.name!r} is not valid")
        if self.sig_type not in _KNOWN_TYPES:
            raise KeyFormatError(f"unknown signature type 0x{self.sig_type:02x}")

    @classmethod
    def generate(cls, name: str, sig_type: int = ED25519) -> Signer:
        return cls(name, sig_type, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Parse ``PRIVATE+KEY+name+keyid+base64(type || seed)`` (the Go sumdb form)."""
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise KeyFormatError("signer key is not PRIVATE+KEY+name+keyid+base64")
        try:
            raw = _decode_b64(parts[4], "signer key")
        except NoteError as exc:
            raise KeyFormatError(str(exc)) from exc
        if len(raw) != 33 or raw[0] not in _KNOWN_TYPES:
            raise KeyFormatError("signer key is not a type byte and a 32-byte seed")
        signer = cls(parts[2], raw[0], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_id.hex() != parts[3]:
            raise KeyFormatError("signer key id does not match the key")
        return signer

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def verifier(self) -> VerifierKey:
        public = self.public
        return VerifierKey(
            self.name, key_id(self.name, self.sig_type, public), self.sig_type, public
        )

    def signature_line(self, text: str, timestamp: int = 0) -> str:
        """One ``— name base64`` line; ``timestamp`` is used by cosignature keys only."""
        if self.sig_type == COSIGNATURE_V1:
            sig = struct.pack(">Q", timestamp) + self.private.sign(
                cosigned_message(text, timestamp)
            )
        else:
            sig = self.private.sign(text.encode())
        blob = base64.b64encode(self.verifier.key_id + sig).decode()
        return f"{_DASH}{self.name} {blob}\n"


@dataclass(frozen=True)
class VerifiedSignature:
    name: str
    key_id: bytes
    sig_type: int
    timestamp: int | None


@dataclass(frozen=True)
class OpenedNote:
    text: str
    verified: tuple[VerifiedSignature, ...]
    signature_lines: tuple[str, ...]

    def signed_by(self, name: str) -> bool:
        return any(sig.name == name for sig in self.verified)


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note is truncated: it does not end with a newline")
    if any((ord(c) < 0x20 and c != "\n") or ord(c) == 0x7F for c in text):
        raise NoteError("note contains a control character")


def sign_note(text: str, signers: Sequence[Signer], timestamp: int = 0) -> str:
    _check_text(text)
    if "\n\n" in text:
        raise NoteError("note text contains a blank line")
    return text + "\n" + "".join(s.signature_line(text, timestamp) for s in signers)


def split_note(
    note: str | bytes,
) -> tuple[str, list[tuple[str, bytes, bytes]], list[str]]:
    """Split a note into text and (name, key id, signature) triples, checking the syntax."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError(f"note is not valid UTF-8 (byte {exc.start})") from exc
    _check_text(note)
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise NoteError("note has no signatures")
    lines = block[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise NoteError(f"note has more than {_MAX_SIGNATURES} signatures")
    sigs: list[tuple[str, bytes, bytes]] = []
    for number, line in enumerate(lines, 1):
        if not line.startswith(_DASH):
            raise NoteError(f"signature line {number} does not start with an em dash")
        fields = line[len(_DASH) :].split(" ")
        if len(fields) != 2 or not _valid_name(fields[0]):
            raise NoteError(f"signature line {number} is not '— name signature'")
        blob = _decode_b64(fields[1], f"signature line {number}")
        if len(blob) < 5:
            raise NoteError(f"signature line {number} is too short")
        sigs.append((fields[0], blob[:4], blob[4:]))
    return text, sigs, [line + "\n" for line in lines]


def open_note(note: str | bytes, verifiers: Sequence[VerifierKey]) -> OpenedNote:
    """Verify every signature by a known key; unknown keys are ignored.

    Raises SignatureError naming the signer whose signature fails, and NoteError when no
    known key signed the note at all.
    """
    text, sigs, lines = split_note(note)
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[VerifiedSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for name, kid, sig in sigs:
        key = known.get((name, kid))
        if key is None or (name, kid) in seen:
            continue
        seen.add((name, kid))
        timestamp = key.verify(text, sig)
        verified.append(VerifiedSignature(name, kid, key.sig_type, timestamp))
    if not verified:
        raise NoteError("note has no signature by a known key")
    return OpenedNote(text, tuple(verified), tuple(lines))
