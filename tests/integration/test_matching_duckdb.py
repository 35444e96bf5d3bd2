"""The match command and match_records on DuckDB, end to end on synthetic files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from homeward.cli.matching import OUTPUT_HEADER, match_command
from homeward.domain.person import PERSON_FIELDS, PersonRecord
from homeward.domain.values import PartialDate
from homeward.matching.decide import Decision
from homeward.matching.engine import match_records
from homeward.matching.synth import generate


def write_csv(path: Path, records: list[PersonRecord]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, PERSON_FIELDS)
        writer.writeheader()
        for record in records:
            writer.writerow(record.as_row())
    return path


def run(tmp_path: Path, registry: Path, requests: Path, *extra: str) -> tuple[int, str, Path]:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        match_command,
        ["--registry", str(registry), "--requests", str(requests), "--out", str(out), *extra],
    )
    return result.exit_code, result.output, out


def read_out(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == OUTPUT_HEADER
    return [dict(zip(OUTPUT_HEADER, r, strict=True)) for r in rows[1:]]


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return generate(180, 3000, seed=5)


def test_match_writes_one_row_per_request_with_good_precision_and_recall(tmp_path, data) -> None:  # type: ignore[no-untyped-def]
    reg = write_csv(tmp_path / "reg.csv", data.registry)
    req = write_csv(tmp_path / "req.csv", data.requests)
    code, output, out = run(tmp_path, reg, req)
    assert code == 0, output
    rows = read_out(out)
    assert [r["request_id"] for r in rows] == [r.record_id for r in data.requests]
    assert {r["decision"] for r in rows} <= {"match", "review", "no_match"}
    assert all((r["record_id"] == "") == (r["decision"] == "no_match") for r in rows)
    matches = [r for r in rows if r["decision"] == "match"]
    right = sum(data.truth[r["request_id"]] == r["record_id"] for r in matches)
    assert right / len(matches) >= 0.99
    present = sum(1 for t in data.truth.values() if t)
    assert right / present >= 0.85


def test_json_inputs_work_the_same(tmp_path, data) -> None:  # type: ignore[no-untyped-def]
    reg = tmp_path / "reg.json"
    reg.write_text(json.dumps([r.as_row() for r in data.registry[:500]]), encoding="utf-8")
    req = tmp_path / "req.json"
    req.write_text(json.dumps([r.as_row() for r in data.requests[:20]]), encoding="utf-8")
    code, output, out = run(tmp_path, reg, req)
    assert code == 0, output
    assert len(read_out(out)) == 20


def test_a_malformed_file_fails_before_any_work_naming_file_line_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "record_id,surname,given_name,date_of_birth\nR1,Іваненко,Іван,1990-13-01\n",
        encoding="utf-8",
    )
    req = write_csv(tmp_path / "req.csv", [PersonRecord("Q1", "Іваненко", "Іван")])
    code, output, out = run(tmp_path, reg, req)
    assert code == 2
    assert f"{reg}:2" in output
    assert "date_of_birth" in output
    assert not out.exists()


def test_an_empty_registry_gives_no_match_for_every_request(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = tmp_path / "reg.csv"
    reg.write_text("record_id,surname,given_name\n", encoding="utf-8")
    req = write_csv(tmp_path / "req.csv", [PersonRecord("Q1", "Іваненко", "Іван")])
    code, output, out = run(tmp_path, reg, req)
    assert code == 0, output
    assert read_out(out) == [
        {"request_id": "Q1", "record_id": "", "probability": "0.000000", "decision": "no_match"}
    ]


def test_files_with_nothing_in_common_give_no_match_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reg = write_csv(tmp_path / "reg.csv", [
        PersonRecord("R1", "Шевченко", "Тарас", date_of_birth=PartialDate(1980, 3, 9)),
        PersonRecord("R2", "Коваленко", "Олена", date_of_birth=PartialDate(1975, 1, 2)),
    ])  # fmt: skip
    req = write_csv(tmp_path / "req.csv", [
        PersonRecord("Q1", "Zyxwvut", "Qqq", date_of_birth=PartialDate(2001, 7, 7)),
    ])  # fmt: skip
    code, output, out = run(tmp_path, reg, req)
    assert code == 0, output
    assert [r["decision"] for r in read_out(out)] == ["no_match"]


def test_an_uncovered_script_is_compared_and_flagged_not_a_crash() -> None:
    registry = [
        PersonRecord("R1", "ბერიძე", "გიორგი", date_of_birth=PartialDate(1985, 5, 6)),
        PersonRecord("R2", "Петренко", "Іван", date_of_birth=PartialDate(1985, 5, 6)),
    ]
    requests = [PersonRecord("Q1", "ბერიძე", "გიორგი", date_of_birth=PartialDate(1985, 5, 6))]
    [result] = match_records(registry, requests)
    assert "uncovered_script" in result.flags
    assert result.record_id == "R1"
    assert result.decision is not Decision.NO_MATCH


def test_a_cross_script_pair_matches_with_reasons() -> None:
    registry = [
        PersonRecord("R1", "Щербина", "Александр", "Николаевич",
                     date_of_birth=PartialDate(1991, 4, 12), service_number="А1234567"),
        PersonRecord("R2", "Щербина", "Александр", "Петрович",
                     date_of_birth=PartialDate(1970, 8, 30)),
    ]  # fmt: skip
    requests = [
        PersonRecord("Q1", "Schtscherbyna", "Sascha", "Mykolajowytsch",
                     date_of_birth=PartialDate(1991, 12, 4), service_number="A1234567"),
    ]  # fmt: skip
    [result] = match_records(registry, requests)
    assert (result.record_id, result.decision) == ("R1", Decision.MATCH)
    assert result.field_weights["date_of_birth"] > 0  # day and month swapped still counts
    assert result.field_weights["service_number"] > 0
    assert set(result.field_weights) >= {"given_name", "surname", "patronymic"}


def test_the_matching_core_imports_without_splink_duckdb_or_spark() -> None:
    import subprocess
    import sys

    code = (
        "import sys, homeward.matching.normalise, homeward.matching.engine, homeward.cli.matching;"
        "bad = [m for m in ('splink', 'duckdb', 'pyspark') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
