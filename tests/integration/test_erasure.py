"""Erasing a person: data and key gone, the log still verifies and no longer links them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, insert, select
from tests.factories import import_rows, person_rows

from homeward.adapters.tables_exchange import interview_notes
from homeward.adapters.tables_matching import match_candidates
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import Category, RegistryKind, Side
from homeward.services import ledger
from homeward.services.erasure import ERASED, erase_person
from homeward.services.exchange import ProposeTerms, SignAgreement, create_agreement, sign_agreement
from homeward.services.handover import PlannedTranche, Step, advance, save_plan
from homeward.services.ledger_events import LedgerEventSink, canonical_person
from homeward.services.lists import SubmitRegistry


def test_an_erased_person_cannot_be_linked_to_the_log_which_still_verifies(
    engine: Engine, tmp_path: Path
) -> None:
    import datetime as dt

    rows = person_rows("RUH", 2, seed=11, military_share=1.0)
    import_rows(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, rows)
    with engine.connect() as conn:
        first, second = conn.execute(select(persons.c.id).order_by(persons.c.id)).scalars()
    events = LedgerEventSink()
    agreement = create_agreement(
        ProposeTerms("test", {"total_per_side": 1}), SqlUnitOfWork(engine, events)
    )
    for party in Side:
        sign_agreement(SignAgreement(agreement, party), SqlUnitOfWork(engine, events))
    tranche = PlannedTranche(1, dt.date(2025, 5, 23), "x", {Side.RU: [(first, Category.MILITARY)]})
    save_plan(agreement, [tranche], [], engine, events)
    for step in (Step.CHECK_IN, Step.CONFIRM_IDENTITY, Step.CONFIRM_FREE_WILL):
        advance(1, step, engine, events, actor="v", interview_note="private words")
    with engine.connect() as conn:
        record = canonical_person(conn, first)
        commitment = ledger.recompute_commitment(conn, first, record)
        entries = [ledger.leaf_payload(conn, i) for i in range(ledger.audit(conn))]
    assert commitment is not None
    assert commitment in repr(entries)

    with engine.begin() as conn:  # a duplicate candidate naming the person's record id
        conn.execute(
            insert(match_candidates).values(
                run_id="r", party="RU", purpose="duplicate", request_kind="holdings",
                request_id=rows[0]["record_id"], target_party="RU", target_kind="holdings",
                record_id=rows[1]["record_id"], probability=0.9, match_weight=3.0,
                decision="review", field_weights="{}", flags="", status="open",
                created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip

    done = erase_person(first, engine, events, actor="admin")

    assert done.key_deleted
    assert done.notes_deleted == 1
    with engine.connect() as conn:
        row = conn.execute(select(persons).where(persons.c.id == first)).one()
        assert ledger.recompute_commitment(conn, first, record) is None
        assert ledger.audit(conn) == len(entries) + 1  # the log verifies, one entry more
        assert conn.execute(select(interview_notes)).first() is None
        other = conn.execute(select(persons).where(persons.c.id == second)).one()
    assert (row.surname, row.given_name, row.date_of_birth) == (ERASED, ERASED, None)
    assert row.record_id == f"erased-{first}"
    assert rows[0]["surname"] not in repr(row)
    assert other.surname == rows[1]["surname"]
    with engine.connect() as conn:
        pair = conn.execute(
            select(match_candidates.c.request_id, match_candidates.c.record_id)
        ).one()
    assert tuple(pair) == (f"erased-{first}", rows[1]["record_id"])


def test_erasure_blanks_the_person_on_every_submitted_list_and_drops_outcome_salts(
    engine: Engine, tmp_path: Path
) -> None:
    import datetime as dt

    from homeward.adapters.tables_disclosure import outcome_salts
    from homeward.adapters.tables_exchange import exchange_list_items, handovers
    from homeward.domain.handover import HandoverException
    from homeward.domain.lists import ListKind
    from homeward.services.access import MemoryAccessLog, Principal, Role
    from homeward.services.crossing import Desk, record_exception
    from homeward.services.disclosure import open_outcome
    from homeward.services.lists import submit_registry

    rows = person_rows("RUH", 2, seed=12, military_share=1.0)
    import_rows(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, rows)
    ua_rows = person_rows("UAH", 1, seed=13, military_share=1.0)
    import_rows(engine, tmp_path, Side.UA, RegistryKind.HOLDINGS, ua_rows)
    events = LedgerEventSink()
    submit_registry(SubmitRegistry(Side.RU, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events))
    with engine.connect() as conn:
        first = (
            conn.execute(select(persons.c.id).where(persons.c.party == "RU").order_by(persons.c.id))
            .scalars()
            .first()
        )
        counterpart = conn.execute(select(persons.c.id).where(persons.c.party == "UA")).scalar()
    assert first is not None
    assert counterpart is not None
    agreement = create_agreement(
        ProposeTerms("test", {"total_per_side": 1}), SqlUnitOfWork(engine, events)
    )
    for party in Side:
        sign_agreement(SignAgreement(agreement, party), SqlUnitOfWork(engine, events))
    people = {Side.RU: [(first, Category.MILITARY)], Side.UA: [(counterpart, Category.MILITARY)]}
    save_plan(agreement, [PlannedTranche(1, dt.date(2025, 5, 23), "x", people)], [], engine, events)
    with engine.connect() as conn:
        failing = conn.execute(
            select(handovers.c.id).where(handovers.c.person_id == first)
        ).scalar()
    assert failing is not None
    verifier = Principal(0, "med.field", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
    desk = Desk(engine, events, MemoryAccessLog())
    record_exception(desk, verifier, failing, HandoverException.REFUSES_REPATRIATION)
    with engine.connect() as conn:
        assert open_outcome(conn, failing) is not None
        before = list(conn.execute(select(exchange_list_items.c.record)).scalars())
    assert sum(rows[0]["surname"] in r for r in before) == 2  # to RU's other side and MED

    erase_person(first, engine, events, actor="admin")

    with engine.connect() as conn:
        after = list(conn.execute(select(exchange_list_items.c.record)).scalars())
        assert conn.execute(select(outcome_salts)).first() is None
    assert not any(rows[0]["surname"] in r for r in after)
    assert sum(ERASED in r for r in after) == 2
