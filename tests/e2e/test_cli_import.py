"""`homeward import` and `homeward quarantine list` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from tests.factories import person_rows, write_rows

from homeward.cli import main


def invoke(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {"HOMEWARD_DATABASE_URL": f"sqlite:///{tmp_path / 'ws.db'}"}
    result = CliRunner(env=env).invoke(main, list(args))
    # stdout alone: the progress bar draws on stderr
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_import_ends_with_the_counts_line_and_succeeds_with_quarantined_rows(
    tmp_path: Path,
) -> None:
    rows = person_rows("RUH", 5, seed=7)
    rows[2]["date_of_birth"] = "31.12.1990"
    path = write_rows(tmp_path / "holdings.csv", rows)
    code, output = invoke(tmp_path, "import", "--party", "RU", "--kind", "holdings", str(path))
    assert code == 0
    assert output.strip().splitlines()[-1] == "imported 4, quarantined 1, unchanged 0"
    code, output = invoke(tmp_path, "import", "--party", "RU", "--kind", "holdings", str(path))
    assert output.strip().splitlines()[-1] == "imported 0, quarantined 1, unchanged 4"
    code, output = invoke(tmp_path, "quarantine", "list")
    assert code == 0
    assert f"{path}:4\tRU/holdings\tdate_of_birth\tdate_of_birth: '31.12.1990'" in output


def test_an_unreadable_file_fails_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("record_id,surname,given_name\nX1,Müller,Jörg\n".encode("latin-1"))
    code, output = invoke(tmp_path, "import", "--party", "UA", "--kind", "sought", str(path))
    assert code != 0
    assert f"{path}: 1 of 2 lines are not valid UTF-8; the file looks like cp1252" in output


def test_a_cp1251_file_imports_with_encoding_and_its_ukrainian_values_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cp1251.csv"
    text = (
        "record_id,surname,given_name,sex,status,category\n"
        "E-1,Тестенко,Євген,ч,військовополонений,військовий\n"
        "E-2,Пробна,Ганна,ж,зникла безвісти,цивільна\n"
    )
    path.write_bytes(text.encode("cp1251"))
    code, output = invoke(tmp_path, "import", "--party", "UA", "--kind", "sought", str(path))
    assert code != 0
    assert "looks like cp1251" in output
    code, output = invoke(
        tmp_path, "import", "--party", "UA", "--kind", "sought", "--encoding", "cp1251", str(path)
    )
    assert code == 0, output
    assert output.strip().splitlines()[-1] == "imported 2, quarantined 0, unchanged 0"


def test_json_nested_100000_deep_is_refused_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, output = invoke(tmp_path, "import", "--party", "UA", "--kind", "sought", str(path))
    assert code == 1
    assert f"{path}:1: JSON nested deeper than 32 levels" in output
    assert "Traceback" not in output
