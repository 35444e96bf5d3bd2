"""`homeward match` on registries kept in Ukrainian and Russian: it reads their values and
never stops on a column it does not use."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from homeward.cli.matching import match_command

REGISTRY = (
    "record_id,surname,given_name,patronymic,sex,date_of_birth,status,category,health\n"
    "R-1,Тестенко,Олександр,Петрович,ч,1990-01-02,полонений,військовий,поранений\n"
    "R-2,Пробна,Марія,Іванівна,ж,1985-03-04,зниклий безвісти,цивільний,здоровий\n"
    "R-3,Образцов,Сергей,Петрович,м,1979-05-06,военнопленный,военный,ранен\n"
    "R-4,Вигаданко,Іван,,ч,1991,пропавший без вести,гражданский,\n"
    "R-5,Зразкова,Ганна,,ж,1992,в розшуку,цивільна,непогано\n"
)
REQUESTS = (
    "record_id,surname,given_name,patronymic,sex,date_of_birth,status\n"
    "Q-1,Тестенко,Олександр,Петрович,M,1990-01-02,pow\n"
    "Q-2,Obraztsov,Sergei,,M,1979-05-06,щось незрозуміле\n"
)


def _run(tmp_path: Path, registry: str, requests: str) -> tuple[int, str, str, Path]:
    (tmp_path / "reg.csv").write_text(registry, encoding="utf-8")
    (tmp_path / "req.csv").write_text(requests, encoding="utf-8")
    out = tmp_path / "out.csv"
    args = ["--registry", str(tmp_path / "reg.csv"), "--requests", str(tmp_path / "req.csv")]
    result = CliRunner().invoke(match_command, [*args, "--out", str(out)])
    return result.exit_code, result.stdout, result.stderr, out


def test_match_on_a_ukrainian_and_russian_registry_runs_to_the_end(tmp_path: Path) -> None:
    code, _, stderr, out = _run(tmp_path, REGISTRY, REQUESTS)
    assert code == 0, stderr
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["request_id"], r["record_id"], r["decision"]) for r in rows] == [
        ("Q-1", "R-1", "match"),
        ("Q-2", "R-3", "match"),
    ]
    assert "reg.csv: 1 rows with a status value" in stderr
    assert "reg.csv: 1 rows with a health value" in stderr
    assert "req.csv: 1 rows with a status value" in stderr
    assert "'в розшуку'" in stderr


def test_match_still_stops_on_a_bad_value_in_a_column_it_reads(tmp_path: Path) -> None:
    bad = REGISTRY.replace(
        "R-3,Образцов,Сергей,Петрович,м,1979-05-06", "R-3,Образцов,Сергей,Петрович,м,06.05.1979"
    )
    code, _, stderr, _ = _run(tmp_path, bad, REQUESTS)
    assert code == 2
    assert "reg.csv:4: date_of_birth" in stderr
