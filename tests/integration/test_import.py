"""Importing person files into a registry, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from homeward.adapters.personfile import PersonFileError
from homeward.adapters.tables_registry import import_batches, persons, quarantine
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import RegistryKind, Side
from homeward.services.registry import (
    ImportPersonFile,
    count_persons,
    import_person_file,
    list_quarantine,
)

HEADER = ["record_id", "surname", "given_name", "date_of_birth", "health", "note"]
GOOD = [
    ["A-1", "Тестенко", "Тарас", "1990-01-02", "fit", "x"],
    ["A-2", "Пробний", "Іван", "1985", "", ""],
    ["A-3", "Fakeson", "Ivan", "1977-05", "wounded", "kept"],
]
BAD = [
    ["A-4", "", "Олег", "1990-01-01", "fit", ""],  # line 5: surname empty
    ["A-5", "Вигаданий", "Петро", "1990-02-31", "fit", ""],  # line 6: impossible date
    ["A-1", "Тестенко", "Тарас", "1990-01-02", "fit", "x"],  # line 7: duplicate id
    ["A-6", "Зразковий", "Ярема", "", "excellent", ""],  # line 8: bad enum
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(engine: Engine, path: Path) -> tuple[int, int, int]:
    result = import_person_file(
        ImportPersonFile(Side.RU, RegistryKind.HOLDINGS, path), SqlUnitOfWork(engine)
    )
    return result.imported, result.quarantined, result.unchanged


def test_mixed_file_imports_every_good_row_and_quarantines_every_bad_one(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "holdings.csv", GOOD + BAD)
    assert run(engine, path) == (3, 4, 0)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 3
    bad = {(q.line, q.field) for q in list_quarantine(None, SqlUnitOfWork(engine))}
    assert bad == {(5, "surname"), (6, "date_of_birth"), (7, "record_id"), (8, "health")}
    assert all(q.file_name == str(path) for q in list_quarantine(None, SqlUnitOfWork(engine)))


def test_importing_the_same_file_again_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "holdings.csv", GOOD + BAD)
    run(engine, path)
    assert run(engine, path) == (0, 4, 3)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 3
    assert len(list_quarantine(None, SqlUnitOfWork(engine))) == 4


def test_a_changed_row_is_updated_not_duplicated(engine: Engine, tmp_path: Path) -> None:
    run(engine, write_csv(tmp_path / "a.csv", GOOD))
    changed = [[*GOOD[0][:4], "seriously_ill", "x"], *GOOD[1:]]
    assert run(engine, write_csv(tmp_path / "b.csv", changed)) == (1, 0, 2)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 3


def test_json_and_xlsx_files_import_like_csv(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    rows = [dict(zip(HEADER, r, strict=True)) for r in GOOD]
    json_path = tmp_path / "h.json"
    json_path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    assert run(engine, json_path) == (3, 0, 0)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for r in GOOD:
        sheet.append(r)
    xlsx_path = tmp_path / "h.xlsx"
    book.save(xlsx_path)
    assert run(engine, xlsx_path) == (0, 0, 3)


def test_a_file_wholly_in_cp1251_is_refused_naming_the_file_and_the_encoding(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "cp1251.csv"
    content = "record_id,surname,given_name\n" + "".join(f"B-{i},Тест,Іван\n" for i in range(50))
    path.write_bytes(content.encode("cp1251"))
    with pytest.raises(PersonFileError, match=r"cp1251\.csv: 50 of 51 lines .* looks like cp1251"):
        run(engine, path)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_a_file_level_error_late_in_the_file_leaves_no_half_imported_file(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [{"record_id": f"C-{i}", "surname": "Тест", "given_name": "Іван"} for i in range(7000)]
    text = json.dumps(rows, ensure_ascii=False)
    path = tmp_path / "late-error.json"
    path.write_text(text[:-1] + ', {"record_id": NaN}]', encoding="utf-8")
    with pytest.raises(PersonFileError, match="NaN"):
        run(engine, path)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


ROW = st.fixed_dictionaries(
    {
        "record_id": st.text(max_size=6),
        "surname": st.text(max_size=8),
        "given_name": st.text(max_size=8),
        "date_of_birth": st.one_of(st.just(""), st.text(max_size=10), st.dates().map(str)),
        "health": st.sampled_from(["", "fit", "bad", "seriously_ill"]),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, max_size=12))
def test_malformed_rows_never_crash_the_import_and_no_row_is_lost(
    engine: Engine, tmp_path: Path, rows: list[dict[str, str]]
) -> None:
    with engine.begin() as conn:
        for table in (quarantine, persons, import_batches):
            conn.execute(delete(table))
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    imported, quarantined, unchanged = run(engine, path)
    assert imported + quarantined + unchanged == len(rows)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == imported


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"record_id": "1"}', "expected a list of objects"),
        ('[{"record_id": "1", "surname": "a", "given_name": "b"}', "ends inside"),
        ('[{"record_id": "1", "surname": "a", "given_name": "b"},]', "Expecting value"),
        ('[{"record_id": "1", "surname": "a", "given_name": "b"}] trailing', "after the list"),
    ],
)
def test_a_malformed_json_file_is_refused_with_its_line_and_nothing_is_written(
    engine: Engine, tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PersonFileError, match=reason) as caught:
        run(engine, path)
    assert caught.value.line == 1
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_json_items_are_numbered_by_the_line_they_start_on(engine: Engine, tmp_path: Path) -> None:
    rows = [dict(zip(HEADER, r, strict=True)) for r in GOOD] + [{"record_id": "Z"}]
    path = tmp_path / "pretty.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    assert run(engine, path) == (3, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 1 + 8 * 3 + 1
    assert bad.field == "surname; given_name"
