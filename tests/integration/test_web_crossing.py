"""The crossing's contract: durable rebalancing proposals, the handovers API, QR payloads,
receipt by the receiving party alone, and no action shown that the reader cannot take."""

from __future__ import annotations

import random
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, func, select

from homeward.adapters.checkin_secret import FILE_NAME, load_or_create
from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.tables_web import access_log
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException
from homeward.domain.lists import ListKind
from homeward.domain.tranche import Remedy
from homeward.domain.values import RegistryKind, Side
from homeward.planning.codes import ALPHABET, checkin_code
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.access import MemoryAccessLog, Principal, Role
from homeward.services.agreement import propose_terms
from homeward.services.crossing import Desk, decide_proposal, load_exchange
from homeward.services.crossing import record_exception as record
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.services.reports import exchange_summary
from homeward.web.app import create_app
from homeward.web.testing import TEST_SECRET, bearer, cheap_workspace, csrf_of, log_in, make_app

TERMS = """name = "Test: 4 for 4 over two days"
total_per_side = 4
parity = "{parity}"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = {reserve}
[eligibility.military]
require_acknowledged = true
[eligibility.civilian]
require_acknowledged = true
[[crossing_points]]
name = "test-crossing"
daily_capacity = 10
[[tranches]]
id = "day-1"
day = 2025-05-23
crossing = "test-crossing"
total = 2
[[tranches]]
id = "day-2"
day = 2025-05-24
crossing = "test-crossing"
total = 2
"""


def _world(engine: Engine, tmp_path: Path, parity: str, reserve: int) -> None:
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
    terms = TERMS.format(parity=parity, reserve=reserve)
    agreement = propose_terms(engine, events, parse_terms_toml(terms))
    for side in Side:
        sign_agreement(SignAgreement(agreement, side), SqlUnitOfWork(engine, events))
    plan_agreement(engine, events, agreement)


@pytest.fixture
def desk(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    _world(engine, tmp_path, "per_tranche_and_category", 2)
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, tmp_path


def _rows(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(handovers, tranches.c.day)
                .join(tranches, tranches.c.id == handovers.c.tranche_id)
                .order_by(handovers.c.id)
            ).all()
        )


def _counts(engine: Engine) -> dict[tuple[int, str], int]:
    """People still due per day and side, counted straight from the table."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(tranches.c.day, handovers.c.from_party, func.count())
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(
                handovers.c.state.not_in(["failed", "withdrawn"]),
                handovers.c.outside_parity.is_(False),
            )
            .group_by(tranches.c.day, handovers.c.from_party)
        ).all()
    return {(int(day), party): int(n) for day, party, n in rows}


def _parity_holds(engine: Engine) -> bool:
    counts = _counts(engine)
    days = {day for day, _ in counts}
    per_day = all(counts.get((d, "UA"), 0) == counts.get((d, "RU"), 0) for d in days)
    overall = sum(n for (_, p), n in counts.items() if p == "UA") == sum(
        n for (_, p), n in counts.items() if p == "RU"
    )
    return per_day and overall


def test_a_deceased_persons_proposal_survives_a_restart_and_is_accepted_from_the_plan_page(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, workspace = desk
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    failing = next(r for r in _rows(engine) if r.from_party == "RU" and r.day == 1)
    answer = client.post(
        f"/api/v1/handovers/{failing.id}/exception",
        json={"exception": "deceased"},
        headers=verifier,
    )
    assert answer.status_code == 200, answer.text
    proposal = answer.json()
    assert set(proposal) >= {"id", "handover_id", "remedy", "person", "text"}
    assert proposal["handover_id"] == failing.id
    assert proposal["remedy"] == "substitute"
    assert proposal["person"]["side"] == "RU"
    assert proposal["person"]["name"] in proposal["text"]
    assert not _parity_holds(engine)  # nothing changes until the mediator accepts

    # A restart: a new engine and a new app on the same database.
    again = create_engine(engine.url)
    app = create_app(cheap_workspace(again, workspace), secret=TEST_SECRET)
    with TestClient(app) as fresh:
        csrf = log_in(fresh, "med.coordinator", passwords["med.coordinator"])
        plan = fresh.get("/plan")
        assert f'id="proposal-{proposal["id"]}"' in plan.text
        assert proposal["person"]["name"] in plan.text
        # The card shows it too, looked up again by code.
        card = fresh.get(
            "/handover/card", params={"code": failing.checkin_code}, headers={"HX-Request": "1"}
        )
        assert f'id="proposal-{proposal["id"]}"' in card.text
        accepted = fresh.post(
            f"/handover/proposals/{proposal['id']}",
            data={"decision": "accept", "back": "plan", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert accepted.status_code == 303
        assert f'id="proposal-{proposal["id"]}"' not in fresh.get("/plan").text
    again.dispose()
    assert _parity_holds(engine)
    substitute = [r for r in _rows(engine) if r.substitute_for == failing.id]
    assert [r.person_id for r in substitute] == [proposal["person"]["person_id"]]


def test_a_declined_proposal_gives_way_to_the_next_remedy(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    failing = next(r for r in _rows(engine) if r.from_party == "UA")
    first = client.post(
        f"/api/v1/handovers/{failing.id}/exception",
        json={"exception": "not_found"},
        headers=verifier,
    ).json()
    pending = client.get("/api/v1/proposals", params={"state": "pending"}, headers=verifier)
    assert [p["id"] for p in pending.json()] == [first["id"]]
    declined = client.post(
        f"/api/v1/proposals/{first['id']}", json={"decision": "decline"}, headers=verifier
    )
    assert declined.status_code == 200
    body = declined.json()
    assert body["proposal"]["state"] == "declined"
    following = body["next"]
    assert following is not None
    assert following["person"]["person_id"] != first["person"]["person_id"]
    pending = client.get("/api/v1/proposals?state=pending", headers=verifier).json()
    assert [p["id"] for p in pending] == [following["id"]]
    accepted = client.post(
        f"/api/v1/proposals/{following['id']}", json={"decision": "accept"}, headers=verifier
    )
    assert accepted.json()["proposal"]["state"] == "accepted"
    assert _parity_holds(engine)
    twice = client.post(
        f"/api/v1/proposals/{following['id']}", json={"decision": "accept"}, headers=verifier
    )
    assert twice.status_code == 409


def test_parties_never_see_proposals(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    failing = _rows(engine)[0]
    client.post(
        f"/api/v1/handovers/{failing.id}/exception",
        json={"exception": "refuses_repatriation"},
        headers=verifier,
    )
    for user in ("ua.officer", "ru.viewer"):
        headers = bearer(client, user, passwords[user])
        assert client.get("/api/v1/proposals", headers=headers).status_code == 404
        seen = client.get(f"/api/v1/handovers/{failing.id}", headers=headers).json()
        assert seen["proposals"] == []
        assert seen["state"] == "did_not_travel"
        assert seen["exception"] is None


def test_the_handovers_list_filters_by_day_and_state(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    viewer = bearer(client, "ua.viewer", passwords["ua.viewer"])
    rows = _rows(engine)
    day1 = client.get("/api/v1/handovers", params={"day": 1}, headers=viewer).json()
    assert sorted(h["id"] for h in day1) == sorted(r.id for r in rows if r.day == 1)
    assert set(day1[0]) == {"id", "code", "day", "from_party", "category", "state"}
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    client.post(
        f"/api/v1/handovers/{rows[0].id}/steps", json={"step": "check_in"}, headers=verifier
    )
    checked = client.get(
        "/api/v1/handovers", params={"day": rows[0].day, "state": "checked_in"}, headers=viewer
    ).json()
    assert [h["id"] for h in checked] == [rows[0].id]


def test_the_manifests_qr_payload_finds_the_person_on_the_api_and_the_console(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    row = next(r for r in _rows(engine) if r.from_party == "RU")
    payload = f"HW1:day-{row.day}:RU:{row.checkin_code}"
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    found = client.get(f"/api/v1/handovers/by-code/{payload}", headers=verifier)
    assert found.status_code == 200
    assert found.json()["id"] == row.id
    log_in(client, "med.verifier", passwords["med.verifier"])
    card = client.get("/handover/card", params={"code": payload}, headers={"HX-Request": "1"})
    assert card.status_code == 200
    assert f'id="handover-{row.id}"' in card.text


def test_only_the_receiving_partys_officer_confirms_receipt_and_each_refusal_is_logged(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    row = next(r for r in _rows(engine) if r.from_party == "UA")  # RU receives
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    for step in ("check_in", "confirm_identity", "confirm_free_will", "release"):
        client.post(f"/api/v1/handovers/{row.id}/steps", json={"step": step}, headers=verifier)
    tries = {
        "med.verifier": 403,
        "med.coordinator": 403,
        "ua.officer": 404,
        "ru.viewer": 403,
        "ru.officer": 200,
    }
    for user, status in tries.items():
        headers = bearer(client, user, passwords[user])
        answer = client.post(
            f"/api/v1/handovers/{row.id}/steps", json={"step": "receive"}, headers=headers
        )
        assert answer.status_code == status, (user, answer.text)
    client.app.state.web.access_log.flush()  # type: ignore[attr-defined]
    with engine.connect() as conn:
        logged = conn.execute(
            select(access_log.c.username, access_log.c.allowed).where(
                access_log.c.resource_kind == "receipt", access_log.c.resource_id == str(row.id)
            )
        ).all()
    assert sorted((u, bool(a)) for u, a in logged) == sorted(
        (u, s == 200) for u, s in tries.items()
    )


def test_a_read_only_user_sees_no_action_and_no_key_hints(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    row = _rows(engine)[0]
    log_in(client, "ua.viewer", passwords["ua.viewer"])
    console = client.get("/handover")
    assert "kbd" not in console.text
    card = client.get(
        "/handover/card", params={"code": row.checkin_code}, headers={"HX-Request": "1"}
    )
    assert card.status_code == 200
    assert "<button" not in card.text
    assert "(N)" not in card.text
    client.cookies.clear()
    log_in(client, "med.coordinator", passwords["med.coordinator"])
    card = client.get(
        "/handover/card", params={"code": row.checkin_code}, headers={"HX-Request": "1"}
    )
    assert "<button" not in card.text  # the coordinator oversees; the verifier acts
    client.cookies.clear()
    log_in(client, "med.verifier", passwords["med.verifier"])
    card = client.get(
        "/handover/card", params={"code": row.checkin_code}, headers={"HX-Request": "1"}
    )
    assert 'id="next-step"' in card.text
    assert re.search(r'id="parity"[^>]*>[^<]*UA \d+ – RU \d+', card.text)
    assert csrf_of(card.text)


@pytest.mark.parametrize("parity", ["per_tranche_and_category", "per_tranche", "overall"])
def test_random_failures_on_the_stored_model_keep_parity_whatever_the_terms_say(
    engine: Engine, tmp_path: Path, parity: str
) -> None:
    """The property test's check, on the stored model through the crossing service."""

    _world(engine, tmp_path, parity, 1)
    desk = Desk(engine, MemoryEventSink(), MemoryAccessLog())
    verifier = Principal(1, "v", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    rnd = random.Random(parity)
    kinds = [e for e in HandoverException if e is not HandoverException.ALREADY_RELEASED]
    for _ in range(4):
        open_rows = [r for r in _rows(engine) if r.state == "planned"]
        if not open_rows:
            break
        failing = rnd.choice(open_rows)
        card = record(desk, verifier, failing.id, rnd.choice(kinds))
        mine = [p for p in card.proposals if p.handover_id == failing.id]
        if not mine:  # nobody left to keep parity with: the card says so
            assert card.problem
            break
        decided = decide_proposal(desk, verifier, mine[0].id, accept=rnd.random() < 0.7)
        while decided.proposal.state == "declined" and decided.next_proposal is not None:
            decided = decide_proposal(desk, verifier, decided.next_proposal.id, accept=True)
        if decided.proposal.state != "accepted":
            assert decided.problem
            break
        with engine.connect() as conn:
            agreement = conn.execute(select(tranches.c.agreement_id)).scalars().first()
            assert agreement is not None
            assert load_exchange(conn, agreement).exchange.parity_holds()
        counts = _counts(engine)
        if parity == "overall":
            ua = sum(n for (_, p), n in counts.items() if p == "UA")
            assert ua == sum(n for (_, p), n in counts.items() if p == "RU")
        else:
            assert _parity_holds(engine)


def test_check_in_codes_come_from_the_workspace_secret_and_not_from_ids(
    engine: Engine, tmp_path: Path
) -> None:

    old_built_in_key = b"homeward-demo-checkin-key"  # what every workspace used to share

    _world(engine, tmp_path, "per_tranche_and_category", 1)
    rows = _rows(engine)
    derivable = {
        checkin_code(str(r.person_id), f"agreement-{agreement}", old_built_in_key, salt)
        for r in rows
        for agreement in (1, 2)
        for salt in range(3)
    }
    assert not derivable & {r.checkin_code for r in rows}
    assert all(set(r.checkin_code) <= set(ALPHABET) for r in rows)
    keys = tmp_path / "keys"
    secret = load_or_create(keys)
    assert len(secret) == 32
    assert stat.S_IMODE((keys / FILE_NAME).stat().st_mode) == 0o600
    assert load_or_create(keys) == secret


def test_the_dashboard_says_a_failure_awaits_the_mediator_until_a_remedy_is_accepted(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:

    client, passwords, _ = desk
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    failing = _rows(engine)[0]
    proposal = client.post(
        f"/api/v1/handovers/{failing.id}/exception",
        json={"exception": "deceased"},
        headers=verifier,
    ).json()
    [pending] = exchange_summary(engine, 1)["exceptions"]
    assert pending["resolution"] == "awaiting_the_mediator"
    client.post(
        f"/api/v1/proposals/{proposal['id']}", json={"decision": "accept"}, headers=verifier
    )
    [done] = exchange_summary(engine, 1)["exceptions"]
    assert done["resolution"] == "substitute"


def test_the_plan_page_manifest_prints_in_ukrainian_with_the_reserve(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path], tmp_path: Path
) -> None:

    client, passwords, _ = desk
    log_in(client, "med.coordinator", passwords["med.coordinator"])
    with engine.connect() as conn:
        tranche_id = conn.execute(select(tranches.c.id).order_by(tranches.c.day)).scalars().first()
    answer = client.get(f"/plan/{tranche_id}/manifest/RU.pdf", params={"lang": "uk"})
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF-")
    if not shutil.which("pdftotext"):
        return
    path = tmp_path / "m.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Від посередника" in text
    assert "Резерв за порядком" in text


def test_a_replayed_outage_queue_applies_each_step_once_in_order_and_reports_conflicts(
    engine: Engine, desk: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, passwords, _ = desk
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    first, second = _rows(engine)[:2]

    def step(n: int, handover_id: int, name: str, seen: str) -> dict[str, object]:
        return {
            "id": f"device-a-{n:04d}",
            "seq": n,
            "handover_id": handover_id,
            "step": name,
            "seen_state": seen,
        }

    queue = {
        "device": "device-a-1",
        # sent out of order: the server applies them in the device's order
        "steps": [
            step(2, first.id, "confirm_identity", "checked_in"),
            step(1, first.id, "check_in", "planned"),
            step(3, second.id, "check_in", "planned"),
        ],
    }
    # Meanwhile another device checked the second person in.
    client.post(f"/api/v1/handovers/{second.id}/steps", json={"step": "check_in"}, headers=verifier)
    answer = client.post("/api/v1/handovers/queue", json=queue, headers=verifier)
    assert answer.status_code == 200, answer.text
    outcomes = {o["id"]: o for o in answer.json()}
    assert outcomes["device-a-0001"]["outcome"] == "applied"
    assert outcomes["device-a-0002"]["outcome"] == "applied"
    assert outcomes["device-a-0002"]["state"] == "identity_confirmed"
    conflict = outcomes["device-a-0003"]
    assert conflict["outcome"] == "conflict"
    assert "checked_in" in conflict["detail"]
    # The link dropped before the answer arrived: the device sends the same queue again.
    again = client.post("/api/v1/handovers/queue", json=queue, headers=verifier).json()
    assert {o["outcome"] for o in again} == {"duplicate"}
    by_id = {r.id: r.state for r in _rows(engine)}
    assert by_id[first.id] == "identity_confirmed"
    assert by_id[second.id] == "checked_in"


def test_a_person_sent_outside_parity_who_fails_is_dropped_not_substituted(
    engine: Engine, tmp_path: Path
) -> None:

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
    terms = (
        TERMS.format(parity="per_tranche_and_category", reserve=2)
        .replace("seriously_ill_outside_parity = false", "seriously_ill_outside_parity = true")
        .replace("daily_capacity = 10", "daily_capacity = 60")
    )
    agreement = propose_terms(engine, events, parse_terms_toml(terms))
    for side in Side:
        sign_agreement(SignAgreement(agreement, side), SqlUnitOfWork(engine, events))
    plan_agreement(engine, events, agreement)
    outside = [r for r in _rows(engine) if r.outside_parity]
    assert outside, "the plan sends the seriously ill outside parity"
    before = _counts(engine)
    desk = Desk(engine, events, MemoryAccessLog())
    verifier = Principal(1, "v", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    card = record(desk, verifier, outside[0].id, HandoverException.UNFIT_TO_TRAVEL)
    [proposal] = card.proposals
    assert proposal.remedy is Remedy.DROP
    assert proposal.person is None
    decided = decide_proposal(desk, verifier, proposal.id, accept=True)
    assert decided.proposal.state == "accepted"
    assert not [r for r in _rows(engine) if r.substitute_for == outside[0].id]
    assert _counts(engine) == before  # nobody counted changed: parity as planned
    assert _parity_holds(engine)
