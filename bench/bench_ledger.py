"""Ledger benchmark: append N events on SQLite with a cosigned checkpoint every 1,000, export,
verify offline, and time inclusion proofs at the final size.

    python bench/bench_ledger.py --events 1000000

Events are written 1,000 per transaction (append_events), each batch followed in the same
transaction by a mediator checkpoint and the UA and RU cosignatures (each checking a
consistency proof from its previous cosigned checkpoint).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

from homeward.adapters.db import create_schema, make_engine
from homeward.adapters.ledger_store import LedgerStore
from homeward.ledger.merkle import inclusion_proof, verify_inclusion
from homeward.ledger.note import COSIGNATURE_V1, Signer
from homeward.ledger.verify import verify_export
from homeward.services import ledger

ORIGIN = "homeward.bench/ledger"


def _events(start: int, count: int) -> list[tuple[str, dict[str, object]]]:
    return [
        (
            "handover_recorded",
            {
                "person": hashlib.sha256(str(i).encode()).hexdigest(),
                "seq": i,
                "status": "handed_over",
                "tranche": i // 1000,
            },
        )
        for i in range(start, start + count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=1000, help="Checkpoint interval.")
    parser.add_argument("--dir", type=Path, default=None, help="Work directory (default tmp).")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "ledger.db"
    db.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    med = Signer.generate("MED")
    parties = [Signer.generate("UA", COSIGNATURE_V1), Signer.generate("RU", COSIGNATURE_V1)]
    keys = [med.verifier] + [p.verifier for p in parties]

    started = time.perf_counter()
    done = 0
    while done < args.events:
        count = min(args.every, args.events - done)
        with engine.begin() as conn:
            ledger.append_events(conn, _events(done, count))
            ledger.make_checkpoint(conn, med, ORIGIN)
            for party in parties:
                ledger.cosign_checkpoint(conn, party, [med.verifier], ORIGIN)
        done += count
    append_s = time.perf_counter() - started
    print(f"append {done} events, checkpoint every {args.every}: {append_s:.1f} s")

    started = time.perf_counter()
    with engine.connect() as conn:
        ledger.export(conn, work / "export", keys)
    export_s = time.perf_counter() - started
    print(f"export: {export_s:.1f} s")

    started = time.perf_counter()
    result = verify_export(work / "export")
    verify_s = time.perf_counter() - started
    print(f"verify offline ({result.checkpoint.size} entries): {verify_s:.1f} s")

    rng = random.Random(1)
    timings: list[float] = []
    with engine.connect() as conn:
        store = LedgerStore(conn)
        root = store.root(done)
        for _ in range(2000):
            index = rng.randrange(done)
            t0 = time.perf_counter()
            proof = inclusion_proof(index, done, store.fetch_nodes)
            timings.append(time.perf_counter() - t0)
            verify_inclusion(store.fetch_nodes([(0, index)])[(0, index)], index, done, proof, root)
        t0 = time.perf_counter()
        for _ in range(200):
            ledger.prove(conn, rng.randrange(done), keys)
        bundle_ms = (time.perf_counter() - t0) / 200 * 1000
    timings.sort()
    median_ms = statistics.median(timings) * 1000
    p99_ms = timings[int(len(timings) * 0.99)] * 1000
    print(f"inclusion proof at {done} leaves: median {median_ms:.3f} ms, p99 {p99_ms:.3f} ms")
    print(f"full proof bundle (prove): {bundle_ms:.2f} ms each")
    size_mb = db.stat().st_size / 1e6
    print(f"database file: {size_mb:.0f} MB; work directory {work}")
    engine.dispose()


if __name__ == "__main__":
    main()
