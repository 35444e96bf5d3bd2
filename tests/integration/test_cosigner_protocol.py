"""`homeward cosigner serve` against an independent tlog-witness client.

Everything on the client side here is written from the C2SP specifications alone, without
homeward's code: raw HTTP (http.client), raw Ed25519 (cryptography), the signed-note and
checkpoint formats, RFC 6962 tree hashes and consistency proofs. The server is the real
program, started as a subprocess on a free loopback port.
Specs: c2sp.org/tlog-witness@v1.0.0, tlog-cosignature, signed-note, tlog-checkpoint.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ORIGIN = "example.test/independent-log"
PASSPHRASE = "synthetic cosigner passphrase"

# -- RFC 6962 -------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = split_point(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """RFC 6962 2.1.2 SUBPROOF(m, D[n], b)."""
    n = len(leaves)
    if m == n:
        return [] if complete else [mth(leaves)]
    k = split_point(n)
    if m <= k:
        return [*subproof(m, leaves[:k], complete), mth(leaves[k:])]
    return [*subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def consistency(m: int, leaves: list[bytes]) -> list[bytes]:
    return subproof(m, leaves, True)


# -- signed notes ---------------------------------------------------------------------------


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass
class LogKey:
    name: str
    private: Ed25519PrivateKey

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n\x01" + raw_public(self.private)).digest()[
            :4
        ]

    def vkey(self) -> str:
        blob = base64.b64encode(b"\x01" + raw_public(self.private)).decode()
        return f"{self.name}+{self.key_id.hex()}+{blob}"

    def sign(self, text: str) -> str:
        sig = self.private.sign(text.encode())
        return f"\u2014 {self.name} {base64.b64encode(self.key_id + sig).decode()}\n"


def checkpoint_body(size: int, root: bytes, origin: str = ORIGIN) -> str:
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def note(body: str, *signers: LogKey) -> str:
    return body + "\n" + "".join(s.sign(body) for s in signers)


def request_body(old: int, proof: list[bytes], signed: str) -> bytes:
    lines = [f"old {old}"] + [base64.b64encode(h).decode() for h in proof]
    return ("\n".join(lines) + "\n\n" + signed).encode()


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


def post(port: int, body: bytes, path: str = "/add-checkpoint") -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, body=body, headers={"Content-Length": str(len(body))})
        response = conn.getresponse()
        return Answer(response.status, response.getheader("Content-Type", ""), response.read())
    finally:
        conn.close()


def verify_cosignature(vkey: str, body: str, line: str) -> int:
    """Check one `— name base64` line as cosignature/v1 under vkey; return its time."""
    name, hex_id, b64 = vkey.strip().split("+", 2)
    raw = base64.b64decode(b64)
    assert raw[0] == 0x04, "cosigner init must print a cosignature/v1 (type 0x04) key"
    public = raw[1:]
    assert hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4].hex() == hex_id
    assert line.startswith(f"\u2014 {name} ")
    assert line.endswith("\n")
    blob = base64.b64decode(line[len(f"\u2014 {name} ") : -1])
    assert blob[:4].hex() == hex_id
    assert len(blob) == 4 + 8 + 64
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    assert timestamp > 0
    message = f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()
    Ed25519PublicKey.from_public_bytes(public).verify(blob[12:], message)  # raises if bad
    return timestamp


# -- the server under test ------------------------------------------------------------------


HOMEWARD = [sys.executable, "-c", "import sys; from homeward.cli import main; sys.exit(main())"]


def homeward(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOMEWARD_COSIGNER_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [*HOMEWARD, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@dataclass
class Witness:
    vkey: str
    port: int
    folder: Path
    log: LogKey


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[Witness]:
    folder = tmp_path / "ua-cosigner"
    made = homeward("cosigner", "init", "--party", "UA", "--dir", str(folder))
    assert made.returncode == 0, made.stderr
    vkey = made.stdout.strip().splitlines()[-1]
    log = LogKey("example.test/independent-log", Ed25519PrivateKey.generate())
    trusted = homeward(
        "cosigner", "trust", "--dir", str(folder), "--origin", ORIGIN, "--key", log.vkey()
    )
    assert trusted.returncode == 0, trusted.stderr
    server = subprocess.Popen(
        [
            *HOMEWARD,
            "cosigner",
            "serve",
            "--dir",
            str(folder),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOMEWARD_COSIGNER_PASSPHRASE": PASSPHRASE, "PYTHONUNBUFFERED": "1"},
    )
    assert server.stdout is not None
    banner = server.stdout.readline()
    assert "serving http://127.0.0.1:" in banner, banner
    port = int(banner.rsplit(":", 1)[1].split("/")[0])
    try:
        yield Witness(vkey, port, folder, log)
    finally:
        server.kill()
        server.wait(timeout=30)


def leaves(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


def test_each_add_checkpoint_case_gets_the_status_the_spec_prescribes(witness: Witness) -> None:
    log, port = witness.log, witness.port
    five = note(checkpoint_body(5, mth(leaves(5))), log)

    # 404: an origin the witness does not know.
    other = LogKey("example.test/other", Ed25519PrivateKey.generate())
    unknown = note(checkpoint_body(5, mth(leaves(5)), "example.test/other"), other)
    assert post(port, request_body(0, [], unknown)).status == 404

    # 403: only a signature by an unknown key; and a trusted key's signature that fails.
    stranger = LogKey(log.name, Ed25519PrivateKey.generate())
    assert (
        post(port, request_body(0, [], note(checkpoint_body(5, mth(leaves(5))), stranger))).status
        == 403
    )
    forged = five.replace(
        five.split(" ")[-1], base64.b64encode(log.key_id + bytes(64)).decode() + "\n"
    )
    assert post(port, request_body(0, [], forged)).status == 403

    # 400: old size above the checkpoint size.
    assert post(port, request_body(6, [], five)).status == 400

    # 200: the first checkpoint, from size 0 with no proof.
    first = post(port, request_body(0, [], five))
    assert first.status == 200, first.body
    lines = first.body.decode().splitlines(keepends=True)
    assert len(lines) >= 1
    verify_cosignature(witness.vkey, checkpoint_body(5, mth(leaves(5))), lines[0])

    # 409: the old size is not the size last cosigned; body "<size>\n", text/x.tlog.size.
    eight_body = checkpoint_body(8, mth(leaves(8)))
    eight = note(eight_body, log)
    conflict = post(port, request_body(0, [], eight))
    assert conflict.status == 409
    assert conflict.body == b"5\n"
    assert conflict.content_type.split(";")[0] == "text/x.tlog.size"

    # 422: a consistency proof that does not verify.
    good_proof = consistency(5, leaves(8))
    bad_proof = [hashlib.sha256(b"wrong").digest(), *good_proof[1:]]
    assert post(port, request_body(5, bad_proof, eight)).status == 422

    # 200: the right proof from the size the witness reported.
    second = post(port, request_body(5, good_proof, eight))
    assert second.status == 200, second.body
    verify_cosignature(witness.vkey, eight_body, second.body.decode())

    # 409: same size as last cosigned but a different root.
    fork = note(checkpoint_body(8, mth([b"forged", *leaves(8)[1:]])), log)
    same_size = post(port, request_body(8, [], fork))
    assert same_size.status == 409
    assert same_size.body == b"8\n"

    # The witness still holds size 8 with the genuine root: it cosigns it again.
    again = post(port, request_body(8, [], eight))
    assert again.status == 200
    verify_cosignature(witness.vkey, eight_body, again.body.decode())


BAD_INPUT = [
    ("garbage", b"\xff\xfe not a request at all", 400),
    ("no empty line", b"old 0\n", 400),
    ("non-canonical size", b"old 05\n\nCHECKPOINT", 400),
    ("signed size", b"old +5\n\nCHECKPOINT", 400),
    ("64 proof lines", b"old 5\n" + b"PROOF\n" * 64 + b"\nCHECKPOINT", 400),
    ("proof not base64", b"old 5\n!!!!\n\nCHECKPOINT", 400),
    ("CRLF checkpoint", b"old 0\n\nCRLF", 400),
    ("oversized", b"old 0\n\n" + b"x" * (1 << 17), 413),
]


def test_bad_input_gets_a_one_line_reason_and_leaves_the_state_alone(witness: Witness) -> None:
    five = note(checkpoint_body(5, mth(leaves(5))), witness.log)
    assert post(witness.port, request_body(0, [], five)).status == 200
    for label, template, status in BAD_INPUT:
        body = (
            template.replace(b"CHECKPOINT", five.encode())
            .replace(b"PROOF", base64.b64encode(bytes(32)))
            .replace(b"CRLF", five.replace("\n", "\r\n").encode())
        )
        answer = post(witness.port, body)
        assert answer.status == status, (label, answer.body)
        reason = answer.body.decode("utf-8")
        assert reason.endswith("\n"), label
        assert reason.count("\n") == 1, label
        assert len(reason) > 5, label
        # The state is unchanged: old 0 still conflicts with the size 5 cosigned before.
        conflict = post(witness.port, request_body(0, [], five))
        assert (conflict.status, conflict.body) == (409, b"5\n"), label


def test_the_witness_serves_the_checkpoint_it_last_cosigned_for_monitors(witness: Witness) -> None:
    body = checkpoint_body(3, mth(leaves(3)))
    assert post(witness.port, request_body(0, [], note(body, witness.log))).status == 200
    conn = http.client.HTTPConnection("127.0.0.1", witness.port, timeout=10)
    conn.request("GET", "/" + hashlib.sha256(ORIGIN.encode()).hexdigest() + "/checkpoint")
    response = conn.getresponse()
    served = response.read().decode()
    conn.close()
    assert response.status == 200
    assert served.startswith(body + "\n")
    lines = served[len(body) + 1 :].splitlines(keepends=True)
    assert lines[0] == witness.log.sign(body)
    verify_cosignature(witness.vkey, body, lines[1])
