"""Rounds: many agreements in one workspace, a draft never replacing an agreed round, a
round refused while the previous one is open, and what earlier rounds carry over."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.factories import import_rows, person_rows, record_exception

from homeward.adapters.tables_exchange import handovers
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.carry_over import Clearance
from homeward.domain.handover import HandoverException
from homeward.domain.lists import ListKind
from homeward.domain.rounds import RoundStatus
from homeward.domain.values import Category, RegistryKind, Side
from homeward.planning.categories import CategoryAgreement, CategoryRule, CategoryTermsError
from homeward.services.agreement import eligibility
from homeward.services.carry_over import flags, record_clearance, still_owed
from homeward.services.category_round import propose_category_terms
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    NotAllowed,
    ProposeTerms,
    SignAgreement,
    SubmitList,
    create_agreement,
    sign_agreement,
    submit_list,
)
from homeward.services.handover import PlannedTranche, Step, advance, save_plan
from homeward.services.planning_bridge import plan_agreement
from homeward.services.rounds import NoSuchRound, chosen_round, rounds

MEDIATOR = "mediator-1"


def people(engine: Engine, party: Side) -> list[tuple[int, Category]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons.c.id)
            .where(persons.c.party == party.value, persons.c.kind == "holdings")
            .order_by(persons.c.id)
        ).all()
    return [(r.id, Category.MILITARY) for r in rows]


def signed_round(engine: Engine, events: MemoryEventSink, name: str) -> int:
    agreement = create_agreement(
        ProposeTerms(name, {"total_per_side": 2}), SqlUnitOfWork(engine, events)
    )
    for party in Side:
        sign_agreement(SignAgreement(agreement, party), SqlUnitOfWork(engine, events))
    return agreement


def run_through(engine: Engine, events: MemoryEventSink, agreement: int) -> None:
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(handovers.c.id)
                .where(handovers.c.state == "planned")
                .order_by(handovers.c.id)
            ).scalars()
        )
    for hid in ids:
        for step in Step:
            advance(hid, step, engine, events, actor=MEDIATOR)


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> tuple[Engine, MemoryEventSink]:
    for party, prefix, seed in ((Side.UA, "UAH", 1), (Side.RU, "RUH", 2)):
        rows = person_rows(prefix, 8, seed=seed, military_share=1.0)
        import_rows(engine, tmp_path, party, RegistryKind.HOLDINGS, rows)
    return engine, MemoryEventSink()


def plan_one(engine: Engine, events: MemoryEventSink, agreement: int, ua: list, ru: list) -> None:
    tranche = PlannedTranche(1, dt.date(2025, 5, 23), "border", {Side.UA: ua, Side.RU: ru})
    save_plan(agreement, [tranche], [], engine, events)


def test_a_draft_never_replaces_the_agreed_round_shown_by_default(workspace) -> None:  # type: ignore[no-untyped-def]
    engine, events = workspace
    first = signed_round(engine, events, "Istanbul-1 2025")
    ua, ru = people(engine, Side.UA), people(engine, Side.RU)
    plan_one(engine, events, first, ua[:2], ru[:2])
    run_through(engine, events, first)
    create_agreement(
        ProposeTerms("Istanbul-2 2025", {"total_per_side": 2}), SqlUnitOfWork(engine, events)
    )
    all_rounds = rounds(engine)
    assert [(r.number, r.name, r.status) for r in all_rounds] == [
        (1, "Istanbul-1 2025", RoundStatus.COMPLETED),
        (2, "Istanbul-2 2025", RoundStatus.DRAFT),
    ]
    shown = chosen_round(engine)
    assert shown is not None
    assert shown.number == 1
    draft = chosen_round(engine, 2)
    assert draft is not None
    assert draft.status is RoundStatus.DRAFT
    with pytest.raises(NoSuchRound, match="no round 3"):
        chosen_round(engine, 3)


def test_a_round_is_refused_while_the_previous_one_has_open_tranches(workspace) -> None:  # type: ignore[no-untyped-def]
    engine, events = workspace
    first = signed_round(engine, events, "Istanbul-1 2025")
    ua, ru = people(engine, Side.UA), people(engine, Side.RU)
    plan_one(engine, events, first, ua[:2], ru[:2])
    second = signed_round(engine, events, "Istanbul-2 2025")
    with pytest.raises(NotAllowed, match=r"round 1 \(Istanbul-1 2025\) still has open tranches"):
        plan_one(engine, events, second, ua[2:4], ru[2:4])
    assert rounds(engine)[1].status is RoundStatus.SIGNED  # nothing half-saved
    run_through(engine, events, first)
    plan_one(engine, events, second, ua[2:4], ru[2:4])
    assert rounds(engine)[1].status is RoundStatus.PLANNED
    assert chosen_round(engine).number == 2  # type: ignore[union-attr]


def test_a_release_offer_naming_someone_released_already_is_refused_whole(workspace) -> None:  # type: ignore[no-untyped-def]
    engine, events = workspace
    first = signed_round(engine, events, "Istanbul-1 2025")
    ua, ru = people(engine, Side.UA), people(engine, Side.RU)
    plan_one(engine, events, first, ua[:2], ru[:2])
    run_through(engine, events, first)
    with engine.connect() as conn:
        surname = conn.execute(select(persons.c.surname).where(persons.c.id == ua[0][0])).scalar()
    before = len(events.kinds())
    offer = SubmitList(Side.UA, ListKind.RELEASE_OFFER, Side.RU, [ua[0][0], ua[5][0]])
    with pytest.raises(NotAllowed, match=rf"{surname}.*already released.*round 1"):
        submit_list(offer, SqlUnitOfWork(engine, events))
    assert len(events.kinds()) == before
    second = signed_round(engine, events, "Istanbul-2 2025")
    with pytest.raises(NotAllowed, match="already released in an earlier exchange"):
        plan_one(engine, events, second, [ua[0], ua[5]], ru[2:4])


def test_the_dead_the_held_and_the_mediators_findings_are_kept_out_of_the_next_round(
    workspace,  # type: ignore[no-untyped-def]
) -> None:
    engine, events = workspace
    first = signed_round(engine, events, "Istanbul-1 2025")
    ua, ru = people(engine, Side.UA), people(engine, Side.RU)
    plan_one(engine, events, first, ua[:4], ru[:4])
    with engine.connect() as conn:
        hid = {
            r.person_id: r.id for r in conn.execute(select(handovers.c.id, handovers.c.person_id))
        }
    outcomes = {
        ru[0][0]: HandoverException.REFUSES_REPATRIATION,
        ru[1][0]: HandoverException.DECEASED,
        ru[2][0]: HandoverException.HELD_FOR_PROCEEDINGS,
        ru[3][0]: HandoverException.NOT_FOUND,
    }
    for person_id, exception in outcomes.items():
        record_exception(hid[person_id], exception, engine, events, actor=MEDIATOR)
    with engine.connect() as conn:
        for_ua = flags(conn, Side.UA)
        for_mediator = flags(conn, Side.MEDIATOR)
    assert for_mediator[ru[0][0]].outcome == "refuses_repatriation"
    assert for_ua[ru[0][0]].outcome == "did_not_travel"
    assert "refus" not in for_ua[ru[0][0]].why
    assert [for_ua[p].excluded for p, _ in ru[:4]] == [True, True, True, False]
    assert "remains track" in for_ua[ru[1][0]].why
    assert "holding party's statement" in for_ua[ru[2][0]].why
    run_through(engine, events, first)
    held = [pid for pid, _ in ru]
    submit_list(
        SubmitList(Side.RU, ListKind.HOLDINGS_ACK, Side.UA, held), SqlUnitOfWork(engine, events)
    )
    owed = still_owed(engine, Side.UA)["UA"]
    assert owed["still_held"] == 8  # none of the four RU listed travelled
    assert owed["excluded"] == sorted(held[:3])
    assert set(owed["flagged"]) == set(held[:4])
    second = signed_round(engine, events, "Istanbul-2 2025")
    for kept_out in ru[:3]:
        with pytest.raises(NotAllowed, match="keeps out"):
            plan_one(engine, events, second, ua[4:5], [kept_out])
    plan_one(engine, events, second, ua[4:5], [ru[3]])  # not found: carried over, flagged


def test_a_recorded_statement_lets_a_kept_out_person_be_planned_again(workspace) -> None:  # type: ignore[no-untyped-def]
    engine, events = workspace
    first = signed_round(engine, events, "Istanbul-1 2025")
    ua, ru = people(engine, Side.UA), people(engine, Side.RU)
    plan_one(engine, events, first, ua[:3], ru[:3])
    with engine.connect() as conn:
        hid = {
            r.person_id: r.id for r in conn.execute(select(handovers.c.id, handovers.c.person_id))
        }
    refused, held, lost = ru[0][0], ru[1][0], ru[2][0]
    record_exception(
        hid[refused], HandoverException.REFUSES_REPATRIATION, engine, events, actor=MEDIATOR
    )
    record_exception(
        hid[held], HandoverException.HELD_FOR_PROCEEDINGS, engine, events, actor=MEDIATOR
    )
    record_exception(hid[lost], HandoverException.NOT_FOUND, engine, events, actor=MEDIATOR)
    run_through(engine, events, first)
    with pytest.raises(NotAllowed, match="only MED may give this statement"):
        record_clearance(
            engine, events, refused, Clearance.MEDIATOR_CONFIRMATION, Side.RU, actor="ru-1"
        )
    with pytest.raises(NotAllowed, match="needs the holding party's statement, not a mediator"):
        record_clearance(
            engine, events, held, Clearance.MEDIATOR_CONFIRMATION, Side.MEDIATOR, actor=MEDIATOR
        )
    with pytest.raises(NotAllowed, match="only RU may give this statement"):
        record_clearance(engine, events, held, Clearance.HOLDER_STATEMENT, Side.UA, actor="ua-1")
    with pytest.raises(NotAllowed, match="nothing to clear"):
        record_clearance(engine, events, lost, Clearance.HOLDER_STATEMENT, Side.RU, actor="ru-1")
    record_clearance(
        engine, events, refused, Clearance.MEDIATOR_CONFIRMATION, Side.MEDIATOR, actor=MEDIATOR
    )
    record_clearance(engine, events, held, Clearance.HOLDER_STATEMENT, Side.RU, actor="ru-1")
    assert events.kinds()[-2:] == ["CarryOverCleared", "CarryOverCleared"]
    with pytest.raises(NotAllowed, match="already cleared"):
        record_clearance(engine, events, held, Clearance.HOLDER_STATEMENT, Side.RU, actor="ru-1")
    second = signed_round(engine, events, "Istanbul-2 2025")
    plan_one(engine, events, second, ua[3:6], ru[:3])
    assert rounds(engine)[1].status is RoundStatus.PLANNED


def test_a_category_round_is_planned_in_stages_and_its_eligibility_names_missing_fields(
    workspace,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    engine, events = workspace
    rows = person_rows("UAY", 3, seed=9, military_share=1.0)
    rows[0]["date_of_birth"] = "2003-03-03"
    rows[1]["date_of_birth"] = ""
    (tmp_path / "young").mkdir()
    import_rows(engine, tmp_path / "young", Side.UA, RegistryKind.HOLDINGS, rows)
    for side in (Side.UA, Side.RU):
        held = [pid for pid, _ in people(engine, side)]
        submit_list(
            SubmitList(side, ListKind.HOLDINGS_ACK, side.other, held), SqlUnitOfWork(engine, events)
        )
    young = CategoryRule("aged_18_25", min_age=18, max_age=25, age_on=dt.date(2025, 6, 2))
    with pytest.raises(CategoryTermsError, match="'aged_18_25' and 'again' overlap entirely"):
        propose_category_terms(
            engine,
            events,
            CategoryAgreement("bad", (young, replace(young, name="again")), dt.date(2025, 6, 9), 1),
        )
    assert rounds(engine) == []  # nothing saved
    terms = CategoryAgreement("Istanbul-2 2025", (young,), dt.date(2025, 6, 9), 1)
    agreement = propose_category_terms(engine, events, terms)
    for party in Side:
        sign_agreement(SignAgreement(agreement, party), SqlUnitOfWork(engine, events))
    view = eligibility(engine, agreement)
    assert view["counts"]["UA"]["aged_18_25"] >= 1
    assert any(
        m == ["aged_18_25: no birth date for the age rule"] for m in view["missing"].values()
    )
    surname = rows[1]["surname"]
    assert any(
        line.startswith(surname) and line.endswith("aged_18_25: no birth date for the age rule")
        for line in view["missing_named"]
    )
    tranche_ids = plan_agreement(engine, MemoryEventSink(), agreement)
    eligible = [view["counts"].get(s, {}).get("aged_18_25", 0) for s in ("UA", "RU")]
    assert len(tranche_ids) == max(eligible)  # one person per side per stage, all for all
