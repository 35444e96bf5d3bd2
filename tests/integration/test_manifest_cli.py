"""The planning commands: ``agreement check`` on files, ``plan`` and ``manifest`` on a
workspace built through the services (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.cli.agreement import agreement
from homeward.planning import (
    istanbul_2025_terms,
    plan_from_dict,
    terms_from_dict,
    terms_to_canonical,
)
from homeward.services.exchange import ProposeTerms, SignAgreement
from homeward.settings import Settings

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "istanbul-2025.toml"


def test_agreement_check_summarises_the_istanbul_terms() -> None:
    result = CliRunner().invoke(agreement, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "1,000 per side (UA and RU), parity per tranche and category" in result.output
    assert "day-1     2025-05-23  ua-by-border          390       270       120" in result.output
    assert "terms are consistent" in result.output


def test_agreement_check_prints_the_canonical_form_the_parties_sign() -> None:
    result = CliRunner().invoke(agreement, ["check", "--canonical", str(EXAMPLE)])
    assert result.exit_code == 0
    assert terms_from_dict(json.loads(result.output)) == istanbul_2025_terms()


def test_a_wrong_type_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("military = 270", 'military = "ten"'))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 2
    assert 'tranches[0].military: expected an integer, got "ten"' in result.output


def test_an_unknown_key_exits_2_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("reserve_size = 50", "reserve = 50"))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 2
    assert "reserve: unknown key" in result.output


def test_terms_that_contradict_themselves_exit_1_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("total = 303", "total = 300"))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 1
    assert "add up to 997 per side but the agreed total is 1,000: 3 short" in result.output


def _workspace_with_offers(db_url: str, tmp_path: Path) -> tuple[Settings, int]:
    """A migrated workspace where each side acknowledges holding 10 of the other's people,
    and an agreement of 2 + 2 per side is signed."""
    from sqlalchemy import select
    from tests.factories import import_rows, person_rows

    from homeward.adapters.tables_registry import persons
    from homeward.bootstrap import open_workspace
    from homeward.domain.lists import ListKind
    from homeward.domain.values import RegistryKind, Side
    from homeward.services.events import MemoryEventSink
    from homeward.services.exchange import SubmitList, create_agreement, sign_agreement, submit_list

    settings = Settings(database_url=db_url, workspace=tmp_path)
    workspace = open_workspace(settings)
    engine, events = workspace.engine, MemoryEventSink()
    try:
        for side, locale in ((Side.UA, "ru_RU"), (Side.RU, "uk_UA")):
            rows = person_rows(f"{side.value}H", 10, seed=3, locale=locale, military_share=1.0)
            import_rows(engine, tmp_path, side, RegistryKind.HOLDINGS, rows)
            with engine.connect() as conn:
                held = list(
                    conn.execute(
                        select(persons.c.id).where(persons.c.party == side.value)
                    ).scalars()
                )
            submit_list(
                SubmitList(side, ListKind.HOLDINGS_ACK, side.other, held),
                SqlUnitOfWork(engine, events),
            )
        terms = terms_from_dict(
            {
                "name": "two days of two",
                "total_per_side": 4,
                "reserve_size": 3,
                "crossing_points": [{"name": "border", "daily_capacity": 10}],
                "tranches": [
                    {"id": "day-1", "day": "2025-05-23", "crossing": "border", "total": 2},
                    {"id": "day-2", "day": "2025-05-24", "crossing": "border", "total": 2},
                ],
            }
        )
        agreement_id = create_agreement(
            ProposeTerms(terms.name, terms_to_canonical(terms)), SqlUnitOfWork(engine, events)
        )
        for party in Side:
            sign_agreement(SignAgreement(agreement_id, party), SqlUnitOfWork(engine, events))
    finally:
        workspace.close()
    return settings, agreement_id


def test_plan_and_manifest_work_on_a_workspace(db_url: str, tmp_path: Path) -> None:
    from homeward.bootstrap import open_workspace
    from homeward.cli.agreement import manifest, plan
    from homeward.services.events import MemoryEventSink
    from homeward.services.handover import save_plan
    from homeward.services.planning_bridge import plan_to_tranches

    settings, agreement_id = _workspace_with_offers(db_url, tmp_path)
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(plan, ["--json", str(out)], obj=settings)
    assert result.exit_code == 0, result.output
    assert "UA: 10 of 10 people on the offer are eligible" in result.output
    assert "day-1  2025-05-23  border:  UA 2 (2 military, 0 civilian);  RU 2" in result.output
    stored = plan_from_dict(json.loads(out.read_text()))
    assert [t.counted("RU") for t in stored.tranches] == [2, 2]

    workspace = open_workspace(settings)
    try:
        tranches, reserve = plan_to_tranches(stored)
        tranche_ids = save_plan(
            agreement_id, tranches, reserve, workspace.engine, MemoryEventSink()
        )
    finally:
        workspace.close()

    folder = tmp_path / "manifests"
    args = ["--tranche", str(tranche_ids[0]), "--format", "csv", "--out", str(folder)]
    result = CliRunner().invoke(manifest, args, obj=settings)
    assert result.exit_code == 0, result.output
    with (folder / "tranche-day-1-RU.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2
    assert all(len(r["code"]) == 6 and r["surname"] and r["date_of_birth"] for r in rows)
    assert [r["category"] for r in rows] == ["military", "military"]

    args = ["--tranche", str(tranche_ids[1]), "--side", "UA", "--out", str(folder)]
    result = CliRunner().invoke(manifest, args, obj=settings)
    assert result.exit_code == 0, result.output
    assert (folder / "tranche-day-2-UA.pdf").read_bytes().startswith(b"%PDF-")
    assert not (folder / "tranche-day-2-RU.pdf").exists()


def test_plan_explains_terms_the_offers_cannot_meet(db_url: str, tmp_path: Path) -> None:
    from homeward.cli.agreement import plan

    settings, _ = _workspace_with_offers(db_url, tmp_path)
    draft = tmp_path / "draft.toml"
    draft.write_text(EXAMPLE.read_text())
    result = CliRunner().invoke(plan, ["--terms", str(draft)], obj=settings)
    assert result.exit_code == 1
    assert (
        "cannot be met: military quotas for day-1, day-2, day-3 add up to 880 per side "
        "but UA offers only 10 eligible military: 870 short"
    ) in result.output
