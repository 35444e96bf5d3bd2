"""``homeward demo --programme``: the three 2025 Istanbul rounds on synthetic people.

Round 1 is today's demo (1,000 for 1,000: 390, 307, 303). Round 2 is the category
agreement of 2 June: all for all, both sides, for the seriously wounded and ill and for
prisoners aged 18-25, in stages until nobody eligible is left. Round 3 is 1,200 for
1,200. Between rounds the carry-over keeps out whoever an earlier round released, found
dead, held for proceedings or withdrew on the mediator's finding; people not found are
carried over, flagged. Writes summary.json (``rounds`` and ``cumulative``), bulletin.json,
report.html, report.pdf and the exported log.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.cosigner_dir import DEMO_COSIGNER_PASSPHRASE, CosignerDir
from homeward.adapters.report_pdf import programme_report_pdf
from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, Category, Health, RegistryKind, Side
from homeward.ledger.note import Signer, sign_note
from homeward.matching.engine import Matcher
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.categories import CategoryAgreement, CategoryRule
from homeward.planning.istanbul import BORDER, istanbul_2025_terms
from homeward.planning.model import CrossingPoint, Parity, PriorityGroup, Terms, TrancheTerms
from homeward.planning.planner import plan_exchange
from homeward.reports.programme import render_programme_report
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.access import SqlAccessLog
from homeward.services.agreement import export_signatures, terms_note_text, upload_signature
from homeward.services.carry_over import excluded_ids
from homeward.services.category_round import (
    plan_category_round,
    propose_category_terms,
    record_stage_exception,
)
from homeward.services.crossing import Desk, decide_proposal, record_exception
from homeward.services.demo import (
    DEMO_VERIFIER,
    MEDIATOR_ACTOR,
    DemoResult,
    _load_registries,
    _publish,
    _run_day,
    _take_ready,
)
from homeward.services.events import EventSink
from homeward.services.exchange import (
    ProposeTerms,
    SignAgreement,
    SubmitList,
    create_agreement,
    sign_agreement,
    submit_list,
)
from homeward.services.handover import Step, save_plan
from homeward.services.list_matching import run_matching
from homeward.services.match_model import ensure_workspace_model
from homeward.services.planning_bridge import acknowledged_candidates, plan_to_tranches
from homeward.services.programme import programme_bulletin, programme_summary
from homeward.services.registry import ImportPersonFile, import_person_file

ROUND_2_DATE = dt.date(2025, 6, 2)
# Per category stage: (side, step before which it happens, exception). No parity to keep
# in an all-for-all stage, so nobody is held back for a failure.
STAGE_EXCEPTIONS: dict[int, list[tuple[Side, Step, HandoverException]]] = {
    1: [
        (Side.RU, Step.CONFIRM_FREE_WILL, HandoverException.REFUSES_REPATRIATION),
        (Side.UA, Step.CHECK_IN, HandoverException.NOT_FOUND),
    ],
    2: [(Side.RU, Step.CHECK_IN, HandoverException.HELD_FOR_PROCEEDINGS)],
    3: [(Side.RU, Step.CHECK_IN, HandoverException.DECEASED)],
}
ROUND_3_EXCEPTIONS: dict[int, list[tuple[Side, Step, HandoverException]]] = {
    1: [
        (Side.UA, Step.CONFIRM_IDENTITY, HandoverException.IDENTITY_MISMATCH),
        (Side.RU, Step.CHECK_IN, HandoverException.NOT_FOUND),
    ],
    2: [(Side.RU, Step.CONFIRM_FREE_WILL, HandoverException.UNFIT_TO_TRAVEL)],
}


def round_2_terms() -> CategoryAgreement:
    """Istanbul-2: all for all for the seriously wounded and ill and for those 18-25."""
    return CategoryAgreement(
        name="Istanbul-2 2025: all for all, seriously wounded and ill, aged 18-25",
        rules=(
            CategoryRule("seriously_wounded_or_ill", health=frozenset({Health.SERIOUSLY_ILL})),
            CategoryRule(
                "aged_18_25",
                min_age=18,
                max_age=25,
                age_on=ROUND_2_DATE,
                category=Category.MILITARY,
            ),
        ),
        first_stage=dt.date(2025, 6, 9),
        stage_capacity=40,
        days_between_stages=5,
        crossing=BORDER,
    )


def round_3_terms() -> Terms:
    """Istanbul-3 (23 July 2025): 1,200 more prisoners of war each, in three tranches."""
    return Terms(
        name="Istanbul-3 2025: 1200 for 1200",
        total_per_side=1200,
        parity=Parity.PER_TRANCHE_AND_CATEGORY,
        priority_groups=(PriorityGroup.HELD_SINCE_2014, PriorityGroup.WOMEN),
        reserve_size=40,
        crossing_points=(CrossingPoint(name=BORDER, daily_capacity=500),),
        tranches=(
            TrancheTerms(
                "day-1", dt.date(2025, 8, 14), BORDER, total=400, military=400, civilian=0
            ),
            TrancheTerms(
                "day-2", dt.date(2025, 8, 24), BORDER, total=400, military=400, civilian=0
            ),
            TrancheTerms(
                "day-3", dt.date(2025, 10, 2), BORDER, total=400, military=400, civilian=0
            ),
        ),
    )


def run_programme(
    seed: int,
    out_dir: Path,
    engine: Engine,
    events: EventSink,
    mediator: Signer,
    parties: dict[Side, CosignerDir],
    origin: str,
    model_path: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
    code_key: bytes | None = None,
) -> DemoResult:
    """Run the three rounds into ``engine`` (an empty, migrated workspace database).

    As in the one-round demo, each party signs the terms with its own key and cosigns every
    checkpoint from its own cosigner (``parties``), over HTTP."""
    rng = random.Random(seed)
    say("generating the istanbul-2025-programme scenario (synthetic people)")
    scenario = generate_scenario("istanbul-2025-programme", seed)
    paths = write_scenario(scenario, out_dir / "scenario")
    for key, party, kind in [
        ("ua_holdings", Side.UA, RegistryKind.HOLDINGS),
        ("ru_holdings", Side.RU, RegistryKind.HOLDINGS),
        ("ua_sought", Side.UA, RegistryKind.SOUGHT),
        ("ru_sought", Side.RU, RegistryKind.SOUGHT),
    ]:
        result = import_person_file(
            ImportPersonFile(party, kind, paths[key]), SqlUnitOfWork(engine)
        )
        say(f"imported {paths[key].name}: {result.summary()}")
    registry = _load_registries(engine)
    for side in BELLIGERENTS:
        sought_ids = [pid for pid, _ in registry[(side, RegistryKind.SOUGHT)]]
        held_ids = [pid for pid, _ in registry[(side, RegistryKind.HOLDINGS)]]
        for recipient in (side.other, Side.MEDIATOR):
            submit_list(
                SubmitList(side, ListKind.SOUGHT, recipient, sought_ids),
                SqlUnitOfWork(engine, events),
            )
            submit_list(
                SubmitList(side, ListKind.HOLDINGS_ACK, recipient, held_ids),
                SqlUnitOfWork(engine, events),
            )
    if model_path is not None:  # trained here, at demo time: matching only loads it
        ensure_workspace_model(engine, Matcher(model_path))
    run_matching(engine, events, model_path)
    say("lists matched")

    # Round 1: today's demo.
    terms_1 = istanbul_2025_terms()
    terms_1 = replace(terms_1, name="Istanbul-1 2025: 1000 for 1000")
    first = _signed(engine, events, parties, terms_1.name, terms_to_canonical(terms_1))
    _plan_n_for_n(engine, events, first, terms_1, code_key)
    _publish(engine, mediator, origin)
    for tranche_id, day in _days(engine, first):
        _run_day(engine, events, tranche_id, day, rng, code_key)
        _publish(engine, mediator, origin)
    say("round 1 carried out")

    # Round 2: category agreement, in stages.
    terms_2 = round_2_terms()
    second = propose_category_terms(engine, events, terms_2)
    _sign(engine, events, parties, second)
    plan_category_round(engine, events, second)
    for tranche_id, day in _days(engine, second):
        _run_tranche(
            engine, events, tranche_id, STAGE_EXCEPTIONS.get(day, []), rng, False, code_key
        )
        _publish(engine, mediator, origin)
    say(f"round 2 carried out in {len(_days(engine, second))} stages")

    # Round 3: 1,200 for 1,200.
    terms_3 = round_3_terms()
    third = _signed(engine, events, parties, terms_3.name, terms_to_canonical(terms_3))
    _plan_n_for_n(engine, events, third, terms_3, code_key)
    for tranche_id, day in _days(engine, third):
        _run_tranche(
            engine, events, tranche_id, ROUND_3_EXCEPTIONS.get(day, []), rng, True, code_key
        )
        _publish(engine, mediator, origin)
    say("round 3 carried out")

    full = programme_summary(engine, Side.MEDIATOR)
    summary = {
        "rounds": [
            {k: r[k] for k in ("round", "name", "agreement", "tranches", "totals", "exceptions")}
            for r in full["rounds"]
        ],
        "cumulative": {
            "released_by": full["cumulative"]["released_by"],
            "sought_recovered": full["cumulative"]["sought_recovered"],
        },
    }
    _write_json(out_dir / "summary.json", summary)
    _write_json(
        out_dir / "bulletin.json", programme_bulletin(engine, dt.datetime.now(dt.UTC).date())
    )
    public = programme_summary(engine, Side.UA) | {"title": "Istanbul 2025: the exchange programme"}
    (out_dir / "report.html").write_text(
        render_programme_report(public, lambda s: s), encoding="utf-8"
    )
    (out_dir / "report.pdf").write_bytes(programme_report_pdf(public, lambda s: s))
    from homeward.services.ledger import export

    keys = [mediator.verifier, *(p.verifier() for p in parties.values())]
    with engine.connect() as conn:
        entries = export(conn, out_dir / "ledger", keys)
    export_signatures(engine, out_dir / "ledger")
    return DemoResult(summary, out_dir, entries)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _signed(
    engine: Engine,
    events: EventSink,
    parties: dict[Side, CosignerDir],
    name: str,
    terms: dict[str, Any],
) -> int:
    agreement = create_agreement(ProposeTerms(name, terms), SqlUnitOfWork(engine, events))
    _sign(engine, events, parties, agreement)
    return agreement


def _sign(
    engine: Engine, events: EventSink, parties: dict[Side, CosignerDir], agreement: int
) -> None:
    """Each party signs the terms offline with its own key; then the mediator signs."""
    text = terms_note_text(engine, agreement)
    for side in BELLIGERENTS:
        key = parties[side].note_signer(DEMO_COSIGNER_PASSPHRASE)
        upload_signature(engine, events, agreement, side, sign_note(text, [key]))
    sign_agreement(SignAgreement(agreement, Side.MEDIATOR), SqlUnitOfWork(engine, events))


def _plan_n_for_n(
    engine: Engine, events: EventSink, agreement: int, terms: Terms, code_key: bytes | None
) -> None:
    with engine.connect() as conn:
        kept_out = excluded_ids(conn)
        candidates = [c for c in acknowledged_candidates(conn) if int(c.person_id) not in kept_out]
    plan = plan_exchange(terms, candidates)
    planned, reserve = plan_to_tranches(plan)
    save_plan(agreement, planned, reserve, engine, events, code_key)
    for side in BELLIGERENTS:
        offered = [int(p.person_id) for t in plan.tranches for p in t.sides[side.value]]
        submit_list(
            SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered),
            SqlUnitOfWork(engine, events),
        )


def _days(engine: Engine, agreement: int) -> list[tuple[int, int]]:
    with engine.connect() as conn:
        return [
            (int(r.id), int(r.day))
            for r in conn.execute(
                select(tranches.c.id, tranches.c.day)
                .where(tranches.c.agreement_id == agreement)
                .order_by(tranches.c.day)
            )
        ]


_BEFORE = {
    Step.CHECK_IN: HandoverState.PLANNED,
    Step.CONFIRM_IDENTITY: HandoverState.CHECKED_IN,
    Step.CONFIRM_FREE_WILL: HandoverState.IDENTITY_CONFIRMED,
    Step.RELEASE: HandoverState.FREE_WILL_CONFIRMED,
    Step.RECEIVE: HandoverState.RELEASED,
}


def _pending(engine: Engine, tranche_id: int, state: HandoverState) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (int(r.id), str(r.from_party))
            for r in conn.execute(
                select(handovers.c.id, handovers.c.from_party)
                .where(handovers.c.tranche_id == tranche_id, handovers.c.state == state.value)
                .order_by(handovers.c.id)
            )
        ]


def _run_tranche(
    engine: Engine,
    events: EventSink,
    tranche_id: int,
    planned: list[tuple[Side, Step, HandoverException]],
    rng: random.Random,
    keep_parity: bool,
    code_key: bytes | None = None,
) -> None:
    """Everyone through each step; exceptions strike before their step. With parity to
    keep, the mediator accepts the rebalancing proposal (a substitute or a hold-back)."""
    for walk in range(2 if keep_parity else 1):  # the second walk takes substitutes through
        for step in Step:
            ready = _pending(engine, tranche_id, _BEFORE[step])
            for side, at_step, exception in planned if walk == 0 else []:
                pool = [hid for hid, party in ready if party == side.value]
                if at_step is not step or not pool:
                    continue
                victim = pool[rng.randrange(len(pool))]
                ready = [(h, p) for h, p in ready if h != victim]
                if keep_parity:
                    desk = Desk(engine, events, SqlAccessLog(engine), code_key)
                    card = record_exception(desk, DEMO_VERIFIER, victim, exception)
                    for proposal in card.proposals:
                        if proposal.handover_id == victim:
                            decide_proposal(desk, DEMO_VERIFIER, proposal.id, accept=True)
                    ready = [(h, p) for h, p in ready if (h, p) in _still(engine, tranche_id, step)]
                else:
                    record_stage_exception(victim, exception, engine, events, actor=MEDIATOR_ACTOR)
            _take_ready(engine, events, ready, step)


def _still(engine: Engine, tranche_id: int, step: Step) -> list[tuple[int, str]]:
    """Handovers still waiting for ``step`` (a hold-back may have withdrawn some)."""
    return _pending(engine, tranche_id, _BEFORE[step])
