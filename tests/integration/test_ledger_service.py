"""The ledger on a real database (SQLite and PostgreSQL): append, checkpoint, cosign,
export, prove, erase.

The parties cosign as witnesses with their own state in their own directories; here their
add-checkpoint is called in-process (the HTTP path is tested in test_witnessing.py)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.adapters.ledger_store import LedgerStore
from homeward.adapters.tables_ledger import ledger_entries, ledger_head, ledger_nodes
from homeward.adapters.witness_http import WitnessAnswer
from homeward.ledger.events import EventError
from homeward.ledger.merkle import (
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
)
from homeward.ledger.note import Signer, VerifierKey
from homeward.ledger.verify import VerificationError, verify_export, verify_proof_bundle
from homeward.ledger.witness import WitnessRefusal, format_request, parse_request
from homeward.services import ledger, witnessing

ORIGIN = "homeward.test/ledger"


PASSPHRASE = "synthetic cosigner passphrase"


@pytest.fixture
def signers(engine: Engine, tmp_path: Path) -> dict[str, Signer]:
    """MED's key, and UA's and RU's cosigners (their own directories), registered."""
    med = Signer.generate("MED")
    out = {"MED": med}
    for name in ("UA", "RU"):
        folder = tmp_path / "parties" / name
        out[name] = init_cosigner(folder, name, PASSPHRASE)
        CosignerDir.open(folder).trust(ORIGIN, med.verifier)
        witnessing.add_witness(
            engine, name, f"http://{name.lower()}.invalid#{folder}", out[name].verifier.text()
        )
    return out


def in_process(signers: dict[str, Signer]) -> witnessing.Asker:
    """A witness asker that calls each party's cosigner directly instead of over HTTP."""

    def ask(
        url: str, key: VerifierKey, note: str, old: int, proof: Sequence[bytes]
    ) -> WitnessAnswer:
        cosigner = CosignerDir.open(Path(url.split("#", 1)[1]))
        try:
            line = cosigner.add_checkpoint(
                parse_request(format_request(old, proof, note)), signers[key.name]
            )
        except WitnessRefusal as exc:
            return WitnessAnswer(exc.status, size=exc.size, problem=exc.reason)
        return WitnessAnswer(200, lines=(line,))

    return ask


def _keys(signers: dict[str, Signer]) -> list[VerifierKey]:
    return [s.verifier for s in signers.values()]


def _fill(engine: Engine, n: int, start: int = 0) -> None:
    with engine.begin() as conn:
        ledger.append_events(
            conn,
            [("handover_recorded", {"tranche": 1, "seq": start + i}) for i in range(n)],
        )


def _checkpoint_all(engine: Engine, signers: dict[str, Signer]) -> str:
    result = witnessing.publish(engine, signers["MED"], ORIGIN, in_process(signers))
    assert result.published, result.missing
    with engine.connect() as conn:
        stored = LedgerStore(conn).checkpoint_at(result.size)
    assert stored is not None
    return stored.note


def test_append_returns_consecutive_indexes_and_the_stored_root_matches_the_leaves(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        first = ledger.append_event(conn, "exchange_agreed", {"size": 1000, "ua": "UA"})
        second = ledger.append_event(conn, "tranche_planned", {"tranche": 1, "people": 390})
    _fill(engine, 37)
    with engine.connect() as conn:
        store = LedgerStore(conn)
        leaves = [leaf for _, leaf in store.iter_leaves(store.size())]
        assert (first, second, store.size()) == (0, 1, 39)
        for size in (1, 2, 3, 16, 39):
            expected = CompactRange()
            for leaf in leaves[:size]:
                expected.append(leaf_hash(leaf))
            assert store.root(size) == expected.root()


def test_float_payload_is_rejected_with_a_clear_error(engine: Engine) -> None:
    with (
        engine.begin() as conn,
        pytest.raises(EventError, match=r"payload\.weight: floats"),
    ):
        ledger.append_event(conn, "person_weighed", {"weight": 71.5})


def test_cosigned_export_verifies_offline_and_a_bundle_proves_one_entry(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    _fill(engine, 10)
    _checkpoint_all(engine, signers)
    _fill(engine, 23, start=10)
    note = _checkpoint_all(engine, signers)
    assert note.count("\n— ") == 3
    with engine.connect() as conn:
        count = ledger.export(conn, tmp_path / "out", _keys(signers))
        bundle = ledger.prove(conn, 17, _keys(signers))
    assert count == 33
    result = verify_export(tmp_path / "out")
    assert result.checkpoint.size == 33
    assert sorted(result.signers) == ["MED", "RU", "UA"]
    assert sorted(p.name for p in (tmp_path / "out" / "keys").iterdir()) == [
        "MED.vkey",
        "RU.vkey",
        "UA.vkey",
    ]
    proved = verify_proof_bundle(bundle)
    assert proved.checkpoint.size == 33
    assert json.loads(json.loads(bundle)["leaf"])["payload"]["seq"] == 17


def test_consistency_proofs_from_the_store_verify_between_checkpoints(
    engine: Engine, signers: dict[str, Signer]
) -> None:
    _fill(engine, 5)
    with engine.begin() as conn:
        ledger.make_checkpoint(conn, signers["MED"], ORIGIN)
    _fill(engine, 12, start=5)
    with engine.connect() as conn:
        store = LedgerStore(conn)
        proof = consistency_proof(5, 17, store.fetch_nodes)
        verify_consistency(5, 17, proof, store.root(5), store.root(17))


def test_party_refuses_to_cosign_after_the_log_is_rewritten(
    engine: Engine, signers: dict[str, Signer]
) -> None:
    _fill(engine, 6)
    _checkpoint_all(engine, signers)
    with engine.begin() as conn:  # an operator rewrites history below the cosigned size
        conn.execute(delete(ledger_nodes))
        conn.execute(delete(ledger_entries))
        conn.execute(delete(ledger_head))
    _fill(engine, 9, start=100)
    result = witnessing.publish(engine, signers["MED"], ORIGIN, in_process(signers))
    assert not result.published
    assert set(result.missing) == {"UA", "RU"}
    assert "consistency proof" in result.missing["UA"]
    status = witnessing.witness_status(engine)
    assert status.pending
    assert set(status.missing) == {"UA", "RU"}


def test_erased_person_can_no_longer_be_linked_but_the_log_still_verifies(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    record = json.dumps({"surname": "Тестенко", "given_name": "Вигадан"}, sort_keys=True).encode()
    with engine.begin() as conn:
        commitment = ledger.person_commitment(conn, "UA-0001", record)
        ledger.append_event(conn, "person_listed", {"person": commitment, "list": "UA-1"})
        assert ledger.person_commitment(conn, "UA-0001", record) == commitment
    _checkpoint_all(engine, signers)
    with engine.begin() as conn:
        assert ledger.recompute_commitment(conn, "UA-0001", record) == commitment
        assert ledger.erase(conn, "UA-0001") is True
    with engine.begin() as conn:
        assert ledger.recompute_commitment(conn, "UA-0001", record) is None
        assert LedgerStore(conn).person_key("UA-0001") is None
        assert ledger.erase(conn, "UA-0001") is False
        ledger.export(conn, tmp_path / "out", _keys(signers))
    verify_export(tmp_path / "out")
    exported = (tmp_path / "out" / "entries.jsonl").read_text(encoding="utf-8")
    assert commitment in exported
    assert "Тестенко" not in exported


def test_tampered_export_names_the_first_faulty_line(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    _fill(engine, 20)
    _checkpoint_all(engine, signers)
    out = tmp_path / "out"
    with engine.connect() as conn:
        ledger.export(conn, out, _keys(signers))
    entries = out / "entries.jsonl"
    lines = entries.read_bytes().split(b"\n")
    lines[16] = lines[16].replace(b'"seq":16', b'"seq": 16')
    entries.write_bytes(b"\n".join(lines))
    with pytest.raises(
        VerificationError, match=r"entries\.jsonl line 17: JSON is not in canonical"
    ):
        verify_export(out)
    lines[16] = lines[16].replace(b'"seq": 16', b'"seq":99')
    entries.write_bytes(b"\n".join(lines))
    with pytest.raises(VerificationError, match=r"entries\.jsonl line 17: altered"):
        verify_export(out)
    (out / "leaf-hashes").unlink()  # without the hint the fault is still found, unlocated
    with pytest.raises(VerificationError, match=r"entries\.jsonl: the root of its 20 entries"):
        verify_export(out)


def test_a_forged_cosignature_is_named(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    _fill(engine, 3)
    _checkpoint_all(engine, signers)
    out = tmp_path / "out"
    with engine.connect() as conn:
        ledger.export(conn, out, _keys(signers))
    note = (out / "checkpoint").read_text(encoding="utf-8")
    lines = note.split("\n")
    ua = next(i for i, line in enumerate(lines) if line.startswith("— UA "))
    blob = bytearray(base64.b64decode(lines[ua].split(" ")[2]))
    blob[-1] ^= 1
    lines[ua] = "— UA " + base64.b64encode(bytes(blob)).decode()
    (out / "checkpoint").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(VerificationError, match="checkpoint: signature by UA does not verify"):
        verify_export(out)


def test_concurrent_writers_and_publishers_queue_up_instead_of_racing(
    engine: Engine, signers: dict[str, Signer]
) -> None:
    errors: list[BaseException] = []

    def writer(thread: int) -> None:
        try:
            for i in range(25):
                with engine.begin() as conn:
                    ledger.append_event(conn, "handover_recorded", {"thread": thread, "i": i})
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    def publisher() -> None:
        try:
            witnessing.publish(engine, signers["MED"], ORIGIN, in_process(signers))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=publisher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as conn:
        assert ledger.audit(conn) == 100
        note = LedgerStore(conn).latest_checkpoint()
    assert note is not None
    assert note.note.count("— UA ") == 1
    assert note.note.count("— RU ") == 1


def test_stored_proofs_equal_the_proofs_computed_in_memory_for_every_index(
    engine: Engine, signers: dict[str, Signer]
) -> None:
    _fill(engine, 37)
    with engine.connect() as conn:
        store = LedgerStore(conn)
        memory: dict[tuple[int, int], bytes] = {}
        tree = CompactRange()
        for index, leaf in store.iter_leaves(37):
            memory[(0, index)] = leaf_hash(leaf)
            memory.update(tree.append(memory[(0, index)]))
        for size in (1, 2, 5, 16, 31, 37):
            for index in range(size):
                stored = inclusion_proof(index, size, store.fetch_nodes)
                assert stored == inclusion_proof(index, size, lambda ids: memory)
            for old in range(1, size):
                assert consistency_proof(old, size, store.fetch_nodes) == consistency_proof(
                    old, size, lambda ids: memory
                )


def test_publishing_collects_all_three_signatures_and_exports_them(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    _fill(engine, 4)
    note = _checkpoint_all(engine, signers)
    with engine.connect() as conn:
        ledger.export(conn, tmp_path / "out", _keys(signers))
    assert sorted(line.split(" ")[1] for line in note.splitlines() if line.startswith("—")) == [
        "MED",
        "RU",
        "UA",
    ]
    assert sorted(verify_export(tmp_path / "out").signers) == ["MED", "RU", "UA"]


def test_a_checkpoint_missing_a_required_cosignature_is_pending_and_not_exported(
    engine: Engine, signers: dict[str, Signer], tmp_path: Path
) -> None:
    _fill(engine, 4)
    witnessing.remove_witness(engine, "RU")
    result = witnessing.publish(engine, signers["MED"], ORIGIN, in_process(signers))
    assert (result.published, result.cosigned) == (False, ("UA",))
    assert result.missing == {"RU": "no witness registered under this name"}
    with engine.connect() as conn, pytest.raises(ledger.LedgerError, match="size 4 still lacks"):
        ledger.export(conn, tmp_path / "out", _keys(signers))
    # RU comes back: the next publication retries and publishes.
    witnessing.add_witness(
        engine,
        "RU",
        f"http://ru.invalid#{tmp_path / 'parties' / 'RU'}",
        signers["RU"].verifier.text(),
    )
    assert witnessing.publish(engine, signers["MED"], ORIGIN, in_process(signers)).published
