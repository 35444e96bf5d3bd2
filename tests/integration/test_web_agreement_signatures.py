"""Agreements signed with the parties' own keys: uploaded through the API and the page,
checked against the party's registered key, shown with their verification."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.adapters.ledger_store import LedgerStore
from homeward.ledger.note import ED25519, Signer, open_note, sign_note
from homeward.planning.istanbul import istanbul_2025_terms
from homeward.services import ledger
from homeward.services.agreement import propose_terms
from homeward.services.events import MemoryEventSink
from homeward.services.witnessing import add_witness
from homeward.web.testing import bearer, csrf_of, log_in, make_app

PASSPHRASE = "synthetic cosigner passphrase"


@pytest.fixture
def world(
    engine: Engine, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], dict[str, CosignerDir]]]:
    propose_terms(engine, MemoryEventSink(), istanbul_2025_terms())
    dirs = {}
    for party in ("UA", "RU"):
        signer = init_cosigner(tmp_path / party, party, PASSPHRASE)
        add_witness(engine, party, f"http://{party.lower()}.invalid", signer.verifier.text())
        dirs[party] = CosignerDir.open(tmp_path / party)
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, dirs


def test_a_party_uploads_terms_signed_with_its_own_key_through_the_api(
    world: tuple[TestClient, dict[str, str], dict[str, CosignerDir]], engine: Engine
) -> None:
    client, passwords, dirs = world
    ua = bearer(client, "ua.officer", passwords["ua.officer"])
    text = client.get("/api/v1/agreements/1/terms", headers=ua).json()["text"]
    assert text.startswith("homeward agreement terms v1\nagreement 1\n{")

    forged = sign_note(text, [Signer.generate("UA", ED25519)])
    refused = client.post(
        "/api/v1/agreements/1/signatures",
        content=forged,
        headers={**ua, "Content-Type": "text/plain"},
    )
    assert refused.status_code == 409
    assert "no signature by a known key" in refused.text

    other_text = sign_note(
        text.replace("agreement 1", "agreement 2"), [dirs["UA"].note_signer(PASSPHRASE)]
    )
    assert (
        client.post(
            "/api/v1/agreements/1/signatures",
            content=other_text,
            headers={**ua, "Content-Type": "text/plain"},
        ).status_code
        == 409
    )

    signed = sign_note(text, [dirs["UA"].note_signer(PASSPHRASE)])
    accepted = client.post(
        "/api/v1/agreements/1/signatures",
        content=signed,
        headers={**ua, "Content-Type": "text/plain"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"agreement": 1, "party": "UA", "verified": True, "complete": False}
    with engine.connect() as conn:  # the log commits to exactly the note UA signed
        entries = [ledger.leaf_payload(conn, i) for i in range(LedgerStore(conn).size())]
    signed_entries = [e for e in entries if e is not None and e["kind"] == "terms_signed"]
    assert signed_entries[-1]["payload"] == {
        "agreement": 1,
        "party": "UA",
        "signed_note_sha256": hashlib.sha256(signed.encode()).hexdigest(),
    }
    again = client.post(
        "/api/v1/agreements/1/signatures",
        content=signed,
        headers={**ua, "Content-Type": "text/plain"},
    )
    assert again.status_code == 409


def test_the_page_takes_a_pasted_signed_note_with_crlf_lines_and_shows_it_verified(
    world: tuple[TestClient, dict[str, str], dict[str, CosignerDir]],
) -> None:
    client, passwords, dirs = world
    csrf = log_in(client, "ru.officer", passwords["ru.officer"])
    page = client.get("/agreement")
    assert 'name="signed_note"' in page.text
    text = client.get("/agreement/1/terms.txt").text
    empty = client.post("/agreement/1/sign", data={"csrf_token": csrf}, follow_redirects=False)
    assert empty.status_code == 409
    assert "homeward cosigner sign" in empty.text
    signed = sign_note(text, [dirs["RU"].note_signer(PASSPHRASE)])
    done = client.post(
        "/agreement/1/sign",
        data={"csrf_token": csrf_of(page.text), "signed_note": signed.replace("\n", "\r\n")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = client.get("/agreement").text
    assert 'id="signature-RU"' in shown
    assert "the signature verifies" in shown
    assert dirs["RU"].note_verifier().text() in shown
    assert open_note(signed, [dirs["RU"].note_verifier()]).signed_by("RU")
