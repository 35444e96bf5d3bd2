"""`homeward report` on a workspace the demo did not make: every round, HTML and PDF, in
English, Ukrainian or Russian."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine
from tests.integration.test_web_rounds import agreed, run_round

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.cli import main
from homeward.domain.lists import ListKind
from homeward.domain.values import RegistryKind, Side
from homeward.scenario import generate_scenario, write_scenario
from homeward.services.events import MemoryEventSink
from homeward.services.lists import submit_registry
from homeward.services.planning_bridge import plan_agreement
from homeward.services.registry import ImportPersonFile, import_person_file


def two_rounds(engine: Engine, tmp_path: Path) -> None:
    events = MemoryEventSink()
    paths = write_scenario(generate_scenario("small", 3), tmp_path / "scenario")
    for key in ("ua_holdings", "ru_holdings", "ua_sought", "ru_sought"):
        party, kind = key.split("_")
        import_person_file(
            ImportPersonFile(Side(party.upper()), RegistryKind(kind), paths[key]), engine
        )
    for side in (Side.UA, Side.RU):
        submit_registry(engine, events, side, ListKind.HOLDINGS_ACK)
    for name, total, day in (("Round-A 2025", 6, "2025-05-23"), ("Round-B 2025", 4, "2025-06-10")):
        agreement = agreed(engine, events, name, total, day)
        plan_agreement(engine, events, agreement)
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
