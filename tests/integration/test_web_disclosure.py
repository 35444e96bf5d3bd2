"""The interview's outcome stays the mediator's: to UA and RU a refusal reads "did not
travel", like every other finding of the mediator, on every page, in the API, the manifests,
the dashboard, the bulletin and the log; the log commits to the true outcome, sealed; and
staff appear in the log only as actor ids. The card shows the other side a person's row as
it was submitted."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.agreement import propose_terms
from homeward.services.disclosure import open_outcome, outcome_commitment
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.ledger import leaf_payload
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import bearer, log_in, make_app

TERMS = """name = "Test: 6 for 6"
total_per_side = 6
parity = "per_tranche_and_category"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = 4
[eligibility.military]
require_acknowledged = true
[eligibility.civilian]
require_acknowledged = true
[[crossing_points]]
name = "test-crossing"
daily_capacity = 20
[[tranches]]
id = "day-1"
day = 2025-05-23
crossing = "test-crossing"
total = 6
"""
PARTY_USERS = ("ua.officer", "ua.viewer", "ru.officer", "ru.viewer")
# Every way the refusal could be spelled on a page or in JSON, in the three languages.
REFUSAL = re.compile(r"refus|repatriat|відмов|репатр|отказ|репатр", re.IGNORECASE)


@pytest.fixture
def crossing(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], list]]:
    events = MemoryEventSink()
    paths = write_scenario(generate_scenario("small", 5), tmp_path / "scenario")
    for key in ("ua_holdings", "ru_holdings", "ua_sought", "ru_sought"):
        party, kind = key.split("_")
        import_person_file(
            ImportPersonFile(Side(party.upper()), RegistryKind(kind), paths[key]),
            SqlUnitOfWork(engine),
        )
    for side in (Side.UA, Side.RU):
        submit_registry(SubmitRegistry(side, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events))
    agreement = propose_terms(engine, events, parse_terms_toml(TERMS))
    for side in Side:
        sign_agreement(SignAgreement(agreement, side), SqlUnitOfWork(engine, events))
    plan_agreement(engine, events, agreement)
    with engine.connect() as conn:
        rows = conn.execute(select(handovers).order_by(handovers.c.id)).all()
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, rows


def _record(client: TestClient, csrf: str, handover_id: int, kind: str) -> None:
    card = client.post(
        f"/handover/{handover_id}/exception",
        data={"kind": kind, "note": "Spoke alone with the mediator.", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert card.status_code == 200, card.text
    proposal = re.search(r'id="proposal-(\d+)"', card.text)
    assert proposal is not None, "recording the exception leaves a pending proposal"
    accepted = client.post(
        f"/handover/proposals/{proposal.group(1)}",
        data={"decision": "accept", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert accepted.status_code in (200, 303), accepted.text


def _failed(client: TestClient, passwords: dict[str, str], rows: list) -> tuple[Any, Any]:
    """The verifier records a refusal and an unfit-to-travel on two RU handovers."""
    refusing, unfit = [r for r in rows if r.from_party == "RU"][:2]
    csrf = log_in(client, "med.verifier", passwords["med.verifier"])
    _record(client, csrf, refusing.id, "refuses_repatriation")
    _record(client, csrf, unfit.id, "unfit_to_travel")
    client.cookies.clear()
    return refusing, unfit


def _everything_a_party_reads(
    client: TestClient, engine: Engine, username: str, password: str, rows: list
) -> dict[str, str]:
    """Every page and API answer a party user can reach about the exchange."""
    seen: dict[str, str] = {}
    client.cookies.clear()
    log_in(client, username, password)
    token = bearer(client, username, password)
    for r in rows:
        seen[f"card {r.id}"] = client.get(
            "/handover/card", params={"code": r.checkin_code}, headers={"HX-Request": "true"}
        ).text
        seen[f"api {r.id}"] = client.get(
            f"/api/v1/handovers/by-code/{r.checkin_code}", headers=token
        ).text
    for path in ("/dashboard", "/bulletin", "/api/v1/bulletin", "/plan", "/ledger", "/handover"):
        seen[path] = client.get(path).text
    with engine.connect() as conn:
        tranche_ids = list(conn.execute(select(tranches.c.id)).scalars())
    for tranche_id in tranche_ids:
        for side in ("UA", "RU"):
            seen[f"manifest {side}"] = client.get(f"/plan/{tranche_id}/manifest/{side}.csv").text
    index = 0
    while True:
        entry = client.get(f"/ledger/entries/{index}")
        if "No entry" in entry.text or entry.status_code != 200:
            break
        seen[f"entry {index}"] = entry.text
        index += 1
    assert index > 0, "the log has the crossing's entries"
    return seen


def test_no_party_user_can_read_that_someone_refused_repatriation(crossing, engine: Engine) -> None:
    client, passwords, rows = crossing
    refusing, unfit = _failed(client, passwords, rows)
    for username in PARTY_USERS:
        seen = _everything_a_party_reads(client, engine, username, passwords[username], rows)
        for where, text in seen.items():
            assert not REFUSAL.search(text), f"{username} reads a refusal on {where}"
        assert "did_not_travel" in seen[f"api {refusing.id}"]
        assert "unfit" not in seen[f"api {unfit.id}"]


def test_to_a_party_a_refusal_reads_exactly_like_unfit_to_travel(crossing) -> None:
    client, passwords, rows = crossing
    refusing, unfit = _failed(client, passwords, rows)
    for username in PARTY_USERS:
        token = bearer(client, username, passwords[username])
        answers = [
            client.get(f"/api/v1/handovers/by-code/{r.checkin_code}", headers=token).json()
            for r in (refusing, unfit)
        ]
        for answer in answers:
            del answer["id"], answer["code"]
        assert answers[0] == answers[1]
        assert answers[0]["state"] == "did_not_travel"
    client.cookies.clear()
    log_in(client, "ru.officer", passwords["ru.officer"])
    dashboard = client.get("/dashboard").text
    table = dashboard[dashboard.index("<table") :]
    assert table.count("did_not_travel") + table.count("did not travel") >= 2
    assert "unfit" not in table


def test_the_mediator_still_sees_what_it_found(crossing) -> None:
    client, passwords, rows = crossing
    refusing, _unfit = _failed(client, passwords, rows)
    for username in ("med.verifier", "med.coordinator"):
        client.cookies.clear()
        log_in(client, username, passwords[username])
        card = client.get(
            "/handover/card",
            params={"code": refusing.checkin_code},
            headers={"HX-Request": "true"},
        ).text
        assert "refuses repatriation" in card or "refuses_repatriation" in card
        dashboard = client.get("/dashboard").text
        assert "refuses_repatriation" in dashboard or "refuses repatriation" in dashboard


def test_the_log_commits_to_the_outcome_and_the_mediator_can_open_it(
    crossing, engine: Engine
) -> None:
    client, passwords, rows = crossing
    refusing, unfit = _failed(client, passwords, rows)
    with engine.connect() as conn:
        entries = []
        index = 0
        while (entry := leaf_payload(conn, index)) is not None:
            entries.append(entry)
            index += 1
        failed = {
            e["payload"]["handover"]: e["payload"]
            for e in entries
            if e["kind"] == "handover_failed"
        }
        opening = open_outcome(conn, refusing.id)
    assert set(failed) == {refusing.id, unfit.id}
    for payload in failed.values():
        assert payload["outcome"] == "did_not_travel"
        assert "exception" not in payload
        assert not REFUSAL.search(json.dumps(payload))
    commitment = failed[refusing.id]["outcome_commitment"]
    assert commitment != failed[unfit.id]["outcome_commitment"]
    assert opening is not None
    assert opening.outcome == "refuses_repatriation"
    salt = bytes.fromhex(opening.salt)
    assert outcome_commitment(salt, refusing.id, "refuses_repatriation") == commitment
    assert outcome_commitment(salt, refusing.id, "unfit_to_travel") != commitment


def _complete_the_tranche(engine: Engine) -> None:
    """Walk every handover still under way through to its end (the tranche closes)."""
    from homeward.domain.handover import InvalidTransition
    from homeward.services.handover import Step, advance

    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(handovers.c.id).where(handovers.c.state.not_in(["failed", "withdrawn"]))
            ).scalars()
        )
    for hid in ids:
        for step in Step:
            try:
                advance(hid, step, engine, MemoryEventSink(), actor="verifier-1")
            except InvalidTransition:
                continue


def test_the_bulletin_counts_the_mediator_s_findings_as_one_suppressed_figure(
    crossing, engine: Engine
) -> None:
    client, passwords, rows = crossing
    _failed(client, passwords, rows)
    assert client.get("/api/v1/bulletin").json()["rounds"] == []  # the tranche is still open
    _complete_the_tranche(engine)
    bulletin = client.get("/api/v1/bulletin").json()
    assert bulletin["did_not_travel"]["RU"] == {"did_not_travel": "<5"}
    assert bulletin["did_not_travel"]["UA"] == {}
    assert not REFUSAL.search(json.dumps(bulletin))


def test_staff_appear_in_the_log_only_as_pseudonymous_actor_ids(crossing, engine: Engine) -> None:
    client, passwords, rows = crossing
    _failed(client, passwords, rows)
    walker = next(r for r in rows if r.from_party == "UA")  # goes home to Russia
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    for step in ("check_in", "confirm_identity", "confirm_free_will", "release"):
        answer = client.post(
            f"/api/v1/handovers/{walker.id}/steps", json={"step": step}, headers=verifier
        )
        assert answer.status_code == 200, answer.text
    ru_officer = bearer(client, "ru.officer", passwords["ru.officer"])
    answer = client.post(
        f"/api/v1/handovers/{walker.id}/steps", json={"step": "receive"}, headers=ru_officer
    )
    assert answer.status_code == 200, answer.text
    with engine.connect() as conn:
        entries = []
        while (entry := leaf_payload(conn, len(entries))) is not None:
            entries.append(entry)
    text = json.dumps(entries, ensure_ascii=False)
    for username in passwords:
        assert username not in text
    actors = {
        e["kind"]: value
        for e in entries
        for key, value in e["payload"].items()
        if key in ("by", "confirmed_by")
    }
    assert all(re.fullmatch(r"actor-[0-9a-f]{16}", a) for a in actors.values()), actors
    assert actors["person_released"] == actors["handover_failed"]  # the same verifier
    assert actors["person_received"] != actors["person_released"]  # another person


def test_the_card_shows_the_other_side_the_row_as_submitted_not_as_changed_since(
    crossing, engine: Engine
) -> None:
    client, passwords, rows = crossing
    person = next(r for r in rows if r.from_party == "RU")
    with engine.begin() as conn:
        conn.execute(
            update(persons)
            .where(persons.c.id == person.person_id)
            .values(surname="UNSUBMITTED-CHANGE")
        )
    seen = {}
    for username in ("ua.viewer", "med.verifier", "ru.viewer"):
        client.cookies.clear()
        log_in(client, username, passwords[username])
        card = client.get(
            "/handover/card", params={"code": person.checkin_code}, headers={"HX-Request": "true"}
        )
        assert card.status_code == 200
        seen[username] = card.text
    assert "UNSUBMITTED-CHANGE" not in seen["ua.viewer"]
    assert "UNSUBMITTED-CHANGE" not in seen["med.verifier"]
    assert "UNSUBMITTED-CHANGE" in seen["ru.viewer"]  # RU's own registry, as it is
