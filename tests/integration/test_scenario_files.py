"""Scenario and benchmark files on disk: the lead's reader takes every row we write."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from homeward.adapters.personfile import read_person_file
from homeward.cli.scenario import scenario as scenario_group
from homeward.scenario import generate_scenario, write_scenario
from homeward.scenario.rows import BENCH_HEADER, RowStats, iter_bench_rows
from homeward.scenario.writers import write_table


@pytest.fixture(scope="module")
def istanbul_csv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("istanbul")
    return write_scenario(generate_scenario("istanbul-2025", seed=1), out)


def test_every_generated_row_reads_without_errors(istanbul_csv: dict[str, Path]) -> None:
    expected = {"ua_holdings": 1348, "ru_holdings": 6465, "ua_sought": 10000, "ru_sought": 1500}
    for key, count in expected.items():
        results = list(read_person_file(istanbul_csv[key]))
        assert [r.errors for r in results if not r.ok] == []
        assert len(results) == count


def test_sought_files_keep_the_source_column_as_an_extra(istanbul_csv: dict[str, Path]) -> None:
    first = next(read_person_file(istanbul_csv["ua_sought"]))
    assert first.record is not None
    assert first.record.extra["source"] in {"held_confirmed", "missing_report", "family_claim"}


def test_the_same_seed_writes_byte_identical_files(
    istanbul_csv: dict[str, Path], tmp_path: Path
) -> None:
    again = write_scenario(generate_scenario("istanbul-2025", seed=1), tmp_path)
    for key, path in istanbul_csv.items():
        assert again[key].read_bytes() == path.read_bytes(), key


def test_truth_and_summary_describe_the_files(istanbul_csv: dict[str, Path]) -> None:
    with istanbul_csv["truth"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["sought_record_id", "holdings_record_id"]
    summary = json.loads(istanbul_csv["scenario"].read_text(encoding="utf-8"))
    assert summary["preset"] == "istanbul-2025"
    assert summary["seed"] == 1
    assert summary["truth_links"] == len(rows) - 1
    assert summary["files"]["ua_sought"]["rows"] == 10000
    assert set(summary["files"]["ua_sought"]["by_source"]) == {
        "held_confirmed",
        "missing_report",
        "family_claim",
    }


@pytest.mark.parametrize("fmt", ["xlsx", "json"])
def test_workbook_and_json_variants_read_back_the_same_records(fmt: str, tmp_path: Path) -> None:
    small = generate_scenario("small", seed=4)
    paths = write_scenario(small, tmp_path, fmt)
    again = write_scenario(small, tmp_path / "again", fmt)
    for key, records in small.files.items():
        assert paths[key].suffix == f".{fmt}"
        read = [r.record for r in read_person_file(paths[key])]
        assert read == list(records)
        assert again[key].read_bytes() == paths[key].read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_malformed_benchmark_rows_are_exactly_the_ones_the_reader_rejects(
    fmt: str, tmp_path: Path
) -> None:
    stats = RowStats()
    path = write_table(
        BENCH_HEADER, iter_bench_rows(3000, 2, 0.05, fmt, stats), tmp_path / f"rows.{fmt}"
    )
    results = list(read_person_file(path))
    assert len(results) == 3000
    assert sum(not r.ok for r in results) == stats.bad == 150


def test_the_cli_writes_a_scenario_and_benchmark_rows(tmp_path: Path) -> None:
    runner = CliRunner()
    generated = runner.invoke(
        scenario_group, ["generate", "--preset", "small", "--seed", "2", "--out", str(tmp_path)]
    )
    assert generated.exit_code == 0, generated.output
    assert "truth.csv" in generated.output
    assert {p.name for p in tmp_path.iterdir()} == {
        "ua_holdings.csv",
        "ru_holdings.csv",
        "ua_sought.csv",
        "ru_sought.csv",
        "truth.csv",
        "scenario.json",
    }
    out = tmp_path / "rows.json"
    rows = runner.invoke(
        scenario_group,
        ["rows", "--count", "200", "--bad-share", "0.1", "--out", str(out), "--format", "json"],
    )
    assert rows.exit_code == 0, rows.output
    assert "200 rows, 20 malformed" in rows.output
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 200


def test_the_cli_refuses_a_file_whose_suffix_contradicts_the_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        scenario_group, ["rows", "--out", str(tmp_path / "rows.csv"), "--format", "xlsx"]
    )
    assert result.exit_code != 0
    assert "does not end in .xlsx" in result.output
