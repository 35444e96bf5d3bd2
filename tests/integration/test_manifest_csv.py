from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from homeward.adapters.manifest_csv import manifest_csv, save_manifest_csv
from homeward.planning import (
    Category,
    ManifestRow,
    PersonName,
    PlannedPerson,
    TranchePlan,
    manifest_rows,
)
from homeward.planning.codes import ALPHABET


def _tranche() -> TranchePlan:
    people = (
        PlannedPerson("p-ill", Category.CIVILIAN, "F1", "seriously_ill", outside_parity=True),
        PlannedPerson("p-1", Category.MILITARY, "F1"),
        PlannedPerson("p-2", Category.MILITARY, "F2"),
    )
    return TranchePlan("day-1", date(2025, 5, 23), "ua-by-border", {"RU": people, "UA": ()})


NAMES = {
    "p-ill": PersonName("Тестенко", "Ірина", "Петрівна", "1961"),
    "p-1": PersonName("Пробний", "Олег", "", "1999-04"),
    "p-2": PersonName("=cmd|calc", "Test", "", "2001-02-03"),
}


def test_the_csv_manifest_has_one_line_per_person_with_a_check_in_code(tmp_path: Path) -> None:
    rows = manifest_rows(_tranche(), "RU", NAMES, b"a test workspace secret")
    path = tmp_path / "day-1-RU.csv"
    assert save_manifest_csv(rows, path) == 3
    with path.open(encoding="utf-8", newline="") as f:
        read = list(csv.DictReader(f))
    assert [r["surname"] for r in read] == ["Тестенко", "Пробний", "'=cmd|calc"]
    assert read[0]["category"] == "civilian (outside parity)"
    assert read[1]["date_of_birth"] == "1999-04"
    for r in read:
        assert len(r["code"]) == 6
        assert set(r["code"]) <= set(ALPHABET)
    assert list(read[0]) == [
        "code",
        "surname",
        "given_name",
        "patronymic",
        "date_of_birth",
        "category",
    ]


def test_the_csv_manifest_is_the_same_every_time() -> None:
    rows = manifest_rows(_tranche(), "RU", NAMES, b"a test workspace secret")
    assert manifest_csv(rows) == manifest_csv(
        manifest_rows(_tranche(), "RU", NAMES, b"a test workspace secret")
    )


def test_plain_rows_render_without_any_plan() -> None:
    rows = [ManifestRow("ABC234", "Пробна", "Анна", "", "1990", "civilian")]
    assert manifest_csv(rows).splitlines()[1] == "ABC234,Пробна,Анна,,1990,civilian"
