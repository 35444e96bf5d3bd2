"""`homeward demo --programme`: the three 2025 Istanbul rounds with carry-over between
them. Nobody is released twice; nobody an earlier round kept out (released, refused,
dead, held for proceedings, the mediator's findings) is planned again; the cumulative
figures are the sums of the rounds; the bulletin announces only completed tranches."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from homeward.cli import main


@pytest.fixture(scope="module")
def programme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("programme")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    args = ["demo", "--programme", "--seed", "2", "--out", str(out)]
    result = CliRunner(env=env).invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def load(folder: Path, name: str = "summary.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / name).read_text("utf-8"))
    return data


def rows(folder: Path, sql: str) -> list[Any]:
    engine = create_engine(f"sqlite:///{folder / 'homeward.db'}")
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)))
    finally:
        engine.dispose()


def test_round_one_is_todays_exchange_and_the_rounds_follow_in_order(programme_dir: Path) -> None:
    summary = load(programme_dir)
    assert [r["round"] for r in summary["rounds"]] == [1, 2, 3]
    first, second, third = summary["rounds"]
    for side in ("UA", "RU"):
        assert [t["released_by"][side]["total"] for t in first["tranches"]] == [390, 307, 303]
        assert first["tranches"][0]["released_by"][side]["military"] == 270
        assert first["tranches"][0]["released_by"][side]["civilian"] == 120
        assert third["totals"][side] == {"military": 1200, "civilian": 0, "total": 1200}
    assert len(second["tranches"]) >= 3  # stages until nobody eligible is left
    assert second["totals"]["UA"]["total"] > 0
    assert second["totals"]["RU"]["total"] > 0
    assert set(first) == {"round", "name", "agreement", "tranches", "totals", "exceptions"}


def test_the_cumulative_figures_are_the_sums_of_the_rounds(programme_dir: Path) -> None:
    summary = load(programme_dir)
    for side in ("UA", "RU"):
        total = sum(r["totals"][side]["total"] for r in summary["rounds"])
        assert summary["cumulative"]["released_by"][side] == total
    released = rows(programme_dir, "SELECT count(*) FROM releases")[0][0]
    assert released == sum(summary["cumulative"]["released_by"].values())
    assert set(summary["cumulative"]["sought_recovered"]) == {"UA", "RU"}


def test_nobody_is_released_twice_across_rounds(programme_dir: Path) -> None:
    twice = rows(
        programme_dir,
        "SELECT person_id FROM handovers WHERE state IN ('released', 'received') "
        "GROUP BY person_id HAVING count(*) > 1",
    )
    assert twice == []


def test_nobody_kept_out_by_an_earlier_round_is_planned_in_a_later_one(
    programme_dir: Path,
) -> None:
    kept_out = rows(
        programme_dir,
        "SELECT h.person_id, t.agreement_id, coalesce(h.exception, h.state) FROM handovers h "
        "JOIN tranches t ON t.id = h.tranche_id WHERE h.state IN ('released', 'received') "
        "OR h.exception IN ('refuses_repatriation', 'deceased', 'held_for_proceedings', "
        "'unfit_to_travel', 'identity_mismatch')",
    )
    assert {r[2] for r in kept_out} >= {"refuses_repatriation", "deceased", "received"}
    later = rows(
        programme_dir,
        "SELECT h.person_id, t.agreement_id FROM handovers h "
        "JOIN tranches t ON t.id = h.tranche_id",
    )
    planned_in = {}
    for person_id, agreement_id in later:
        planned_in.setdefault(person_id, []).append(agreement_id)
    for person_id, agreement_id, why in kept_out:
        after = [a for a in planned_in[person_id] if a > agreement_id]
        assert after == [], f"person {person_id} ({why} in {agreement_id}) planned again"


def test_the_bulletin_lists_every_rounds_completed_tranches_and_nothing_later(
    programme_dir: Path,
) -> None:
    summary, bulletin = load(programme_dir), load(programme_dir, "bulletin.json")
    today = dt.date.today().isoformat()
    assert [r["round"] for r in bulletin["rounds"]] == [1, 2, 3]
    assert len(bulletin["days"]) == sum(len(r["tranches"]) for r in summary["rounds"])
    assert all(d["date"] <= today for d in bulletin["days"])
    text_ = json.dumps(bulletin)
    assert "record_id" not in text_
    assert "refuses" not in text_
