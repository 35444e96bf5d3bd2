"""`homeward demo` as a user runs it: the Istanbul 2025 exchange end to end."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from homeward.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    result = CliRunner(env=env).invoke(main, ["demo", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def load(demo_dir: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((demo_dir / "summary.json").read_text("utf-8"))
    return summary


def test_day_one_releases_390_per_side_270_military_and_120_civilians(demo_dir: Path) -> None:
    day1 = load(demo_dir)["tranches"][0]
    assert day1["day"] == 1
    assert day1["date"] == "2025-05-23"
    for side in ("UA", "RU"):
        assert day1["released_by"][side] == {"military": 270, "civilian": 120, "total": 390}


def test_the_three_tranches_are_390_307_303_and_total_1000_per_side(demo_dir: Path) -> None:
    summary = load(demo_dir)
    for side in ("UA", "RU"):
        assert [t["released_by"][side]["total"] for t in summary["tranches"]] == [390, 307, 303]
        assert summary["totals"][side]["total"] == 1000
    for tranche in summary["tranches"]:
        ua, ru = tranche["released_by"]["UA"], tranche["released_by"]["RU"]
        assert ua == ru  # parity per tranche and category


def test_every_exception_is_recorded_with_its_substitute(demo_dir: Path) -> None:
    exceptions = load(demo_dir)["exceptions"]
    assert len(exceptions) >= 4
    kinds = {e["exception"] for e in exceptions}
    assert {"refuses_repatriation", "not_found", "deceased", "unfit_to_travel"} <= kinds
    for e in exceptions:
        assert e["resolution"] == "substitute"
        assert e["substitute_record_id"]
        assert e["substitute_record_id"] != e["record_id"]


def test_the_side_holding_more_recovers_under_ten_percent_of_those_it_seeks(
    demo_dir: Path,
) -> None:
    recovered = load(demo_dir)["sought_recovered"]
    ua = recovered["UA"]
    assert ua["sought"] >= 9000
    assert 0 < ua["recovered"] <= 1000
    assert ua["recovered"] / ua["sought"] < 0.10


def test_the_report_shows_the_figures_as_charts(demo_dir: Path) -> None:
    html = (demo_dir / "report.html").read_text("utf-8")
    assert html.count("<svg") >= 3
    assert "Released by UA, per day" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_exported_log_verifies_and_holds_no_personal_data(demo_dir: Path) -> None:
    result = CliRunner().invoke(main, ["verify", str(demo_dir / "ledger")])
    assert result.exit_code == 0, result.output
    entries = (demo_dir / "ledger" / "entries.jsonl").read_text("utf-8")
    with (demo_dir / "scenario" / "ru_holdings.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))[:300]
    values: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            values.update(str(k) for k in node)
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str):
            values.add(node)

    for line in entries.splitlines():
        collect(json.loads(line))
    for person in people:
        assert person["surname"] not in entries
        assert person["record_id"] not in values
        for field in ("given_name", "date_of_birth", "document_number", "service_number"):
            if person[field]:
                assert person[field] not in values
        if len(person["date_of_birth"]) == 10:  # a full date cannot hide inside a hash
            assert person["date_of_birth"] not in entries


def test_flipping_a_byte_of_the_log_makes_verification_fail(demo_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "ledger"
    shutil.copytree(demo_dir / "ledger", copy)
    data = bytearray((copy / "entries.jsonl").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "entries.jsonl").write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["verify", str(copy)])
    assert result.exit_code != 0
    assert "entries.jsonl" in result.output


def test_the_same_seed_gives_the_same_summary(demo_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    again = tmp_path / "again"
    result = CliRunner(env=env).invoke(main, ["demo", "--seed", "1", "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert load(again) == load(demo_dir)


def test_flipping_a_byte_of_a_cosignature_names_the_signature(
    demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "ledger"
    shutil.copytree(demo_dir / "ledger", copy)
    lines = (copy / "checkpoint").read_text("utf-8").split("\n")
    ua = next(i for i, line in enumerate(lines) if line.startswith("— UA "))
    signature = bytearray(lines[ua].encode())
    # Inside the base64 of UA's cosignature; swap for another base64 letter (flipping a bit
    # could turn "+", "/", "Z" or "z" into a character base64 refuses, a different error).
    signature[-10] = ord("A") if signature[-10] != ord("A") else ord("B")
    lines[ua] = signature.decode()
    (copy / "checkpoint").write_text("\n".join(lines), "utf-8")
    result = CliRunner().invoke(main, ["verify", str(copy)])
    assert result.exit_code != 0
    assert "UA" in result.output
    assert "signature" in result.output
