"""Hostile exports: any bytes in entries.jsonl, checkpoint or a key file give a clean
VerificationError, never another exception."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.events import make_leaf
from homeward.ledger.export_format import write_export
from homeward.ledger.merkle import leaf_hash, root_of
from homeward.ledger.note import COSIGNATURE_V1, Signer, sign_note
from homeward.ledger.verify import VerificationError, verify_export

PARTS = ["entries.jsonl", "checkpoint", "keys/MED.vkey", "keys/UA.vkey", "leaf-hashes"]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    med, ua = Signer.generate("MED"), Signer.generate("UA", COSIGNATURE_V1)
    leaves = [make_leaf("handover_recorded", {"seq": i}, "2025-05-23T08:00:00Z") for i in range(9)]
    body = Checkpoint("homeward.test/fuzz", 9, root_of(leaf_hash(x) for x in leaves)).body()
    note = sign_note(body, [med]) + ua.signature_line(body, 1_700_000_000)
    folder = tmp_path_factory.mktemp("pristine")
    write_export(folder, leaves, note, [med.verifier, ua.verifier])
    verify_export(folder)
    return folder


def _attempt(pristine: Path, work: Path, part: str, data: bytes) -> None:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine, work)
    (work / part).write_bytes(data)
    message = "verified"
    try:
        verify_export(work)
    except VerificationError as exc:
        message = str(exc)
    assert message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(part=st.sampled_from(PARTS), data=st.binary(max_size=400))
def test_arbitrary_bytes_in_any_part_give_a_verification_error(
    pristine: Path, tmp_path: Path, part: str, data: bytes
) -> None:
    _attempt(pristine, tmp_path / "work", part, data)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    part=st.sampled_from(PARTS),
    position=st.integers(min_value=0, max_value=10_000),
    action=st.sampled_from(["flip", "truncate", "insert", "delete"]),
    byte=st.integers(min_value=0, max_value=255),
)
def test_mutated_exports_give_a_verification_error(
    pristine: Path, tmp_path: Path, part: str, position: int, action: str, byte: int
) -> None:
    raw = bytearray((pristine / part).read_bytes())
    at = position % max(len(raw), 1)
    if action == "flip" and raw:
        raw[at] ^= 1 << (byte % 8)
    elif action == "truncate":
        del raw[at:]
    elif action == "insert":
        raw.insert(at, byte)
    elif raw:
        del raw[at]
    work = tmp_path / "work"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine, work)
    (work / part).write_bytes(bytes(raw))
    if bytes(raw) == (pristine / part).read_bytes() or part == "leaf-hashes":
        verify_export(work)  # the hint is never trusted: damaging it changes nothing
        return
    with pytest.raises(VerificationError):
        verify_export(work)


def test_a_missing_part_is_named(pristine: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(pristine, work)
    (work / "checkpoint").unlink()
    with pytest.raises(VerificationError, match=r"^checkpoint: missing$"):
        verify_export(work)


def test_a_truncated_entries_file_is_named(pristine: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(pristine, work)
    raw = (work / "entries.jsonl").read_bytes()
    (work / "entries.jsonl").write_bytes(raw[:-5])
    with pytest.raises(VerificationError, match=r"entries\.jsonl line 9: truncated"):
        verify_export(work)
