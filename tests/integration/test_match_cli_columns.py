"""``homeward match`` reads a clean registry CSV column by column, and gives the same table
and the same answers as the row-by-row reader; a file with anything to report still goes
row by row and is reported with its file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from homeward.adapters.personfile import read_person_file
from homeward.adapters.personfile_columns import read_clean_csv
from homeward.cli.matching import MATCHED_FIELDS, match_command
from homeward.matching import splink_engine as se
from homeward.matching.columns import columns_table, records_table
from homeward.matching.synth_compound import generate
from homeward.scenario.writers import write_person_file, write_table

HEADER = ("record_id", "surname", "given_name", "sex", "date_of_birth", "status", "unit")


def _rows_table(path: Path) -> object:
    return records_table([r.record for r in read_person_file(path) if r.record], se.REGISTRY)


def test_the_column_reader_gives_the_row_readers_engine_table(tmp_path: Path) -> None:
    data = generate(200, 3000, seed=5151)
    path = write_person_file(data.registry, tmp_path / "reg.csv")
    clean = read_clean_csv(path, MATCHED_FIELDS)
    assert clean is not None
    assert columns_table(clean, se.REGISTRY).equals(_rows_table(path))


def test_values_in_ukrainian_and_spaces_are_read_as_the_row_reader_reads_them(
    tmp_path: Path,
) -> None:
    rows = [
        ("A1", " Коваль ", "Олена", "жін", "1990-02", "полонена", "в/ч А1234"),
        ("A2", "Петренко", " Іван", " ч ", "1985", "", ""),
        ("A3", "Сидоренко", "Ольга", "", "", "зниклий безвісти", " military unit 3057 "),
    ]
    path = write_table(HEADER, rows, tmp_path / "reg.csv")
    clean = read_clean_csv(path, MATCHED_FIELDS)
    assert clean is not None
    assert clean.column("sex").to_pylist() == ["F", "M", None]
    assert columns_table(clean, se.REGISTRY).equals(_rows_table(path))


def test_values_padded_with_any_unicode_space_are_trimmed_as_the_row_reader_trims_them(
    tmp_path: Path,
) -> None:
    line_ends_and_separators = "\n\r\x1c\x1d\x1e\x1f"
    spaces = "".join(
        c
        for c in map(chr, range(0x3001))
        if (c + "a").strip() == "a" and c not in line_ends_and_separators
    )
    rows = [("A1", f"{spaces}Коваль{spaces}", f"Олена{spaces}", "F", f"{spaces}1990", "", "")]
    path = write_table(HEADER, rows, tmp_path / "reg.csv")
    clean = read_clean_csv(path, MATCHED_FIELDS)
    assert clean is not None
    assert clean.column("surname").to_pylist() == ["Коваль"]
    assert columns_table(clean, se.REGISTRY).equals(_rows_table(path))


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (("A2", "Петренко", "Іван", "X", "1985", "", ""), "unknown sex"),
        (("A2", "Петренко", "Іван", "M", "1985-13", "", ""), "bad date"),
        (("A2", "Петренко", "", "M", "1985", "", ""), "empty given name"),
        (("A1", "Петренко", "Іван", "M", "1985", "", ""), "duplicate record_id"),
        (("A2", "Петренко", "Іван", "M", "1985", "невідомо", ""), "unknown status"),
        (("A2", '"Петренко"', "Іван", "M", "1985", "", ""), "a quote"),
        (("A2", "Петренко", "Іван", "M", "1985", "", "x" * 501), "too long"),
        (("A2", "Петренко", "Іван", "M"), "too few values"),
    ],
)
def test_a_file_with_anything_to_report_goes_to_the_row_reader(
    tmp_path: Path, row: tuple[str, ...], why: str
) -> None:
    good = ("A1", "Коваль", "Олена", "F", "1990", "", "")
    path = write_table(HEADER, [good, row], tmp_path / "reg.csv")
    assert read_clean_csv(path, MATCHED_FIELDS) is None, why


def test_a_bad_row_in_a_clean_looking_registry_is_named_with_file_line_and_field(
    tmp_path: Path,
) -> None:
    rows = [
        ("A1", "Коваль", "Олена", "F", "1990", "", ""),
        ("A2", "Бойко", "Іван", "M", "19x5", "", ""),
    ]
    registry = write_table(HEADER, rows, tmp_path / "reg.csv")
    requests = write_table(HEADER, rows[:1], tmp_path / "req.csv")
    out = tmp_path / "o.csv"
    args = ["--registry", str(registry), "--requests", str(requests), "--out", str(out)]
    result = CliRunner().invoke(match_command, args)
    assert result.exit_code == 2
    assert f"{registry}:3: date_of_birth" in result.output
