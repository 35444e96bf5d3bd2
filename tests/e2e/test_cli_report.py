"""`homeward report` on a workspace the demo did not make: every round, HTML and PDF, in
English, Ukrainian or Russian."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, select
from tests.factories import record_exception
from tests.integration.test_web_rounds import agreed, run_round

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.adapters.tables_exchange import handovers
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.cli import main
from homeward.domain.handover import HandoverException
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.events import MemoryEventSink
from homeward.services.lists import SubmitRegistry, submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file


def two_rounds(engine: Engine, tmp_path: Path) -> None:
    events = MemoryEventSink()
    paths = write_scenario(generate_scenario("small", 3), tmp_path / "scenario")
    for key in ("ua_holdings", "ru_holdings", "ua_sought", "ru_sought"):
        party, kind = key.split("_")
        import_person_file(
            ImportPersonFile(Side(party.upper()), RegistryKind(kind), paths[key]),
            SqlUnitOfWork(engine),
        )
    for side in (Side.UA, Side.RU):
        submit_registry(SubmitRegistry(side, ListKind.HOLDINGS_ACK), SqlUnitOfWork(engine, events))
    for name, total, day in (("Round-A 2025", 6, "2025-05-23"), ("Round-B 2025", 4, "2025-06-10")):
        agreement = agreed(engine, events, name, total, day)
        plan_agreement(engine, events, agreement)
        if name == "Round-B 2025":  # one person RU holds is held back for proceedings
            with engine.connect() as conn:
                held = (
                    conn.execute(
                        select(handovers.c.id)
                        .where(handovers.c.from_party == "RU", handovers.c.state == "planned")
                        .order_by(handovers.c.id)
                    )
                    .scalars()
                    .first()
                )
            assert held is not None
            record_exception(
                held, HandoverException.HELD_FOR_PROCEEDINGS, engine, events, actor="verifier-1"
            )
        run_round(engine, events, agreement)


def test_the_report_is_written_for_a_workspace_the_demo_did_not_make(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)  # a workspace as `homeward db upgrade` makes it
    try:
        two_rounds(engine, tmp_path)
    finally:
        engine.dispose()
    runner = CliRunner(env={"HOMEWARD_DATABASE_URL": db_url})
    out = tmp_path / "report"
    result = runner.invoke(main, ["report", "--out", str(out), "--lang", "uk"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Round-A 2025" in html
    assert "Round-B 2025" in html
    assert "Усі раунди" in html
    assert html.count("<svg") >= 3
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    one = runner.invoke(main, ["report", "--out", str(tmp_path / "one"), "--round", "2"])
    assert one.exit_code == 0, one.output
    only = (tmp_path / "one" / "report.html").read_text(encoding="utf-8")
    assert "Round-B 2025" in only
    assert "Round-A 2025" not in only
    missing = runner.invoke(main, ["report", "--out", str(tmp_path / "x"), "--round", "7"])
    assert missing.exit_code != 0
    assert "no signed round 7 (signed rounds: 1, 2)" in missing.output


def test_rounds_are_listed_and_a_holders_statement_clears_a_person_for_the_next_round(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        two_rounds(engine, tmp_path)
        with engine.connect() as conn:
            record_id = conn.execute(
                select(persons.c.record_id)
                .join(handovers, handovers.c.person_id == persons.c.id)
                .where(handovers.c.exception == "held_for_proceedings")
            ).scalar_one()
    finally:
        engine.dispose()
    runner = CliRunner(env={"HOMEWARD_DATABASE_URL": db_url})
    listed = runner.invoke(main, ["rounds", "list"])
    assert listed.exit_code == 0, listed.output
    assert "1\tcompleted\tRound-A 2025" in listed.output
    assert "2\tcompleted\tRound-B 2025" in listed.output
    owed = runner.invoke(main, ["rounds", "owed"])
    assert "1 kept out" in owed.output.splitlines()[0]  # UA's person held by RU
    base = ["rounds", "clear", "--party", "RU", "--record-id", record_id, "--actor", "x-1"]
    wrong = runner.invoke(main, [*base, "--kind", "mediator_confirmation", "--by", "MED"])
    assert wrong.exit_code != 0
    assert "needs the holding party's statement" in wrong.output
    right = runner.invoke(main, [*base, "--kind", "holder_statement", "--by", "RU"])
    assert right.exit_code == 0, right.output
    assert "0 kept out" in runner.invoke(main, ["rounds", "owed"]).output.splitlines()[0]


def test_agreement_check_reads_category_terms_and_names_a_contradiction(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "docs" / "examples" / "istanbul-2025-round-2.toml"
    runner = CliRunner()
    ok = runner.invoke(main, ["agreement", "check", str(example)])
    assert ok.exit_code == 0, ok.output
    assert "all for all, stages of 40 per side every 5 days from 2025-06-09" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(
        example.read_text(encoding="utf-8").replace("max_age = 25", "max_age = 16"),
        encoding="utf-8",
    )
    refused = runner.invoke(main, ["agreement", "check", str(bad)])
    assert refused.exit_code == 1
    assert "category 'aged_18_25' contradicts itself: age from 18 to 16" in refused.output
