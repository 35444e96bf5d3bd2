"""Rounds in the web app: round 1 stays visible and selectable after round 2 is proposed,
planned and carried out; a draft never replaces the agreed round; the public bulletin
announces only completed tranches of every round, never anything dated in the future,
and no count under 5 can be recovered by subtracting successive bulletins."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from tests.factories import record_exception

from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException, InvalidTransition
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.agreement import propose_terms
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    IdentityLink,
    RecordLinks,
    SignAgreement,
    record_identity_links,
    sign_agreement,
)
from homeward.services.handover import Step, advance
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.outcomes import registry_outcomes
from homeward.services.planning_bridge import plan_agreement
from homeward.services.programme import programme_bulletin
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.services.rounds import rounds
from homeward.web.testing import bearer, log_in, make_app


def terms(name: str, total: int, day: str) -> str:
    return f"""name = "{name}"
total_per_side = {total}
parity = "per_tranche_and_category"
priority_groups = []
seriously_ill_outside_parity = false
reserve_size = 0
[eligibility.military]
require_acknowledged = true
[eligibility.civilian]
require_acknowledged = true
[[crossing_points]]
name = "test-crossing"
daily_capacity = 40
[[tranches]]
id = "day-1"
day = {day}
crossing = "test-crossing"
total = {total}
"""


def run_round(engine: Engine, events: MemoryEventSink, agreement: int) -> None:
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(handovers.c.id)
                .join(tranches, tranches.c.id == handovers.c.tranche_id)
                .where(tranches.c.agreement_id == agreement, handovers.c.state == "planned")
            ).scalars()
        )
    for hid in ids:
        for step in Step:
            try:
                advance(hid, step, engine, events, actor="verifier-1")
            except InvalidTransition:
                continue


def agreed(engine: Engine, events: MemoryEventSink, name: str, total: int, day: str) -> int:
    agreement = propose_terms(engine, events, parse_terms_toml(terms(name, total, day)))
    for side in Side:
        sign_agreement(SignAgreement(agreement, side), SqlUnitOfWork(engine, events))
    return agreement


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], Any]]:
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
    first = agreed(engine, events, "Istanbul-1 2025", 6, "2025-05-23")
    plan_agreement(engine, events, first)
    run_round(engine, events, first)
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, events


def test_round_one_stays_shown_while_round_two_is_only_a_draft(workspace, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client, passwords, events = workspace
    propose_terms(engine, events, parse_terms_toml(terms("Istanbul-2 2025", 4, "2025-06-10")))
    log_in(client, "med.coordinator", passwords["med.coordinator"])
    page = client.get("/dashboard").text
    assert "Istanbul-1 2025" in page.split("</h1>")[0]
    assert 'href="/dashboard?round=2"' in page  # the draft is listed, as a draft
    draft = client.get("/dashboard?round=2").text
    assert 'id="draft-note"' in draft
    assert "Istanbul-1 2025" in client.get("/plan").text.split("</h1>")[0]
    assert client.get("/dashboard?round=9").status_code == 404
    assert 'id="agreement-draft"' in client.get("/agreement").text  # signing happens there
    bulletin = client.get("/api/v1/bulletin").json()
    assert [r["name"] for r in bulletin["rounds"]] == ["Istanbul-1 2025"]
    assert bulletin["totals"]["RU"]["total"] == 6
    token = bearer(client, "ua.viewer", passwords["ua.viewer"])
    listed = client.get("/api/v1/rounds", headers=token).json()
    assert [(r["round"], r["status"]) for r in listed["rounds"]] == [
        (1, "completed"),
        (2, "draft"),
    ]
    assert listed["history"]["cumulative"]["released_by"] == {"UA": 6, "RU": 6}
    shown = client.get("/api/v1/rounds/summary", headers=token).json()
    assert shown["round"]["name"] == "Istanbul-1 2025"
    assert shown["totals"]["UA"]["total"] == 6
    draft = client.get("/api/v1/rounds/summary", params={"round": 2}, headers=token).json()
    assert draft["round"]["status"] == "draft"
    assert draft["tranches"] == []


def test_round_one_stays_selectable_after_round_two_is_carried_out(
    workspace, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client, passwords, events = workspace
    second = agreed(engine, events, "Istanbul-2 2025", 4, "2025-06-10")
    plan_agreement(engine, events, second)
    run_round(engine, events, second)
    log_in(client, "med.coordinator", passwords["med.coordinator"])
    page = client.get("/dashboard").text
    assert "Istanbul-2 2025" in page.split("</h1>")[0]
    assert 'href="/dashboard?round=1"' in page
    history = page.split('id="history"')[1]
    assert 'id="rounds-chart"' in history  # recovered against sought after each round
    assert "Istanbul-1 2025" in history
    assert '<td class="num"><b>10</b></td>' in history.split('id="cumulative"')[1]  # 6 + 4
    first = client.get("/dashboard?round=1").text
    assert "Istanbul-1 2025" in first.split("</h1>")[0]
    assert "Istanbul-1 2025" in client.get("/plan?round=1").text.split("</h1>")[0]


def test_the_bulletin_never_announces_an_open_or_future_tranche(workspace, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    _client, _passwords, events = workspace
    second = agreed(engine, events, "Istanbul-2 2025", 4, "2025-06-10")
    plan_agreement(engine, events, second)
    today = dt.date(2025, 6, 10)
    assert [r["round"] for r in programme_bulletin(engine, today)["rounds"]] == [1]
    run_round(engine, events, second)
    with engine.begin() as conn:  # the crossing is dated tomorrow
        conn.execute(
            update(tranches)
            .where(tranches.c.agreement_id == second)
            .values(date=today + dt.timedelta(days=1))
        )
    assert [r["round"] for r in programme_bulletin(engine, today)["rounds"]] == [1]
    later = programme_bulletin(engine, today + dt.timedelta(days=1))
    assert [r["round"] for r in later["rounds"]] == [1, 2]


def test_a_small_count_cannot_be_had_by_subtracting_two_bulletins(
    workspace, engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    _client, _passwords, events = workspace
    today = dt.date(2025, 7, 1)
    before = programme_bulletin(engine, today)
    second = agreed(engine, events, "Istanbul-2 2025", 3, "2025-06-10")
    plan_agreement(engine, events, second)
    with engine.connect() as conn:
        one = (
            conn.execute(
                select(handovers.c.id)
                .join(tranches, tranches.c.id == handovers.c.tranche_id)
                .where(tranches.c.agreement_id == second, handovers.c.from_party == "RU")
                .order_by(handovers.c.id)
            )
            .scalars()
            .first()
        )
    assert one is not None
    record_exception(one, HandoverException.NOT_FOUND, engine, events, actor="verifier-1")
    run_round(engine, events, second)
    after = programme_bulletin(engine, today)
    day = after["rounds"][1]["days"][0]
    assert day["returned_home"]["UA"]["total"] == "<5"
    for side in ("UA", "RU"):
        old, new = before["totals"][side]["total"], after["totals"][side]["total"]
        # The new tranche's small counts never enter a sum: the exact part is unchanged.
        assert int(str(new).split("+")[0]) == old
    assert after["did_not_travel"]["RU"]["not_found"] == "<5"


def test_the_registry_page_filters_people_by_their_outcome_in_the_exchange(
    workspace,  # type: ignore[no-untyped-def]
    engine: Engine,
) -> None:
    client, passwords, events = workspace
    second = agreed(engine, events, "Istanbul-2 2025", 2, "2025-06-10")
    plan_agreement(engine, events, second)
    with engine.connect() as conn:
        refusing = conn.execute(
            select(handovers.c.id, handovers.c.person_id)
            .join(tranches, tranches.c.id == handovers.c.tranche_id)
            .where(tranches.c.agreement_id == second, handovers.c.from_party == "RU")
            .order_by(handovers.c.id)
        ).first()
        received = (
            conn.execute(
                select(handovers.c.person_id).where(
                    handovers.c.from_party == "RU", handovers.c.state == "received"
                )
            )
            .scalars()
            .first()
        )
        sought = (
            conn.execute(
                select(persons.c.id).where(persons.c.party == "UA", persons.c.kind == "sought")
            )
            .scalars()
            .first()
        )
    assert refusing is not None
    assert received is not None
    assert sought is not None
    record_identity_links(
        RecordLinks([IdentityLink(sought, received, 0.99, "match", {})]),
        SqlUnitOfWork(engine, events),
    )
    record_exception(
        refusing.id, HandoverException.REFUSES_REPATRIATION, engine, events, actor="verifier-1"
    )
    # The rounds API gives a party its own side's exceptions only (they name record ids),
    # and the mediator's finding only as "did not travel".
    for user, side in (("ua.viewer", "UA"), ("ru.viewer", "RU")):
        token = bearer(client, user, passwords[user])
        history = client.get("/api/v1/rounds", headers=token).json()["history"]
        seen = [e for r in history["rounds"] for e in r["exceptions"]]
        assert {e["side"] for e in seen} <= {side}
        assert "refuses_repatriation" not in json.dumps(history)
    assert [e["side"] for r in history["rounds"] for e in r["exceptions"]] == ["RU"]
    log_in(client, "ua.officer", passwords["ua.officer"])
    ua = bearer(client, "ua.officer", passwords["ua.officer"])
    api = "/api/v1/parties/RU/registries/outcomes"
    ru_for_ua = client.get(api, params={"outcome": "did_not_travel"}, headers=ua)
    assert ru_for_ua.status_code in (403, 404)  # UA does not read RU's registry
    mine = client.get(
        "/api/v1/parties/UA/registries/outcomes", params={"kind": "sought"}, headers=ua
    ).json()
    assert mine["counts"]["recovered"] == 1
    recovered = client.get(
        "/api/v1/parties/UA/registries/outcomes",
        params={"kind": "sought", "outcome": "recovered"},
        headers=ua,
    ).json()
    assert [r["round"] for r in recovered["rows"]] == [1]
    assert recovered["rows"][0]["date"] == "2025-05-23"
    released = client.get(
        "/api/v1/parties/UA/registries/outcomes", params={"outcome": "received"}, headers=ua
    ).json()
    assert released["total"] == 6
    assert client.get(
        "/api/v1/parties/UA/registries/outcomes", params={"outcome": "nonsense"}, headers=ua
    ).status_code in (400, 422)
    page = client.get("/parties/UA/registries/outcomes?outcome=in_tranche").text
    assert 'id="outcomes"' in page
    client.cookies.clear()
    ru = bearer(client, "ru.officer", passwords["ru.officer"])
    theirs = client.get(api, params={"outcome": "did_not_travel"}, headers=ru).json()
    assert [r["reason"] for r in theirs["rows"]] == ["did_not_travel"]
    assert [r["round"] for r in theirs["rows"]] == [2]
    assert [r["next_round"] for r in theirs["rows"]] == ["needs_mediator_confirmation"]
    client.cookies.clear()
    # The mediator (who reads no party registry page) knows its own finding.
    seen = registry_outcomes(Side.RU, RegistryKind.HOLDINGS, Side.MEDIATOR, SqlUnitOfWork(engine))
    assert seen[refusing.person_id].reason == "refuses_repatriation"


def test_category_terms_proposed_on_the_agreement_page_show_as_a_draft_with_their_rules(
    workspace,  # type: ignore[no-untyped-def]
    engine: Engine,
) -> None:
    client, passwords, _events = workspace
    csrf = log_in(client, "med.coordinator", passwords["med.coordinator"])
    example = Path(__file__).parents[2] / "docs" / "examples" / "istanbul-2025-round-2.toml"
    text = example.read_text(encoding="utf-8")
    bad = client.post(
        "/agreement",
        data={"terms_toml": text.replace("max_age = 25", "max_age = 16"), "csrf_token": csrf},
    )
    assert bad.status_code == 422
    assert "contradicts itself: age from 18 to 16" in bad.text
    assert len(rounds(engine)) == 1  # nothing saved
    made = client.post("/agreement", data={"terms_toml": text, "csrf_token": csrf})
    assert made.status_code in (200, 303)
    page = client.get("/agreement").text
    assert 'id="category-terms"' in page
    assert "aged_18_25" in page
    assert 'id="agreement-draft"' in page
    assert "Istanbul-1 2025" in client.get("/dashboard").text.split("</h1>")[0]
