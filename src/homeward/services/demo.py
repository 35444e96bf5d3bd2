"""``homeward demo``: replay the Istanbul 2025 exchange end to end on synthetic people.

Generate the scenario, import the four registries, exchange and match lists, agree
1,000 for 1,000, plan three tranches with the CP-SAT planner, hand everyone over with a
few realistic exceptions rebalanced from the reserves, checkpoint the log each day (signed
by the mediator, cosigned over HTTP by both parties' own cosigners), and write summary.json,
report.html and the exported log.

As in reality, each party's key lives only in its own cosigner directory
(``DIR/parties/UA``, ``DIR/parties/RU``): the demo starts both cosigners on loopback ports
for the run (the same server as ``homeward cosigner serve``), registers them as witnesses,
and each party signs the terms with ``homeward cosigner sign``'s code before uploading them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from homeward.adapters.cosigner_dir import DEMO_COSIGNER_PASSPHRASE, CosignerDir, init_cosigner
from homeward.adapters.db import refresh_statistics
from homeward.adapters.registry_repo import row_to_record
from homeward.adapters.tables_exchange import handovers, tranches
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.adapters.witness_http import WitnessServer, make_server
from homeward.catalogues import gettext_in
from homeward.domain.handover import HandoverException, HandoverState
from homeward.domain.lists import ListKind
from homeward.domain.values import BELLIGERENTS, RegistryKind, Side
from homeward.ledger.note import Signer, sign_note
from homeward.matching.engine import Matcher
from homeward.planning.canonical import terms_to_canonical
from homeward.planning.istanbul import istanbul_2025_terms
from homeward.planning.planner import plan_exchange
from homeward.reports.html import render_report
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.access import Principal, Role, SqlAccessLog
from homeward.services.agreement import export_signatures, terms_note_text, upload_signature
from homeward.services.crossing import Desk, decide_proposal, record_exception
from homeward.services.events import EventSink
from homeward.services.exchange import (
    ProposeTerms,
    SignAgreement,
    SubmitList,
    create_agreement,
    sign_agreement,
    submit_list,
)
from homeward.services.handover import Step, advance_all, advance_in, save_plan
from homeward.services.list_matching import link_counts, run_matching
from homeward.services.match_model import ensure_workspace_model
from homeward.services.planning_bridge import acknowledged_candidates, plan_to_tranches
from homeward.services.registry import ImportPersonFile, import_person_file
from homeward.services.reports import exchange_summary, public_bulletin
from homeward.services.witnessing import add_witness, publish

MEDIATOR_ACTOR = "mediator-demo"
DEMO_VERIFIER = Principal(0, MEDIATOR_ACTOR, Side.MEDIATOR, Role.MEDIATOR_VERIFIER)

# Per day: (the side releasing the person, the step at which the exception is recorded
# instead of taking it, the exception). A refusal also gets the mediator's interview note.
EXCEPTION_PLAN: dict[int, list[tuple[Side, Step, HandoverException]]] = {
    1: [
        (Side.RU, Step.CONFIRM_FREE_WILL, HandoverException.REFUSES_REPATRIATION),
        (Side.UA, Step.CHECK_IN, HandoverException.NOT_FOUND),
    ],
    2: [
        # The medical check is part of the interview: in the log an unfit-to-travel ends
        # at the same step as a refusal, so the step does not single a refusal out.
        (Side.RU, Step.CONFIRM_FREE_WILL, HandoverException.UNFIT_TO_TRAVEL),
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
    mediator: Signer,
    parties: dict[Side, CosignerDir],
    origin: str,
    model_path: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
    until: str = "released",
    code_key: bytes | None = None,
) -> DemoResult:
    """Run the whole exchange into ``engine`` (an empty, migrated workspace database).

    ``until="planned"`` stops once the exchange is planned and checkpointed, nobody handed
    over yet: a workspace to train verifiers on.
    """
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
    agreement_id = create_agreement(
        ProposeTerms(terms.name, terms_to_canonical(terms)), SqlUnitOfWork(engine, events)
    )
    terms_text = terms_note_text(engine, agreement_id)
    for side in BELLIGERENTS:  # offline, on each party's machine: `homeward cosigner sign`
        party_key = parties[side].note_signer(DEMO_COSIGNER_PASSPHRASE)
        upload_signature(engine, events, agreement_id, side, sign_note(terms_text, [party_key]))
    sign_agreement(SignAgreement(agreement_id, Side.MEDIATOR), SqlUnitOfWork(engine, events))
    with engine.connect() as conn:
        candidates = acknowledged_candidates(conn)
    plan = plan_exchange(terms, candidates)
    say(f"planned {len(plan.tranches)} tranches ({plan.report.status})")
    planned, reserve = plan_to_tranches(plan)
    for side in BELLIGERENTS:
        offered = [int(p.person_id) for t in plan.tranches for p in t.sides[side.value]]
        submit_list(
            SubmitList(side, ListKind.RELEASE_OFFER, side.other, offered),
            SqlUnitOfWork(engine, events),
        )
    save_plan(agreement_id, planned, reserve, engine, events, code_key)
    refresh_statistics(engine)
    _publish(engine, mediator, origin)
    with engine.connect() as conn:
        days = conn.execute(
            select(tranches.c.id, tranches.c.day)
            .where(tranches.c.agreement_id == agreement_id)
            .order_by(tranches.c.day)
        ).all()
    if until == "planned":
        say("planned and checkpointed; nobody handed over yet (training workspace)")
        days = []
    for tranche_id, day in days:
        _run_day(engine, events, tranche_id, day, rng, code_key)
        refresh_statistics(engine)  # a day's handovers, releases and log entries
        cosigned = _publish(engine, mediator, origin)
        say(f"day {day} handed over; checkpoint cosigned over HTTP by {', '.join(cosigned)}")

    summary = exchange_summary(engine, agreement_id)
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "bulletin.json").write_text(
        json.dumps(public_bulletin(summary), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (out_dir / "report.html").write_text(render_report(summary), encoding="utf-8")
    for language in ("uk", "ru"):  # the same report for readers in Ukrainian and Russian
        (out_dir / f"report.{language}.html").write_text(
            render_report(summary, gettext_in(language), language), encoding="utf-8"
        )
    from homeward.services.ledger import export

    keys = [mediator.verifier, *(p.verifier() for p in parties.values())]
    with engine.connect() as conn:
        entries = export(conn, out_dir / "ledger", keys)
    export_signatures(engine, out_dir / "ledger")
    return DemoResult(summary, out_dir, entries)


def _publish(engine: Engine, mediator: Signer, origin: str) -> tuple[str, ...]:
    result = publish(engine, mediator, origin)
    if not result.published:
        raise RuntimeError(f"demo checkpoint not cosigned: {result.missing}")
    return result.cosigned


@dataclass
class DemoCosigners:
    """Both parties' cosigners, serving on loopback for the length of the demo."""

    dirs: dict[Side, CosignerDir]
    servers: list[WitnessServer]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


def start_demo_cosigners(
    parties_dir: Path, engine: Engine, mediator: Signer, origin: str
) -> DemoCosigners:
    """Create ``parties_dir/UA`` and ``/RU`` as the parties' own cosigner directories (demo
    passphrase), trust the mediator's log, serve them on free loopback ports, register
    them as witnesses."""
    dirs: dict[Side, CosignerDir] = {}
    servers: list[WitnessServer] = []
    for side in BELLIGERENTS:
        folder = parties_dir / side.value
        signer = init_cosigner(folder, side.value, DEMO_COSIGNER_PASSPHRASE, demo=True)
        cosigner = CosignerDir.open(folder)
        cosigner.trust(origin, mediator.verifier)
        server = make_server(cosigner, signer, "127.0.0.1", 0)
        server.start_in_thread()
        servers.append(server)
        dirs[side] = cosigner
        add_witness(engine, side.value, server.url, signer.verifier.text())
    return DemoCosigners(dirs, servers)


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
    engine: Engine,
    events: EventSink,
    tranche_id: int,
    day: int,
    rng: random.Random,
    code_key: bytes | None = None,
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
                desk = Desk(engine, events, SqlAccessLog(engine), code_key)
                card = record_exception(desk, DEMO_VERIFIER, victim, exception, note)
                for proposal in card.proposals:
                    if proposal.handover_id == victim:
                        decide_proposal(desk, DEMO_VERIFIER, proposal.id, accept=True)
            _take_ready(engine, events, ready, step)


def _take_ready(
    engine: Engine, events: EventSink, ready: list[tuple[int, str]], step: Step
) -> None:
    """Take every ready handover through ``step``: receipt by each receiving party's
    officer, the interview with the mediator's note, the rest by the mediator."""
    if step is Step.RECEIVE:  # each receiving party confirms its own receipt
        for side in BELLIGERENTS:
            advance_all(
                [hid for hid, party in ready if party == side.other.value],
                step,
                engine,
                events,
                actor=f"{side.value.lower()}-officer-demo",
            )
    elif step is Step.CONFIRM_FREE_WILL:
        with engine.begin() as conn:
            for hid, _ in ready:
                advance_in(
                    conn,
                    hid,
                    step,
                    events,
                    actor=MEDIATOR_ACTOR,
                    note="Identity confirmed; wishes to return.",
                )
    else:
        advance_all([hid for hid, _ in ready], step, engine, events, actor=MEDIATOR_ACTOR)
