"""A writer killed with SIGKILL in the middle of appending loses no committed event and
leaves a log that verifies."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine

from homeward.ledger.note import Signer
from homeward.ledger.verify import verify_export
from homeward.services import ledger

WRITER = """
import sys
from homeward.adapters.db import make_engine
from homeward.ledger.note import Signer
from homeward.services import ledger

engine = make_engine(sys.argv[1])
mediator = Signer.generate("MED")
batch, seq = 400, 0
while True:
    with engine.begin() as conn:
        first = ledger.append_events(
            conn, [("handover_recorded", {"seq": seq + k, "note": "x" * 64}) for k in range(batch)]
        )
        if seq % (batch * 5) == 0:
            ledger.make_checkpoint(conn, mediator, "homeward.test/kill")
    print(first + batch - 1, flush=True)
    seq += batch
"""


def test_sigkill_mid_append_leaves_a_verifying_log_with_every_committed_event(
    engine: Engine, tmp_path: Path
) -> None:
    db_url = engine.url.render_as_string(hide_password=False)  # the same database
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    committed = -1
    started = time.monotonic()
    for _ in range(12):
        line = child.stdout.readline()
        assert line, "writer died before committing"
        committed = int(line)
    per_batch = (time.monotonic() - started) / 12
    time.sleep(random.uniform(0.2, 0.8) * per_batch)  # land inside a transaction
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    # Lines the child printed after our last read were committed too.
    for line in child.stdout.read().split():
        committed = int(line)
    assert child.returncode == -signal.SIGKILL

    with engine.begin() as conn:
        size = ledger.audit(conn)
        assert size > committed
        assert size % 400 == 0  # whole transactions only
        assert ledger.leaf_payload(conn, committed) is not None
        ledger.append_event(conn, "exchange_resumed", {"after": size})
        mediator = Signer.generate("MED")
        ledger.make_checkpoint(conn, mediator, "homeward.test/kill")
        assert ledger.publish_if_signed(conn, size + 1, [mediator.verifier])
        ledger.export(conn, tmp_path / "out", [mediator.verifier])
    assert verify_export(tmp_path / "out").checkpoint.size == size + 1
