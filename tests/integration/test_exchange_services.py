"""Lists, agreement, tranches, handovers and rebalancing through the service layer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from tests.factories import import_rows, person_rows

from homeward.adapters.tables_exchange import handovers, interview_notes
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException, HandoverState, InvalidTransition
from homeward.domain.lists import ListKind
from homeward.domain.tranche import Remedy
from homeward.domain.values import Category, RegistryKind, Side
from homeward.services.access import MemoryAccessLog, Principal, Role
from homeward.services.crossing import Desk, decide_proposal, record_exception
from homeward.services.events import MemoryEventSink
from homeward.services.exchange import (
    CompareVersions,
    NotAllowed,
    ProposeTerms,
    SignAgreement,
    SubmitList,
    create_agreement,
    list_versions_diff,
    sign_agreement,
    submit_list,
)
from homeward.services.handover import (
    PlannedTranche,
    ReservePerson,
    Step,
    advance,
    find_by_code,
    save_plan,
)
from homeward.services.reports import exchange_summary, public_bulletin

VERIFIER = Principal(1, "verifier-1", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
COORDINATOR = Principal(2, "coordinator", Side.MEDIATOR, Role.MEDIATOR_COORDINATOR)


def ids(engine: Engine, party: Side) -> list[tuple[int, Category]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons.c.id, persons.c.category)
            .where(persons.c.party == party.value, persons.c.kind == "holdings")
            .order_by(persons.c.id)
        ).all()
    return [(r.id, Category(r.category)) for r in rows]


@pytest.fixture
def planned(engine: Engine, tmp_path: Path) -> tuple[Engine, MemoryEventSink, list[int]]:
    import_rows(
        engine,
        tmp_path,
        Side.UA,
        RegistryKind.HOLDINGS,
        person_rows("UAH", 8, seed=1, locale="ru_RU", military_share=1.0),
    )
    import_rows(
        engine,
        tmp_path,
        Side.RU,
        RegistryKind.HOLDINGS,
        person_rows("RUH", 8, seed=2, military_share=1.0),
    )
    events = MemoryEventSink()
    agreement = create_agreement(
        ProposeTerms("test 2 for 2", {"total_per_side": 2}), SqlUnitOfWork(engine, events)
    )
    for party in Side:
        sign_agreement(SignAgreement(agreement, party), SqlUnitOfWork(engine, events))
    ua, ru = ids(engine, Side.UA), ids(engine, Side.RU)
    tranche = PlannedTranche(1, dt.date(2025, 5, 23), "border", {Side.UA: ua[:2], Side.RU: ru[:2]})
    reserve = [ReservePerson(ru[2][0], Side.RU, Category.MILITARY, 1)]
    tranche_ids = save_plan(agreement, [tranche], reserve, engine, events)
    return engine, events, tranche_ids


def handover_ids(engine: Engine, party: Side) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(handovers.c.id)
                .where(handovers.c.from_party == party.value)
                .order_by(handovers.c.position)
            ).scalars()
        )


def complete(engine: Engine, events: MemoryEventSink, handover_id: int) -> None:
    for step in Step:
        advance(handover_id, step, engine, events, actor="verifier-1")


def test_a_list_may_only_name_the_partys_own_registry(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, person_rows("UAS", 3, seed=3))
    import_rows(engine, tmp_path, Side.RU, RegistryKind.SOUGHT, person_rows("RUS", 3, seed=4))
    with engine.connect() as conn:
        ru_ids = list(conn.execute(select(persons.c.id).where(persons.c.party == "RU")).scalars())
    with pytest.raises(NotAllowed, match="not in UA's sought registry"):
        submit_list(
            SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, ru_ids),
            SqlUnitOfWork(engine, MemoryEventSink()),
        )


def test_a_new_list_version_shows_what_it_adds_and_removes(engine: Engine, tmp_path: Path) -> None:
    import_rows(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, person_rows("UAS", 4, seed=3))
    with engine.connect() as conn:
        mine = sorted(conn.execute(select(persons.c.id)).scalars())
    events = MemoryEventSink()
    first = submit_list(
        SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, mine[:3]), SqlUnitOfWork(engine, events)
    )
    second = submit_list(
        SubmitList(Side.UA, ListKind.SOUGHT, Side.RU, mine[1:]), SqlUnitOfWork(engine, events)
    )
    assert (first.version, second.version) == (1, 2)
    diff = list_versions_diff(
        CompareVersions(Side.UA, ListKind.SOUGHT, Side.RU, 1, 2), SqlUnitOfWork(engine)
    )
    assert diff.added == {mine[3]}
    assert diff.removed == {mine[0]}
    assert events.kinds() == ["ListSubmitted", "ListSubmitted"]


def test_a_whole_handover_is_recorded_step_by_step(planned) -> None:  # type: ignore[no-untyped-def]
    engine, events, _ = planned
    first_ru = handover_ids(engine, Side.RU)[0]
    complete(engine, events, first_ru)
    assert events.kinds()[-5:] == [
        "PersonCheckedIn",
        "IdentityConfirmed",
        "FreeWillConfirmed",
        "PersonReleased",
        "PersonReceived",
    ]
    with pytest.raises(InvalidTransition):
        advance(first_ru, Step.RELEASE, engine, events, actor="verifier-1")


def test_a_check_in_code_finds_its_handover(planned) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = planned
    with engine.connect() as conn:
        code, hid = conn.execute(select(handovers.c.checkin_code, handovers.c.id)).first()
    assert find_by_code(engine, f" {code.lower()} ") == hid
    with pytest.raises(KeyError):
        find_by_code(engine, "NOSUCH")


def test_tranche_keeps_parity_when_a_person_refuses_by_taking_a_reserve(planned) -> None:  # type: ignore[no-untyped-def]
    engine, events, _ = planned
    refusing = handover_ids(engine, Side.RU)[1]
    desk = Desk(engine, events, MemoryAccessLog())
    card = record_exception(
        desk, VERIFIER, refusing, HandoverException.REFUSES_REPATRIATION, "does not wish to return"
    )
    [proposal] = card.proposals
    assert proposal.remedy is Remedy.SUBSTITUTE
    substitute = decide_proposal(desk, COORDINATOR, proposal.id, accept=True).card.id
    for hid in [*handover_ids(engine, Side.UA), substitute, handover_ids(engine, Side.RU)[0]]:
        complete(engine, events, hid)
    summary = exchange_summary(engine, 1)
    assert summary["tranches"][0]["released_by"]["RU"] == {"military": 2, "civilian": 0, "total": 2}
    assert summary["totals"]["UA"]["total"] == 2
    [exception] = summary["exceptions"]
    assert exception["exception"] == "refuses_repatriation"
    assert exception["resolution"] == "substitute"
    with engine.connect() as conn:
        assert conn.execute(select(interview_notes.c.note)).scalar() == "does not wish to return"


def test_with_no_reserve_left_the_counterpart_is_held_back(planned) -> None:  # type: ignore[no-untyped-def]
    engine, events, _ = planned
    ua = handover_ids(engine, Side.UA)
    desk = Desk(engine, events, MemoryAccessLog())
    [proposal] = record_exception(desk, VERIFIER, ua[0], HandoverException.DECEASED).proposals
    assert proposal.remedy is Remedy.HOLD_BACK
    held = decide_proposal(desk, COORDINATOR, proposal.id, accept=True).card.id
    with engine.connect() as conn:
        state = conn.execute(select(handovers.c.state).where(handovers.c.id == held)).scalar()
    assert state == HandoverState.WITHDRAWN.value
    assert "CounterpartHeldBack" in events.kinds()


def test_the_public_bulletin_has_no_identifiers_and_hides_small_counts(planned) -> None:  # type: ignore[no-untyped-def]
    engine, events, _ = planned
    complete(engine, events, handover_ids(engine, Side.RU)[0])
    bulletin = public_bulletin(exchange_summary(engine, 1))
    text = repr(bulletin)
    assert "RUH-" not in text
    assert "handover" not in text
    assert bulletin["totals"]["RU"]["military"] == "<5"
    assert bulletin["totals"]["UA"]["total"] == 0


def test_a_check_in_code_already_in_use_is_replaced_by_a_free_one(engine: Engine) -> None:
    from homeward.planning.codes import checkin_code
    from homeward.services.handover import free_code

    key = b"a test workspace secret"
    first = checkin_code("42", "agreement-1", key)
    with engine.connect() as conn:
        taken = {first}
        code = free_code(conn, 1, 42, taken, key)
    assert code != first
    assert len(code) == 6
    assert taken == {first, code}


def test_terms_are_planned_only_once_and_only_when_all_three_signed(engine: Engine) -> None:
    events = MemoryEventSink()
    agreement = create_agreement(
        ProposeTerms("unsigned", {"total_per_side": 0}), SqlUnitOfWork(engine, events)
    )
    sign_agreement(SignAgreement(agreement, Side.UA), SqlUnitOfWork(engine, events))
    empty = PlannedTranche(1, dt.date(2025, 5, 23), "border", {})
    with pytest.raises(NotAllowed, match="not signed by MED, RU"):
        save_plan(agreement, [empty], [], engine, events)
    sign_agreement(SignAgreement(agreement, Side.RU), SqlUnitOfWork(engine, events))
    sign_agreement(SignAgreement(agreement, Side.MEDIATOR), SqlUnitOfWork(engine, events))
    save_plan(agreement, [empty], [], engine, events)
    with pytest.raises(NotAllowed, match="already planned"):
        save_plan(agreement, [empty], [], engine, events)
