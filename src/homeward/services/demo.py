"""``homeward demo``: replay the Istanbul 2025 exchange end to end on synthetic people.

Generate the scenario, import the four registries, exchange and match lists, agree
1,000 for 1,000, plan three tranches with the CP-SAT planner, hand everyone over with a
few realistic exceptions rebalanced from the reserves, checkpoint the log each day (signed
by the mediator, cosigned by both parties), and write summary.json, report.html and the
exported log.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.db import refresh_statistics
from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.tables_registry import persons
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, RegistryKind, Side
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.istanbul import istanbul_2025_terms
from homeward.planning.planner import plan_exchange
from homeward.reports.html import render_report
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.events import EventSink
from homeward.services.exchange import (
    SubmitList,
    create_agreement,
    sign_agreement,
    submit_list,
)
from homeward.services.handover import Step, advance_all, advance_in, save_plan
from homeward.services.list_matching import link_counts, run_matching
from homeward.services.planning_bridge import acknowledged_candidates, plan_to_tranches
from homeward.services.rebalance import accept_proposal, record_exception
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.services.reports import exchange_summary, public_bulletin
from homeward.services.signing import Signers, checkpoint_and_cosign

MEDIATOR_ACTOR = "mediator-demo"

# (step before which it happens, exception, interview note kept by the mediator)
EXCEPTION_PLAN: dict[int, list[tuple[Side, Step, HandoverException]]] = {
    1: [
        (Side.RU, Step.CONFIRM_FREE_WILL, HandoverException.REFUSES_REPATRIATION),
        (Side.UA, Step.CHECK_IN, HandoverException.NOT_FOUND),
    ],
    2: [
        (Side.RU, Step.CONFIRM_IDENTITY, HandoverException.UNFIT_TO_TRAVEL),
        (Side.UA, Step.CONFIRM_IDENTITY, HandoverException.IDENTITY_MISMATCH),
    ],
    3: [
        (Side.RU, Step.CHECK_IN, HandoverException.DECEASED),
        (Side.UA, Step.CHECK_IN, HandoverException.HELD_FOR_PROCEEDINGS),
    ],
}


@dataclass(frozen=True)
class DemoResult:
    summary: dict[str, Any]
    out_dir: Path
    ledger_entries: int


def run_demo(
    seed: int,
    out_dir: Path,
    engine: Engine,
    events: EventSink,
    signers: Signers,
    origin: str,
    model_path: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Run the whole exchange into ``engine`` (an empty, migrated workspace database)."""
    rng = random.Random(seed)
    say("generating the istanbul-2025 scenario (synthetic people)")
    scenario = generate_scenario("istanbul-2025", seed)
    paths = write_scenario(scenario, out_dir / "scenario")
    for key, party, kind in [
        ("ua_holdings", Side.UA, RegistryKind.HOLDINGS),
        ("ru_holdings", Side.RU, RegistryKind.HOLDINGS),
        ("ua_sought", Side.UA, RegistryKind.SOUGHT),
        ("ru_sought", Side.RU, RegistryKind.SOUGHT),
    ]:
        result = import_person_file(ImportPersonFile(party, kind, paths[key]), engine)
        say(f"imported {paths[key].name}: {result.summary()}")

    registry = _load_registries(engine)
    for side in BELLIGERENTS:
        sought_ids = [pid for pid, _ in registry[(side, RegistryKind.SOUGHT)]]
        held_ids = [pid for pid, _ in registry[(side, RegistryKind.HOLDINGS)]]
        for recipient in (side.other, Side.MEDIATOR):
            submit_list(SubmitList(side, ListKind.SOUGHT, recipient, sought_ids), engine, events)
            submit_list(
                SubmitList(side, ListKind.HOLDINGS_ACK, recipient, held_ids), engine, events
            )
    run_matching(engine, events, model_path)
    for (seeker, purpose), decisions in link_counts(engine).items():
        against = (
            f"{Side(seeker).other.value}'s holdings"
            if purpose == "holdings"
            else "its own missing-person reports (family claims)"
        )
        say(
            f"{seeker}'s sought list against {against}: {decisions.get('match', 0)} matched, "
            f"{decisions.get('review', 0)} for review"
        )

    terms = istanbul_2025_terms()
    agreement_id = create_agreement(terms.name, terms_to_canonical(terms), engine, events)
    for party in Side:
        sign_agreement(agreement_id, party, engine, events)
    with engine.connect() as conn:
        candidates = acknowledged_candidates(conn)
    plan = plan_exchange(terms, candidates)
    say(f"planned {len(plan.tranches)} tranches ({plan.report.status})")
    planned, reserve = plan_to_tranches(plan)
    for side in BELLIGERENTS:
        offered = [int(p.person_id) for t in plan.tranches for p in t.sides[side.value]]
        submit_list(SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered), engine, events)
    save_plan(agreement_id, planned, reserve, engine, events)
    refresh_statistics(engine)
    with engine.begin() as conn:
        checkpoint_and_cosign(conn, signers, origin)

    with engine.connect() as conn:
        days = conn.execute(
            select(tranches.c.id, tranches.c.day)
            .where(tranches.c.agreement_id == agreement_id)
            .order_by(tranches.c.day)
        ).all()
    for tranche_id, day in days:
        _run_day(engine, events, tranche_id, day, rng)
        refresh_statistics(engine)  # a day's handovers, releases and log entries
        with engine.begin() as conn:
            checkpoint_and_cosign(conn, signers, origin)
        say(f"day {day} handed over; checkpoint cosigned by UA and RU")

    summary = exchange_summary(engine, agreement_id)
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "bulletin.json").write_text(
        json.dumps(public_bulletin(summary), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (out_dir / "report.html").write_text(render_report(summary), encoding="utf-8")
    from homeward.services.ledger import export

    with engine.connect() as conn:
        entries = export(conn, out_dir / "ledger", signers.keys)
    return DemoResult(summary, out_dir, entries)


def _load_registries(engine: Engine) -> dict[tuple[Side, RegistryKind], list[tuple[int, Any]]]:
    out: dict[tuple[Side, RegistryKind], list[tuple[int, Any]]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(persons).order_by(persons.c.id)):
            key = (Side(row.party), RegistryKind(row.kind))
            out.setdefault(key, []).append((row.id, row_to_record(row)))
    return out


def _pending(engine: Engine, tranche_id: int, state: HandoverState) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (r.id, r.from_party)
            for r in conn.execute(
                select(handovers.c.id, handovers.c.from_party)
                .where(handovers.c.tranche_id == tranche_id, handovers.c.state == state.value)
                .order_by(handovers.c.id)
            )
        ]


_BEFORE = {
    Step.CHECK_IN: HandoverState.PLANNED,
    Step.CONFIRM_IDENTITY: HandoverState.CHECKED_IN,
    Step.CONFIRM_FREE_WILL: HandoverState.IDENTITY_CONFIRMED,
    Step.RELEASE: HandoverState.FREE_WILL_CONFIRMED,
    Step.RECEIVE: HandoverState.RELEASED,
}


def _run_day(
    engine: Engine, events: EventSink, tranche_id: int, day: int, rng: random.Random
) -> None:
    """Take everyone through each step; exceptions strike before their step; substitutes
    then catch up through every step."""
    planned_exceptions = EXCEPTION_PLAN.get(day, [])
    for _round in range(2):  # the second round walks the substitutes through
        for step in Step:
            ready = _pending(engine, tranche_id, _BEFORE[step])
            for side, at_step, exception in planned_exceptions if _round == 0 else []:
                if at_step is not step:
                    continue
                pool = [hid for hid, party in ready if party == side.value]
                victim = pool[rng.randrange(len(pool))]
                ready = [(h, p) for h, p in ready if h != victim]
                note = None
                if exception is HandoverException.REFUSES_REPATRIATION:
                    note = "In the private interview the person declined to return."
                proposal = record_exception(
                    victim, exception, engine, events, actor=MEDIATOR_ACTOR, interview_note=note
                )
                accept_proposal(proposal, engine, events, actor=MEDIATOR_ACTOR)
            ids = [hid for hid, _ in ready]
            if step is Step.CONFIRM_FREE_WILL:
                with engine.begin() as conn:
                    for hid in ids:
                        advance_in(
                            conn,
                            hid,
                            step,
                            events,
                            actor=MEDIATOR_ACTOR,
                            note="Identity confirmed; wishes to return.",
                        )
            else:
                advance_all(ids, step, engine, events, actor=MEDIATOR_ACTOR)
