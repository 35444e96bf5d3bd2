"""Registries as people keep them: damage stays in its row, whole-file problems are named,
values in Ukrainian and Russian are read, and the quarantine keeps every bad row."""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from homeward.adapters.personfile import PersonFileError
from homeward.adapters.tables_registry import persons
from homeward.adapters.unit_of_work import SqlUnitOfWork
from homeward.domain.values import Category, LegalStatus, RegistryKind, Sex, Side
from homeward.services.registry import (
    ImportPersonFile,
    count_persons,
    import_person_file,
    list_quarantine,
)

HEADER = "record_id,surname,given_name,date_of_birth,status\n"


def good_rows(start: int, count: int, prefix: str = "G") -> str:
    return "".join(
        f"{prefix}-{i},Тестенко,Іван,1990-01-02,pow\n" for i in range(start, start + count)
    )


def run(engine: Engine, path: Path, encoding: str | None = None) -> tuple[int, int, int]:
    command = ImportPersonFile(Side.RU, RegistryKind.HOLDINGS, path, encoding)
    result = import_person_file(command, SqlUnitOfWork(engine))
    return result.imported, result.quarantined, result.unchanged


def stored(engine: Engine) -> dict[str, dict[str, object]]:
    with engine.connect() as conn:
        return {r.record_id: dict(r._mapping) for r in conn.execute(select(persons))}


# --- rows lost: damage in one row refused or swallowed the rest ---------------------------


def test_one_invalid_byte_quarantines_its_row_with_the_bytes_and_imports_the_rest(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "hidden-persons.csv"
    body = HEADER.encode() + good_rows(0, 21).encode()
    body += "X-1,Шевч".encode() + b"\xff" + "ук,Олег,1990,pow\n".encode()  # line 23
    body += good_rows(21, 27).encode()
    path.write_bytes(body)
    assert run(engine, path) == (48, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 23
    assert "not valid UTF-8" in bad.reason
    assert "Шевч\\xffук" in bad.reason


def test_an_unbalanced_quote_quarantines_only_its_own_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    rows = [
        "Q-1,Тестенко,Іван,1990,pow",
        'Q-2,"Пробний,Петро,1991,pow',
        "Q-3,Зразок,Олег,1992,pow",
        "Q-4,Вигадко,Ганна,1993,pow",
        "Q-5,Прикладенко,Марія,1994,pow",
        "Q-6,Тестовий,Андрій,1995,pow",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert run(engine, path) == (5, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 3
    assert 'Q-2,"Пробний' in bad.reason


def test_text_after_a_closing_quote_is_a_damaged_row_not_a_merged_one(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "stray.csv"
    path.write_text(
        HEADER + 'S-1,"Тест"енко,Іван,1990,pow\nS-2,Коваль,Ганна,1991,pow\n', encoding="utf-8"
    )
    assert run(engine, path) == (1, 1, 0)
    assert [q.line for q in list_quarantine(None, SqlUnitOfWork(engine))] == [2]


def test_a_quoted_value_over_two_lines_is_still_one_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text(
        "record_id,surname,given_name,place_of_birth\n"
        'M-1,Тестенко,Іван,"вул. Вигадана, 1\nм. Зразкове"\nM-2,Коваль,Ганна,\n',
        encoding="utf-8",
    )
    assert run(engine, path) == (2, 0, 0)
    assert stored(engine)["M-1"]["place_of_birth"] == "вул. Вигадана, 1\nм. Зразкове"


def test_an_embedded_nul_quarantines_its_row_with_the_bytes(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(HEADER.encode() + b"N-1,Te\x00st,X,1990,pow\n" + good_rows(0, 3).encode())
    assert run(engine, path) == (3, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert "\\x00" in bad.reason
    assert bad.line == 2


def test_a_row_with_too_many_fields_is_quarantined_with_its_raw_line(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(HEADER + "W-1,Тест,Іван,1990,pow,extra\n" + good_rows(0, 2), encoding="utf-8")
    assert run(engine, path) == (2, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert "6 values for 5 columns" in bad.reason
    assert "W-1,Тест,Іван,1990,pow,extra" in bad.reason


def test_a_field_over_131072_characters_quarantines_its_row_not_the_file(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        HEADER + good_rows(0, 2) + "L-1," + "Я" * 131_073 + ",Іван,1990,pow\n" + good_rows(2, 2),
        encoding="utf-8",
    )
    assert run(engine, path) == (4, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 4
    assert bad.field == "surname"
    assert "ЯЯЯЯ" in bad.reason


def test_a_line_longer_than_the_reader_holds_is_one_damaged_row(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "huge-line.csv"
    path.write_text(HEADER + "H-1," + "x" * (3 << 20) + "\n" + good_rows(0, 2), encoding="utf-8")
    assert run(engine, path) == (2, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 2
    assert "longer than" in bad.reason


def test_a_value_under_an_empty_header_name_is_not_dropped_silently(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "unnamed.csv"
    path.write_text(
        "record_id,surname,,given_name\nU-1,Тест,важливо,Іван\nU-2,Коваль,,Ганна\n",
        encoding="utf-8",
    )
    assert run(engine, path) == (1, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 2
    assert "важливо" in bad.reason
    assert "no name" in bad.reason


# --- the quarantine keeps every bad row -------------------------------------------------------


def test_the_same_bad_bytes_in_two_files_are_both_listed(engine: Engine, tmp_path: Path) -> None:
    content = HEADER + good_rows(0, 2) + "B-1,,Іван,1990,pow\n"
    (tmp_path / "a.csv").write_text(content, encoding="utf-8")
    (tmp_path / "b.csv").write_text(content, encoding="utf-8")
    run(engine, tmp_path / "a.csv")
    run(engine, tmp_path / "b.csv")
    listed = [
        (Path(q.file_name).name, q.line) for q in list_quarantine(None, SqlUnitOfWork(engine))
    ]
    assert listed == [("a.csv", 4), ("b.csv", 4)]


def test_three_identical_bad_rows_in_one_file_are_three_entries_and_reimport_adds_none(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "same.csv"
    path.write_text(HEADER + "B-1,,Іван,1990,pow\n" * 3 + good_rows(0, 1), encoding="utf-8")
    assert run(engine, path) == (1, 3, 0)
    assert [q.line for q in list_quarantine(None, SqlUnitOfWork(engine))] == [2, 3, 4]
    assert run(engine, path) == (0, 3, 1)
    assert len(list_quarantine(None, SqlUnitOfWork(engine))) == 3


# --- whole-file problems, named before anything is written ----------------------------------


def test_a_utf16_file_with_a_byte_order_mark_is_refused_naming_utf16(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (HEADER + good_rows(0, 3)).encode("utf-16-le"))
    with pytest.raises(PersonFileError, match=r"utf16\.csv: the file is utf-16"):
        run(engine, path)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_a_utf16_file_without_a_byte_order_mark_is_detected(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "utf16le.csv"
    path.write_bytes((HEADER + good_rows(0, 5)).encode("utf-16-le"))
    with pytest.raises(PersonFileError, match="looks like utf-16-le without a byte-order mark"):
        run(engine, path)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_a_utf16_file_imports_with_the_encoding_named(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + (HEADER + good_rows(0, 3)).encode("utf-16-le"))
    assert run(engine, path, "utf-16") == (3, 0, 0)


def test_a_cp1251_file_imports_with_encoding_cp1251(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "cp1251.csv"
    path.write_bytes(
        (HEADER + good_rows(0, 4) + "C-1,Їжакевич,Євген,1990,полонений\n").encode("cp1251")
    )
    assert run(engine, path, "cp1251") == (5, 0, 0)
    assert stored(engine)["C-1"]["surname"] == "Їжакевич"


def test_a_koi8_file_is_named_as_koi8(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "koi8.csv"
    path.write_bytes((HEADER + "K-1,Петренко,Иван,1990,pow\n" * 5).encode("koi8-u"))
    with pytest.raises(PersonFileError, match="looks like koi8-u"):
        run(engine, path)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "a ZIP archive"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "a PDF document"),
        (bytes(range(256)) * 40, "binary data"),
    ],
)
def test_a_file_that_is_not_a_csv_at_all_is_refused_saying_what_it_is(
    engine: Engine, tmp_path: Path, content: bytes, kind: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    with pytest.raises(PersonFileError, match=f"this is {kind}"):
        run(engine, path)


def test_a_text_that_names_no_person_column_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "letter.csv"
    path.write_text("Шановний пане,\nнадсилаю список.\n", encoding="utf-8")
    with pytest.raises(PersonFileError, match="names none of the person-file columns"):
        run(engine, path)


def test_a_file_with_cr_only_line_endings_is_read(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes((HEADER + good_rows(0, 3)).replace("\n", "\r").encode())
    assert run(engine, path) == (3, 0, 0)


def test_a_semicolon_separated_file_from_a_ukrainian_spreadsheet_is_read(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "semicolon.csv"
    path.write_text(
        "record_id;surname;given_name\nS-1;Тестенко;Іван\nS-2;Коваль;Ганна\n", encoding="utf-8"
    )
    assert run(engine, path) == (2, 0, 0)


# --- values in the registry's own language ---------------------------------------------------


def test_a_registry_in_ukrainian_and_russian_values_imports_without_quarantine(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "uk-ru.csv"
    path.write_text(
        "record_id,surname,given_name,sex,status,category,health\n"
        "V-1,Тестенко,Іван,ч,Військовополонений,військовий,поранений\n"
        "V-2,Коваль,Ганна,Ж,зникла  безвісти,Цивільна,здорова\n"
        "V-3,Пробнов,Сергей,м,военнопленный,военный,тяжелораненый\n"
        "V-4,Образцова,Анна,жен.,пропавшая без вести,гражданское лицо,\n"
        "V-5,Fakeson,Ivan,male,POW,military,fit\n",
        encoding="utf-8",
    )
    assert run(engine, path) == (5, 0, 0)
    rows = stored(engine)
    assert (rows["V-1"]["sex"], rows["V-1"]["status"], rows["V-1"]["category"]) == (
        Sex.MALE,
        LegalStatus.POW,
        Category.MILITARY,
    )
    assert (rows["V-2"]["status"], rows["V-2"]["health"]) == (LegalStatus.MISSING, "fit")
    assert (rows["V-3"]["sex"], rows["V-3"]["health"]) == (Sex.MALE, "seriously_ill")
    assert (rows["V-4"]["sex"], rows["V-4"]["category"]) == (Sex.FEMALE, Category.CIVILIAN)


def test_a_status_that_cannot_be_read_quarantines_the_row_with_the_value(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "status.csv"
    path.write_text(HEADER + "T-1,Тестенко,Іван,1990,у розшуку\n", encoding="utf-8")
    assert run(engine, path) == (0, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.field == "status"
    assert "у розшуку" in bad.reason


# --- accepted nonsense -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "reason"),
    [
        ("2030-05-01", "in the future"),
        ("2200", "in the future"),
        ("1850-01-01", "more than 120 years ago"),
        ("١٩٩٠-٠١-٠٢", "not a date in the form"),
        ("１９９０-０１-０２", "not a date in the form"),
    ],
)
def test_an_impossible_birth_date_is_refused_with_the_field_named(
    engine: Engine, tmp_path: Path, date: str, reason: str
) -> None:
    path = tmp_path / "dates.csv"
    path.write_text(HEADER + f"D-1,Тестенко,Іван,{date},pow\n", encoding="utf-8")
    assert run(engine, path) == (0, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.field == "date_of_birth"
    assert reason in bad.reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[{"record_id": NaN, "surname": "a", "given_name": "b"}]', "NaN is not a JSON value"),
        ('[{"record_id": "1", "surname": Infinity, "given_name": "b"}]', "Infinity"),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than"),
        ('[{"record_id": "1", "x": ' + "[" * 40 + "]" * 40 + "}]", "nested deeper than"),
        ("[1, 2, 3]", "first item is not an object"),
        ('[["record_id", "surname"]]', "first item is not an object"),
    ],
)
def test_json_that_is_not_a_plain_list_of_objects_is_refused_without_a_crash(
    engine: Engine, tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PersonFileError, match=reason):
        run(engine, path)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


# --- XLSX ------------------------------------------------------------------------------------


def _workbook(
    path: Path, rows: list[list[object]], second: list[list[object]] | None = None
) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if second is not None:
        other = book.create_sheet("Аркуш2")
        for row in second:
            other.append(row)
    book.save(path)
    return path


def test_excel_serial_numbers_in_a_date_column_are_read_as_dates(
    engine: Engine, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "serial.xlsx",
        [
            ["record_id", "surname", "given_name", "date_of_birth"],
            ["X-1", "Тест", "Іван", 32874],
            ["X-2", "Коваль", "Ганна", 1985],
        ],
    )
    assert run(engine, path) == (2, 0, 0)
    rows = stored(engine)
    assert rows["X-1"]["date_of_birth"] == "1990-01-01"
    assert rows["X-2"]["date_of_birth"] == "1985"


def test_a_formula_without_a_saved_value_is_named_not_blanked(
    engine: Engine, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "formula.xlsx",
        [
            ["record_id", "surname", "given_name"],
            ["F-1", "Тест", "Іван"],
            ["F-2", '=UPPER("x")', "Ганна"],
        ],
    )
    assert run(engine, path) == (1, 1, 0)
    [bad] = list_quarantine(None, SqlUnitOfWork(engine))
    assert bad.line == 3
    assert "cell B3 holds a formula with no saved value" in bad.reason


def test_data_on_a_second_sheet_is_refused_naming_the_sheet(engine: Engine, tmp_path: Path) -> None:
    header = ["record_id", "surname", "given_name"]
    path = _workbook(tmp_path / "sheets.xlsx", [], [header, ["Z-1", "Тест", "Іван"]])
    with pytest.raises(
        PersonFileError, match="first sheet is empty and the data is on sheet Аркуш2"
    ):
        run(engine, path)
    both = _workbook(
        tmp_path / "both.xlsx", [header, ["Z-1", "Тест", "Іван"]], [header, ["Z-2", "Б", "В"]]
    )
    with pytest.raises(PersonFileError, match="data on sheet Аркуш2 besides the first"):
        run(engine, both)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text(HEADER, encoding="utf-8")
    with pytest.raises(PersonFileError, match="not an XLSX workbook: the file is not a ZIP"):
        run(engine, path)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(PersonFileError, match=r"no xl/workbook\.xml"):
        run(engine, other)


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(engine: Engine, tmp_path: Path) -> None:
    good = _workbook(
        tmp_path / "good.xlsx", [["record_id", "surname", "given_name"], ["B-1", "Т", "І"]]
    )
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        # 300 MiB of one repeated string packs into about 300 KiB
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            block = b"<si><t>" + b"A" * 1_048_000 + b"</t></si>"
            for _ in range(300):
                part.write(block)
    assert bomb.stat().st_size < 2 << 20
    with pytest.raises(PersonFileError, match="zip bomb"):
        run(engine, bomb)


def test_json_dumped_with_nan_from_python_is_not_stored_as_the_word_nan(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "pandas.json"
    path.write_text(
        json.dumps([{"record_id": "1", "surname": float("nan"), "given_name": "b"}]),
        encoding="utf-8",
    )
    with pytest.raises(PersonFileError, match="NaN"):
        run(engine, path)
    assert "1" not in stored(engine)


def test_a_workbook_whose_sheet_xml_is_broken_is_refused_not_a_crash(
    engine: Engine, tmp_path: Path
) -> None:
    good = _workbook(
        tmp_path / "good.xlsx", [["record_id", "surname", "given_name"], ["B-1", "Т", "І"]]
    )
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            out.writestr(item, data)
    with pytest.raises(PersonFileError, match="not an XLSX workbook"):
        run(engine, broken)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 0


def test_a_registry_with_every_kind_of_row_damage_imports_every_good_row_once(
    engine: Engine, tmp_path: Path
) -> None:
    header = "record_id,surname,given_name,sex,date_of_birth,status,,note\n"
    good = [f"K-{i},Тестенко,Іван,ч,1990-01-02,полонений,,\n".encode() for i in range(40)]
    bad = {
        5: "B-1,Шевч".encode() + b"\xff" + "ук,Олег,ч,1990,pow,,\n".encode(),
        9: 'B-2,"Пробний,Петро,ч,1991,pow,,\n'.encode(),
        12: b"B-3,Te\x00st,X,M,1990,pow,,\n",
        15: "B-4,Тест,Іван,ч,1990,pow,,,зайве\n".encode(),
        18: ("B-5," + "Я" * 131_073 + ",Іван,ч,1990,pow,,\n").encode(),
        21: "B-6,Тест,Іван,ч,1990,pow,без назви,\n".encode(),
        24: "B-7,Тест,Іван,ч,1990,у розшуку,,\n".encode(),
        27: "B-8,Тест,Іван,ч,2031-01-01,pow,,\n".encode(),
        30: "B-9,Тест,Іван,ч,١٩٩٠,pow,,\n".encode(),
        33: "K-0,Тестенко,Іван,ч,1990-01-02,полонений,,\n".encode(),  # duplicate id
        36: "B-10,,Іван,ч,1990,pow,,\n".encode(),
        37: "B-10,,Іван,ч,1990,pow,,\n".encode(),
        38: "B-10,,Іван,ч,1990,pow,,\n".encode(),
    }
    lines: list[bytes] = []
    for number in range(2, 2 + len(good) + len(bad)):
        lines.append(bad[number] if number in bad else good.pop(0))
    path = tmp_path / "hidden-persons.csv"
    path.write_bytes(header.encode() + b"".join(lines))
    assert run(engine, path) == (40, len(bad), 0)
    listed = {q.line: q for q in list_quarantine(None, SqlUnitOfWork(engine))}
    assert sorted(listed) == sorted(bad)
    assert "\\xff" in listed[5].reason
    assert 'B-2,"Пробний' in listed[9].reason
    assert "\\x00" in listed[12].reason
    assert "зайве" in listed[15].reason
    assert listed[18].field == "surname"
    assert "без назви" in listed[21].reason
    assert "у розшуку" in listed[24].reason
    assert "in the future" in listed[27].reason
    assert "not a date in the form" in listed[30].reason
    assert "duplicate of line 2" in listed[33].reason
    assert run(engine, path) == (0, len(bad), 40)
    assert len(list_quarantine(None, SqlUnitOfWork(engine))) == len(bad)
    assert count_persons(Side.RU, RegistryKind.HOLDINGS, SqlUnitOfWork(engine)) == 40
