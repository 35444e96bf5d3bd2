"""A cosigner killed with SIGKILL in the middle of requests keeps the old or the new
checkpoint, never an older one (tlog-witness: check-and-persist is atomic)."""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.merkle import CompactRange, NodeId, consistency_proof, leaf_hash
from homeward.ledger.note import Signer, open_note, sign_note
from homeward.ledger.witness import format_request, parse_size_body

ORIGIN = "homeward.test/kill-cosigner"
PASSPHRASE = "synthetic cosigner passphrase"
SERVE = [sys.executable, "-c", "import sys; from homeward.cli import main; sys.exit(main())"]


class Log:
    """A growing in-memory log that signs checkpoints and proves consistency."""

    def __init__(self) -> None:
        self.key = Signer.generate("homeward.test/log")
        self.tree = CompactRange()
        self.nodes: dict[NodeId, bytes] = {}
        self.roots: dict[int, bytes] = {}

    def grow(self) -> int:
        leaf = leaf_hash(f"entry {self.tree.size}".encode())
        self.nodes[(0, self.tree.size)] = leaf
        self.nodes.update(self.tree.append(leaf))
        self.roots[self.tree.size] = self.tree.root()
        return self.tree.size

    def request(self, old: int, size: int) -> bytes:
        note = sign_note(Checkpoint(ORIGIN, size, self.roots[size]).body(), [self.key])
        proof = consistency_proof(old, size, lambda ids: self.nodes) if 0 < old < size else []
        return format_request(old, proof, note)


def _start(folder: Path) -> tuple[subprocess.Popen[str], int]:
    server = subprocess.Popen(
        [*SERVE, "cosigner", "serve", "--dir", str(folder), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "HOMEWARD_COSIGNER_PASSPHRASE": PASSPHRASE, "PYTHONUNBUFFERED": "1"},
    )
    assert server.stdout is not None
    banner = server.stdout.readline()
    assert "serving http://" in banner, banner
    return server, int(banner.rsplit(":", 1)[1].split("/")[0])


def _post(port: int, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/add-checkpoint", body=body)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_sigkill_mid_request_leaves_the_old_or_the_new_checkpoint_never_a_rollback(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ru-cosigner"
    witness = init_cosigner(folder, "RU", PASSPHRASE)
    log = Log()
    CosignerDir.open(folder).trust(ORIGIN, log.key.verifier)
    for _ in range(400):
        log.grow()
    server, port = _start(folder)
    acked = 0  # the largest size the witness answered 200 for
    attempted: set[int] = set()
    lock = threading.Lock()
    stop = threading.Event()
    answered = threading.Event()  # set at the first 200: the kill lands mid-traffic

    def client(seed: int) -> None:
        nonlocal acked
        rng = random.Random(seed)
        known = 0
        while not stop.is_set():
            with lock:
                size = min(400, max(acked, known) + rng.randint(1, 3))
                attempted.add(size)
            try:
                status, body = _post(port, log.request(known, size))
            except OSError:
                return  # the server died under us
            if status == 200:
                answered.set()
                with lock:
                    acked = max(acked, size)
                known = size
            elif status == 409:
                known = parse_size_body(body)
            if size == 400 and status == 200:
                return

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    # However slow the machine, requests are flowing before the kill (no fixed head start).
    answered.wait(timeout=120)
    time.sleep(random.uniform(0.0, 1.0))
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert server.returncode == -signal.SIGKILL
    assert acked > 0, "no request succeeded before the kill"

    state = CosignerDir.open(folder).last_cosigned(ORIGIN)
    assert state is not None
    assert state.size >= acked  # never a rollback below what was acknowledged
    assert state.size in attempted
    assert state.root == log.roots[state.size]
    opened = open_note(state.note, [log.key.verifier, witness.verifier])
    assert {s.name for s in opened.verified} == {"homeward.test/log", "RU"}

    # Restarted, the witness carries on from exactly that state.
    server, port = _start(folder)
    try:
        size = min(400, state.size + 5)
        status, _ = _post(port, log.request(state.size, size))
        assert status == 200
        status, body = _post(port, log.request(0, size))
        assert (status, body) == (409, f"{size}\n".encode())
    finally:
        server.kill()
        server.wait(timeout=30)
