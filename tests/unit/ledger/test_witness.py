"""The witness rule (c2sp.org/tlog-witness v1.0.0) as a pure function, with the published
signed-note vectors (/work/shared/testdata/signed-note) as the log's key."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.merkle import CompactRange, NodeId, consistency_proof, leaf_hash
from homeward.ledger.note import COSIGNATURE_V1, Signer, VerifierKey, open_note, sign_note
from homeward.ledger.witness import (
    EMPTY_ROOT,
    AddCheckpoint,
    Cosigned,
    WitnessRefusal,
    add_checkpoint,
    format_request,
    parse_request,
    parse_size_body,
)

# From the published vectors (golang.org/x/mod sumdb/note): a deterministic Ed25519 key.
LOG = Signer.parse("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
LOG_VKEY = VerifierKey.parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
ORIGIN = "example.test/log"
UA = Signer.generate("UA", COSIGNATURE_V1)
TRUSTED = {ORIGIN: [LOG_VKEY]}


def _tree(n: int, label: str = "event") -> tuple[bytes, dict[NodeId, bytes]]:
    tree, nodes = CompactRange(), {}
    for i in range(n):
        hashed = leaf_hash(f"{label} {i}".encode())
        nodes[(0, i)] = hashed
        nodes.update(tree.append(hashed))
    return tree.root(), nodes


def _note(size: int, root: bytes, signer: Signer = LOG) -> str:
    return sign_note(Checkpoint(ORIGIN, size, root).body(), [signer])


def _add(old: int, proof: list[bytes], note: str, last: Cosigned | None) -> tuple[str, Cosigned]:
    request = parse_request(format_request(old, proof, note))
    return add_checkpoint(request, trusted=TRUSTED, last=last, signer=UA, timestamp=1_700_000_000)


def test_the_published_log_key_signs_what_the_witness_accepts() -> None:
    assert LOG.verifier == LOG_VKEY
    root, _ = _tree(4)
    line, state = _add(0, [], _note(4, root), None)
    assert state.size == 4
    opened = open_note(state.note, [LOG_VKEY, UA.verifier])
    assert [s.name for s in opened.verified] == ["PeterNeumann", "UA"]
    assert state.note.endswith(line)


def test_the_cosignature_is_cosignature_v1_over_time_and_the_body() -> None:
    root, _ = _tree(3)
    line, _ = _add(0, [], _note(3, root), None)
    blob = base64.b64decode(line.split(" ")[2])
    public = UA.public
    assert blob[:4] == hashlib.sha256(b"UA\n\x04" + public).digest()[:4]
    (timestamp,) = struct.unpack(">Q", blob[4:12])
    assert timestamp == 1_700_000_000
    body = Checkpoint(ORIGIN, 3, root).body()
    message = f"cosignature/v1\ntime {timestamp}\n{body}".encode()
    Ed25519PublicKey.from_public_bytes(public).verify(blob[12:], message)


def test_an_extension_is_cosigned_and_a_rewritten_history_or_rollback_is_refused() -> None:
    root4, _ = _tree(4)
    _, state4 = _add(0, [], _note(4, root4), None)
    root7, nodes7 = _tree(7)
    proof = consistency_proof(4, 7, lambda ids: nodes7)
    _, state7 = _add(4, proof, _note(7, root7), state4)
    assert (state7.size, state7.root) == (7, root7)

    forked, _ = _tree(7, "rewritten")
    with pytest.raises(WitnessRefusal) as fork:
        _add(4, proof, _note(7, forked), state4)
    assert fork.value.status == 422
    with pytest.raises(WitnessRefusal) as same_size:
        _add(7, [], _note(7, forked), state7)
    assert (same_size.value.status, same_size.value.body()) == (409, b"7\n")
    with pytest.raises(WitnessRefusal) as rollback:
        _add(7, [], _note(4, root4), state7)
    assert rollback.value.status == 400  # old size above the checkpoint size
    with pytest.raises(WitnessRefusal) as stale:
        _add(4, [], _note(4, root4), state7)
    assert (stale.value.status, stale.value.body()) == (409, b"7\n")
    assert stale.value.content_type == "text/x.tlog.size"


def test_a_checkpoint_the_log_key_did_not_sign_is_403_and_an_unknown_origin_404() -> None:
    root, _ = _tree(2)
    impostor = Signer.generate("PeterNeumann")
    with pytest.raises(WitnessRefusal) as unsigned:
        _add(0, [], _note(2, root, impostor), None)
    assert unsigned.value.status == 403
    other = sign_note(Checkpoint("example.test/other", 2, root).body(), [LOG])
    with pytest.raises(WitnessRefusal) as unknown:
        _add(0, [], other, None)
    assert unknown.value.status == 404


def test_size_zero_needs_the_empty_root_and_a_proof_from_zero_must_be_empty() -> None:
    _, state = _add(0, [], _note(0, EMPTY_ROOT), None)
    assert state.size == 0
    with pytest.raises(WitnessRefusal) as wrong_root:
        _add(0, [], _note(0, bytes(32)), None)
    assert wrong_root.value.status == 422
    root, _ = _tree(3)
    with pytest.raises(WitnessRefusal) as proof_from_zero:
        _add(0, [bytes(32)], _note(3, root), None)
    assert proof_from_zero.value.status == 422


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"old 1\n\n", "truncated"),
        (b"old 0\n\no\n1\nAAAA\n", "no blank line"),
        (b"new 1\n\nx", "not 'old <size>'"),
        (b"old 1 \n\nx", "canonical decimal"),
        (b"old 00\n\nx", "canonical decimal"),
        (b"old 99999999999999999999\n\nx", "too large"),
        (b"old 1\n" + b"AAAA\n" + b"\nx", "not 32 bytes"),
    ],
)
def test_malformed_requests_are_400_with_a_reason(body: bytes, reason: str) -> None:
    with pytest.raises(WitnessRefusal) as refused:
        add_checkpoint(parse_request(body), trusted=TRUSTED, last=None, signer=UA, timestamp=1)
    assert refused.value.status == 400
    assert reason in refused.value.reason


def test_a_409_body_is_parsed_strictly() -> None:
    assert parse_size_body(b"17\n") == 17
    for bad in (b"17", b"017\n", b"17\n18\n", b"-1\n"):
        with pytest.raises(ValueError, match=r"size|line"):
            parse_size_body(bad)


def test_the_request_carries_old_size_proof_lines_and_the_note() -> None:
    body = format_request(5, [bytes(32)], "o\n1\nAAAA\n\n\u2014 x AAAA\n")
    assert body.startswith(b"old 5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\no\n")
    assert parse_request(body) == AddCheckpoint(5, (bytes(32),), "o\n1\nAAAA\n\n\u2014 x AAAA\n")
