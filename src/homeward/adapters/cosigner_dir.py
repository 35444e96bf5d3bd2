"""A party's cosigner directory: its key, the logs it witnesses, what it last cosigned.

Everything lives in one folder on the party's machine, never in the mediator's database::

    cosigner.json     name, format, whether it is a demo directory
    cosigner.key      the Ed25519 private key, PKCS#8 PEM encrypted under the passphrase (0600)
    cosigner.vkey     its cosignature/v1 verifier key (type 0x04), what the mediator registers
    note.vkey         the same public key as an Ed25519 note key (type 0x01), for the
                      party's signed notes (agreement terms)
    trusted.json      origin -> the log's verifier keys it will witness
    state/<sha256(origin)>   the last checkpoint cosigned for that origin, with signatures
    lock              held (flock) across each check-and-persist

State files are replaced atomically (temp file, fsync, rename, fsync of the folder) while
the lock is held, so a cosigner killed at any instant keeps the old or the new checkpoint.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)

from homeward.ledger.checkpoint import Checkpoint, CheckpointError
from homeward.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    KeyFormatError,
    NoteError,
    Signer,
    VerifierKey,
    split_note,
)
from homeward.ledger.witness import AddCheckpoint, Cosigned, add_checkpoint, origin_hash

__all__ = [
    "DEMO_COSIGNER_PASSPHRASE",
    "PASSPHRASE_ENV",
    "CosignerDir",
    "CosignerDirError",
    "init_cosigner",
]

PASSPHRASE_ENV = "HOMEWARD_COSIGNER_PASSPHRASE"
DEMO_COSIGNER_PASSPHRASE = "homeward-demo-cosigner-only"
_META, _KEY, _VKEY, _NOTE_VKEY, _TRUSTED = (
    "cosigner.json",
    "cosigner.key",
    "cosigner.vkey",
    "note.vkey",
    "trusted.json",
)
_FORMAT = 1


class CosignerDirError(Exception):
    """The cosigner directory is missing, damaged, or cannot be unlocked."""


def _write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def init_cosigner(
    folder: Path,
    name: str,
    passphrase: str,
    *,
    demo: bool = False,
    private: Ed25519PrivateKey | None = None,
) -> Signer:
    """Create ``folder`` with a fresh key (or ``private``) for witness ``name``; refuse to
    overwrite one."""
    if not passphrase:
        raise CosignerDirError("refusing to store a cosigner key without a passphrase")
    if (folder / _KEY).exists():
        raise CosignerDirError(f"{folder / _KEY} already exists; this cosigner is initialised")
    try:
        signer = (
            Signer.generate(name, COSIGNATURE_V1)
            if private is None
            else Signer(name, COSIGNATURE_V1, private)
        )
    except KeyFormatError as exc:
        raise CosignerDirError(str(exc)) from exc
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    (folder / "state").mkdir(exist_ok=True)
    pem = signer.private.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(passphrase.encode())
    )
    _write_atomic(folder / _KEY, pem, 0o600)
    _write_atomic(folder / _VKEY, (signer.verifier.text() + "\n").encode())
    note_key = Signer(name, ED25519, signer.private).verifier
    _write_atomic(folder / _NOTE_VKEY, (note_key.text() + "\n").encode())
    meta = {"format": _FORMAT, "name": name, "demo": demo}
    _write_atomic(folder / _META, (json.dumps(meta, indent=1) + "\n").encode())
    _write_atomic(folder / _TRUSTED, b'{"logs": {}}\n')
    return signer


@dataclass(frozen=True)
class CosignerDir:
    """An initialised cosigner directory (opening checks it, not the passphrase)."""

    path: Path
    name: str
    demo: bool

    @classmethod
    def open(cls, folder: Path) -> CosignerDir:
        meta_path = folder / _META
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CosignerDirError(
                f"{folder} is not a cosigner directory (no {_META}); run `homeward cosigner init`"
            ) from exc
        except (OSError, ValueError) as exc:
            raise CosignerDirError(f"{meta_path}: cannot be read as JSON") from exc
        if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
            raise CosignerDirError(f"{meta_path}: unknown format")
        name = meta.get("name")
        if not isinstance(name, str):
            raise CosignerDirError(f"{meta_path}: field 'name' is missing")
        return cls(folder, name, meta.get("demo") is True)

    # keys ---------------------------------------------------------------------------------

    def verifier(self) -> VerifierKey:
        return self._read_vkey(_VKEY)

    def note_verifier(self) -> VerifierKey:
        return self._read_vkey(_NOTE_VKEY)

    def _read_vkey(self, file: str) -> VerifierKey:
        path = self.path / file
        try:
            return VerifierKey.parse(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CosignerDirError(f"{path}: cannot be read ({exc.strerror})") from exc
        except KeyFormatError as exc:
            raise CosignerDirError(f"{path}: {exc}") from exc

    def signer(self, passphrase: str) -> Signer:
        """Decrypt the witness key (type 0x04); use :meth:`note_signer` for notes."""
        path = self.path / _KEY
        if not passphrase:
            raise CosignerDirError(f"{path}: a passphrase is needed to open the cosigner key")
        try:
            private = load_pem_private_key(path.read_bytes(), passphrase.encode())
        except OSError as exc:
            raise CosignerDirError(f"{path}: cannot be read ({exc.strerror})") from exc
        except (ValueError, TypeError) as exc:
            raise CosignerDirError(f"{path}: wrong passphrase or damaged file") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise CosignerDirError(f"{path}: not an Ed25519 key")
        signer = Signer(self.name, COSIGNATURE_V1, private)
        if signer.verifier != self.verifier():
            raise CosignerDirError(f"{path}: does not match {_VKEY}")
        return signer

    def note_signer(self, passphrase: str) -> Signer:
        return Signer(self.name, ED25519, self.signer(passphrase).private)

    # trusted logs -------------------------------------------------------------------------

    def trusted(self) -> dict[str, list[VerifierKey]]:
        path = self.path / _TRUSTED
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            logs = data["logs"]
            return {origin: [VerifierKey.parse(k) for k in keys] for origin, keys in logs.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CosignerDirError(f"{path}: damaged ({exc})") from exc

    def trust(self, origin: str, key: VerifierKey) -> None:
        if key.sig_type != ED25519:
            raise CosignerDirError(f"key {key.name} is not a log (Ed25519, type 0x01) key")
        if not origin or origin != origin.strip() or "\n" in origin:
            raise CosignerDirError(f"origin {origin!r} is not a valid checkpoint origin line")
        with self.locked():
            logs = {o: [k.text() for k in ks] for o, ks in self.trusted().items()}
            keys = logs.setdefault(origin, [])
            if key.text() not in keys:
                keys.append(key.text())
            data = json.dumps({"logs": logs}, indent=1, ensure_ascii=False) + "\n"
            _write_atomic(self.path / _TRUSTED, data.encode())

    # state --------------------------------------------------------------------------------

    def _state_path(self, origin: str) -> Path:
        return self.path / "state" / origin_hash(origin)

    def last_cosigned(self, origin: str) -> Cosigned | None:
        path = self._state_path(origin)
        try:
            note = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise CosignerDirError(f"{path}: cannot be read ({exc})") from exc
        try:
            text, _, _ = split_note(note)
            checkpoint = Checkpoint.parse(text)
        except (NoteError, CheckpointError) as exc:
            raise CosignerDirError(f"{path}: damaged state ({exc})") from exc
        if checkpoint.origin != origin:
            raise CosignerDirError(f"{path}: holds origin {checkpoint.origin!r}")
        return Cosigned(checkpoint.size, checkpoint.root, note)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def add_checkpoint(
        self,
        request: AddCheckpoint,
        signer: Signer,
        clock: Callable[[], float] = time.time,
    ) -> str:
        """Check and persist atomically (the spec's race); return the cosignature line."""
        trusted = self.trusted()
        with self.locked():
            origin = _origin_of(request.note)
            last = self.last_cosigned(origin) if origin in trusted else None
            line, state = add_checkpoint(
                request, trusted=trusted, last=last, signer=signer, timestamp=int(clock())
            )
            (self.path / "state").mkdir(exist_ok=True)
            _write_atomic(self._state_path(origin), state.note.encode("utf-8"))
        return line


def _origin_of(note: str) -> str:
    return note.split("\n", 1)[0]
