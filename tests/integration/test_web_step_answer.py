"""A confirmation at the desk answers what changed, not the whole card, and its access
decision is kept with the step: committed in the step's transaction when the step holds,
committed on its own when the step is refused or rolled back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select

from homeward.adapters.tables_exchange import handovers
from homeward.adapters.tables_web import access_log
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.planning.terms_file import parse_terms_toml
from homeward.scenario import generate_scenario, write_scenario
from homeward.services import crossing
from homeward.services.access import Principal, Role, SqlAccessLog
from homeward.services.agreement import propose_terms
from homeward.services.events import JSONValue, MemoryEventSink
from homeward.services.exchange import SignAgreement, sign_agreement
from homeward.services.handover import Step
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.web.testing import bearer, make_app

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

WALK = ("check_in", "confirm_identity", "confirm_free_will", "release")


def _plan(engine: Engine, tmp_path: Path) -> list:
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
        return list(conn.execute(select(handovers).order_by(handovers.c.id)).all())


@pytest.fixture
def desk(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str], list]]:
    rows = _plan(engine, tmp_path)
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app) as client:
        yield client, passwords, rows


def _decisions(engine: Engine, handover_id: int) -> list[tuple[str, bool]]:
    """The logged write decisions on one handover, oldest first: (username, allowed)."""
    with engine.connect() as conn:
        return [
            (r.username, bool(r.allowed))
            for r in conn.execute(
                select(access_log.c.username, access_log.c.allowed)
                .where(
                    access_log.c.resource_id == str(handover_id),
                    access_log.c.action == "write",
                )
                .order_by(access_log.c.id)
            )
        ]


def _state(engine: Engine, handover_id: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(handovers.c.state).where(handovers.c.id == handover_id)).scalar()
        )


def test_a_confirmation_answers_the_state_before_and_after_and_the_next_step_of_the_caller(
    desk,
) -> None:
    client, passwords, rows = desk
    person = next(r for r in rows if r.from_party == "RU")  # comes home to Ukraine
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    answers = [
        client.post(
            f"/api/v1/handovers/{person.id}/steps", json={"step": step}, headers=verifier
        ).json()
        for step in WALK
    ]
    assert answers[0] == {
        "id": person.id,
        "step": "check_in",
        "previous": "planned",
        "state": "checked_in",
        "next_step": "confirm_identity",
    }
    assert [(a["previous"], a["state"]) for a in answers[1:]] == [
        ("checked_in", "identity_confirmed"),
        ("identity_confirmed", "free_will_confirmed"),
        ("free_will_confirmed", "released"),
    ]
    assert answers[-1]["next_step"] is None  # receipt is the receiving officer's, not hers
    ua_officer = bearer(client, "ua.officer", passwords["ua.officer"])
    received = client.post(
        f"/api/v1/handovers/{person.id}/steps", json={"step": "receive"}, headers=ua_officer
    ).json()
    assert (received["previous"], received["state"], received["next_step"]) == (
        "released",
        "received",
        None,
    )


def test_a_confirmation_asked_with_card_true_answers_the_whole_handover(desk) -> None:
    client, passwords, rows = desk
    person = rows[0]
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    answer = client.post(
        f"/api/v1/handovers/{person.id}/steps?card=true",
        json={"step": "check_in"},
        headers=verifier,
    )
    assert answer.status_code == 200
    card = answer.json()
    assert card["code"] == person.checkin_code
    assert card["from_party"] == person.from_party
    assert card["state"] == "checked_in"
    assert card["next_step"] == "confirm_identity"
    assert "previous" not in card


def test_allowed_refused_and_conflicting_confirmations_each_leave_their_decision_in_the_log(
    desk, engine: Engine
) -> None:
    client, passwords, rows = desk
    person = next(r for r in rows if r.from_party == "RU")
    verifier = bearer(client, "med.verifier", passwords["med.verifier"])
    ua_officer = bearer(client, "ua.officer", passwords["ua.officer"])
    url = f"/api/v1/handovers/{person.id}/steps"

    assert client.post(url, json={"step": "check_in"}, headers=ua_officer).status_code == 403
    assert _decisions(engine, person.id) == [("ua.officer", False)]
    assert _state(engine, person.id) == "planned"

    assert client.post(url, json={"step": "check_in"}, headers=verifier).status_code == 200
    assert _decisions(engine, person.id)[-1] == ("med.verifier", True)

    # Allowed by the policy, refused by the state: the step rolls back, its decision stays.
    assert client.post(url, json={"step": "check_in"}, headers=verifier).status_code == 409
    assert _decisions(engine, person.id) == [
        ("ua.officer", False),
        ("med.verifier", True),
        ("med.verifier", True),
    ]
    assert _state(engine, person.id) == "checked_in"


class _LedgerDown(MemoryEventSink):
    """A ledger that fails when the step's event is appended, after the step wrote."""

    def append(self, conn: Connection, kind: str, payload: dict[str, JSONValue]) -> int:
        raise RuntimeError("the ledger is unavailable")


def test_a_step_whose_ledger_event_fails_is_undone_but_its_access_decision_is_kept(
    engine: Engine, tmp_path: Path
) -> None:
    person = _plan(engine, tmp_path)[0]
    verifier = Principal(1, "med.verifier", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    down = crossing.Desk(engine, _LedgerDown(), SqlAccessLog(engine))
    with pytest.raises(RuntimeError, match="ledger"):
        crossing.confirm_step(down, verifier, person.id, Step.CHECK_IN)
    assert _state(engine, person.id) == "planned"  # no step without its ledger event
    assert _decisions(engine, person.id) == [("med.verifier", True)]

    up = crossing.Desk(engine, MemoryEventSink(), SqlAccessLog(engine))
    taken = crossing.confirm_step(up, verifier, person.id, Step.CHECK_IN)
    assert (taken.previous, taken.state) == ("planned", "checked_in")
    assert _state(engine, person.id) == "checked_in"
    assert _decisions(engine, person.id) == [("med.verifier", True), ("med.verifier", True)]
