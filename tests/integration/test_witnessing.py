"""The mediator collects cosignatures from the parties' cosigners over real HTTP: the 409
retry, a witness that is down or answers garbage, the pending checkpoint on the ledger page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.adapters.tables_ledger import ledger_cosigners
from homeward.adapters.witness_http import WitnessServer, make_server
from homeward.ledger.note import Signer, open_note
from homeward.services import ledger, witnessing
from homeward.services.signing import ensure_mediator_key, load_mediator
from homeward.settings import DEFAULT_LEDGER_ORIGIN, DEMO_PASSPHRASE
from homeward.web.testing import log_in, make_app

ORIGIN = DEFAULT_LEDGER_ORIGIN
PASSPHRASE = "synthetic cosigner passphrase"


class Parties:
    def __init__(self, engine: Engine, tmp_path: Path) -> None:
        ensure_mediator_key(tmp_path / "keys", DEMO_PASSPHRASE)
        self.mediator = load_mediator(tmp_path / "keys", DEMO_PASSPHRASE)
        self.engine = engine
        self.signers: dict[str, Signer] = {}
        self.dirs: dict[str, CosignerDir] = {}
        self.servers: dict[str, WitnessServer] = {}
        for name in ("UA", "RU"):
            self.signers[name] = init_cosigner(tmp_path / name, name, PASSPHRASE)
            self.dirs[name] = CosignerDir.open(tmp_path / name)
            self.dirs[name].trust(ORIGIN, self.mediator.verifier)
            self.start(name)

    def start(self, name: str) -> None:
        server = make_server(self.dirs[name], self.signers[name], "127.0.0.1", 0)
        server.start_in_thread()
        self.servers[name] = server
        witnessing.add_witness(self.engine, name, server.url, self.signers[name].verifier.text())

    def stop(self, name: str) -> None:
        self.servers[name].shutdown()
        self.servers[name].server_close()

    def close(self) -> None:
        for server in self.servers.values():
            server.shutdown()
            server.server_close()


@pytest.fixture
def parties(engine: Engine, tmp_path: Path) -> Iterator[Parties]:
    world = Parties(engine, tmp_path)
    yield world
    world.close()


def _fill(engine: Engine, n: int) -> None:
    with engine.begin() as conn:
        ledger.append_events(conn, [("handover_recorded", {"seq": i}) for i in range(n)])


def test_each_checkpoint_is_cosigned_over_http_and_published(parties: Parties) -> None:
    engine = parties.engine
    for added, size in ((3, 3), (7, 10), (7, 17)):
        _fill(engine, added)
        result = witnessing.publish(engine, parties.mediator, ORIGIN)
        assert result.published, result.missing
        assert result.size == size
        for name in ("UA", "RU"):
            state = parties.dirs[name].last_cosigned(ORIGIN)
            assert state is not None
            assert state.size == size  # the party's own record, in its own directory
    with engine.connect() as conn:
        note = ledger.LedgerStore(conn).checkpoint_at(17)
    assert note is not None
    keys = [parties.mediator.verifier, *(s.verifier for s in parties.signers.values())]
    assert {s.name for s in open_note(note.note, keys).verified} == {"MED", "UA", "RU"}


def test_on_409_the_mediator_retries_from_the_size_the_witness_reports(parties: Parties) -> None:
    engine = parties.engine
    _fill(engine, 5)
    assert witnessing.publish(engine, parties.mediator, ORIGIN).published
    with engine.begin() as conn:  # the mediator forgets what UA cosigned
        conn.execute(delete(ledger_cosigners).where(ledger_cosigners.c.name == "UA"))
    _fill(engine, 4)
    result = witnessing.publish(engine, parties.mediator, ORIGIN)
    assert result.published, result.missing
    state = parties.dirs["UA"].last_cosigned(ORIGIN)
    assert state is not None
    assert state.size == 9


def test_a_witness_that_is_down_leaves_the_checkpoint_pending_then_it_is_retried(
    parties: Parties, engine: Engine, tmp_path: Path
) -> None:
    _fill(engine, 4)
    parties.stop("RU")
    result = witnessing.publish(engine, parties.mediator, ORIGIN)
    assert not result.published
    assert list(result.missing) == ["RU"]
    assert "unreachable" in result.missing["RU"]
    _fill(engine, 2)  # the crossing goes on while RU's witness is down

    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        log_in(client, "ua.viewer", passwords["ua.viewer"])
        page = client.get("/ledger").text
    assert 'id="pending-checkpoint"' in page
    assert "RU</strong>: unreachable" in page

    parties.start("RU")  # back, on a new port
    retried = witnessing.publish(engine, parties.mediator, ORIGIN)
    assert retried.published, retried.missing
    assert retried.size == 6


class _Garbage(BaseHTTPRequestHandler):
    body = b"\xe2\x80\x94 RU not-base64!!\n"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        return


def test_a_malformed_witness_answer_counts_as_a_refusal(parties: Parties) -> None:
    engine = parties.engine
    fake = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    try:
        witnessing.add_witness(
            engine,
            "RU",
            f"http://127.0.0.1:{fake.server_address[1]}",
            parties.signers["RU"].verifier.text(),
        )
        _fill(engine, 3)
        result = witnessing.publish(engine, parties.mediator, ORIGIN)
    finally:
        fake.shutdown()
        fake.server_close()
    assert not result.published
    assert result.missing["RU"].startswith("malformed cosignature answer")
    status = witnessing.witness_status(engine)
    assert status.pending
    assert status.missing["RU"].startswith("malformed cosignature answer")


def test_the_sign_button_refuses_while_a_party_key_is_in_the_workspace(
    parties: Parties, engine: Engine, tmp_path: Path
) -> None:
    from homeward.ledger.keys import generate_key
    from homeward.ledger.note import COSIGNATURE_V1

    _fill(engine, 2)
    generate_key(tmp_path / "keys", "UA", COSIGNATURE_V1, DEMO_PASSPHRASE)  # an old workspace
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        csrf = log_in(client, "med.coordinator", passwords["med.coordinator"])
        refused = client.post("/ledger/checkpoint", data={"csrf_token": csrf})
        assert refused.status_code == 409
        assert "holds a party&#39;s private key" in refused.text
        assert "homeward keys export-party" in refused.text
        (tmp_path / "keys" / "UA.key").unlink()
        done = client.post("/ledger/checkpoint", data={"csrf_token": csrf}, follow_redirects=False)
        assert done.status_code == 303
        assert 'id="published-checkpoint"' in client.get("/ledger").text
