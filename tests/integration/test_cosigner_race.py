"""The tlog-witness race: requests checked against the same old size must not both be
cosigned, or a later one could roll the witness back (c2sp.org/tlog-witness)."""

from __future__ import annotations

import threading
from pathlib import Path

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.merkle import CompactRange, leaf_hash
from homeward.ledger.note import Signer, sign_note
from homeward.ledger.witness import AddCheckpoint, WitnessRefusal

ORIGIN = "homeward.test/race"


def test_of_many_requests_from_the_same_old_size_exactly_one_is_cosigned(
    tmp_path: Path,
) -> None:
    log = Signer.generate("homeward.test/log")
    witness = init_cosigner(tmp_path / "ua", "UA", "synthetic passphrase")
    cosigner = CosignerDir.open(tmp_path / "ua")
    cosigner.trust(ORIGIN, log.verifier)
    tree, roots = CompactRange(), {}
    for i in range(40):
        tree.append(leaf_hash(f"entry {i}".encode()))
        roots[tree.size] = tree.root()
    outcomes: dict[int, str] = {}
    start = threading.Barrier(12)

    def submit(size: int) -> None:
        note = sign_note(Checkpoint(ORIGIN, size, roots[size]).body(), [log])
        start.wait()
        try:
            cosigner.add_checkpoint(AddCheckpoint(0, (), note), witness)
            outcomes[size] = "cosigned"
        except WitnessRefusal as refusal:
            outcomes[size] = str(refusal.status)

    threads = [threading.Thread(target=submit, args=(size,)) for size in range(5, 41, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [size for size, outcome in outcomes.items() if outcome == "cosigned"]
    assert len(winners) == 1
    assert sorted(set(outcomes.values())) == ["409", "cosigned"]
    state = cosigner.last_cosigned(ORIGIN)
    assert state is not None
    assert state.size == winners[0]
