"""The crossing through the web: who may take which step, and the interview stays the
mediator's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from homeward.adapters.tables_exchange import handovers
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.agreement import propose_terms
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import bearer, csrf_of, log_in, make_app

TERMS = """name = "Test: 4 for 4"
total_per_side = 4
parity = "per_tranche_and_category"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = 2
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
total = 4
"""


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


def _step(client: TestClient, headers: dict[str, str], handover_id: int, step: str) -> int:
    return client.post(
        f"/api/v1/handovers/{handover_id}/steps", json={"step": step}, headers=headers
    ).status_code


def test_only_the_field_verifier_walks_a_person_across_and_the_receiver_confirms(crossing) -> None:
    client, passwords, rows = crossing
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    first = next(r for r in rows if r.from_party == "RU")  # comes home to Ukraine
    ru_officer = bearer(client, "ru.officer", passwords["ru.officer"])
    ua_officer = bearer(client, "ua.officer", passwords["ua.officer"])
    assert _step(client, ua_officer, first.id, "check_in") == 403
    for step in ("check_in", "confirm_identity", "confirm_free_will", "release"):
        assert _step(client, verifier, first.id, step) == 200
    assert _step(client, verifier, first.id, "release") == 409  # not twice
    assert _step(client, ru_officer, first.id, "receive") == 404  # not RU's to receive
    assert _step(client, verifier, first.id, "receive") == 403  # nor the mediator's
    ua_viewer = bearer(client, "ua.viewer", passwords["ua.viewer"])
    assert _step(client, ua_viewer, first.id, "receive") == 403
    assert _step(client, ua_officer, first.id, "receive") == 200
    coordinator = bearer(client, "med.coordinator", passwords["med.coordinator"])
    assert _step(client, coordinator, rows[1].id, "check_in") == 403


def test_the_interview_outcome_is_shown_to_the_mediator_and_never_to_a_party(crossing) -> None:
    client, passwords, rows = crossing
    person = next(r for r in rows if r.from_party == "RU")
    csrf = log_in(client, "med.verifier", passwords["med.verifier"])
    for step in ("check_in", "confirm_identity"):
        client.post(
            f"/handover/{person.id}/step",
            data={"step": step, "csrf_token": csrf},
            headers={"HX-Request": "true"},
        )
    card = client.post(
        f"/handover/{person.id}/step",
        data={"step": "confirm_free_will", "note": "Wants to go home.", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert "wishes to return" in card.text
    assert "Wants to go home." not in card.text  # the note itself is never put on a page
    client.cookies.clear()
    log_in(client, "ua.officer", passwords["ua.officer"])
    seen = client.get(
        "/handover/card", params={"code": person.checkin_code}, headers={"HX-Request": "true"}
    )
    assert seen.status_code == 200
    assert "Interview" not in seen.text
    assert "wishes to return" not in seen.text


def test_a_refusal_is_rebalanced_only_by_a_proposal_the_server_stored(crossing) -> None:
    client, passwords, rows = crossing
    csrf = log_in(client, "med.verifier", passwords["med.verifier"])
    person = rows[0]
    card = client.post(
        f"/handover/{person.id}/exception",
        data={"kind": "refuses_repatriation", "note": "", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    found = re.search(r'action="/handover/proposals/(\d+)"', card.text)
    assert found is not None
    assert "next in its reserve" in card.text
    unknown = client.post(
        "/handover/proposals/999999",
        data={"decision": "accept", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert unknown.status_code == 404
    accepted = client.post(
        f"/handover/proposals/{found.group(1)}",
        data={"decision": "accept", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert accepted.status_code == 200
    assert "Rebalanced" in accepted.text
    again = client.post(
        f"/handover/proposals/{found.group(1)}",
        data={"decision": "accept", "csrf_token": csrf},
        headers={"HX-Request": "true"},
    )
    assert again.status_code == 409


def test_a_console_form_posted_without_htmx_lands_on_the_whole_console(crossing) -> None:
    client, passwords, rows = crossing
    csrf = log_in(client, "med.verifier", passwords["med.verifier"])
    page = client.post(
        f"/handover/{rows[0].id}/step", data={"step": "check_in", "csrf_token": csrf}
    )
    assert page.status_code == 200
    assert 'id="code"' in page.text
    assert 'data-state="checked_in"' in page.text
    assert csrf_of(page.text) == csrf
