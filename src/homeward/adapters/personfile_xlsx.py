"""XLSX person files: bounded before they are opened, then read from the first sheet.

A workbook is a ZIP archive; its declared sizes are checked before openpyxl unpacks
anything (Python's zipfile never yields more than a part declares), so a zip bomb is
refused instead of filling memory. The first sheet's XML is scanned once, streaming, to
count cells and to find formulas saved without a value (openpyxl would give them as blank).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, iterparse

from homeward.adapters.personfile_errors import (
    DUPLICATE_COLUMN,
    NO_HEADER,
    XLSX_DATA_ELSEWHERE,
    XLSX_NO_WORKBOOK_PART,
    XLSX_NOT_WORKBOOK,
    XLSX_NOT_ZIP,
    XLSX_OTHER_SHEETS,
    XLSX_RATIO,
    XLSX_TOO_BIG,
    XLSX_TOO_MANY_CELLS,
    XLSX_TOO_MANY_PARTS,
    PersonFileError,
)
from homeward.domain.validation import DAMAGE_KEY, FORMULA, UNNAMED_PREFIX, field_error

MAX_PARTS = 10_000
MAX_PART_BYTES = 256 << 20  # parts openpyxl loads whole (shared strings, styles)
MAX_SHEET_BYTES = 2 << 30  # sheets are streamed, so they may be larger
MAX_TOTAL_BYTES = 3 << 30
MAX_RATIO = 200  # ordinary XML packs 5-20 times; a bomb about 1,000 times
RATIO_FLOOR = 16 << 20  # small parts may pack as tightly as they like
MAX_CELLS = 30_000_000  # a million rows of thirty columns
DATE_COLUMNS = frozenset({"date_of_birth", "date_of_capture"})
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """(sheet row, raw row) for every non-empty row of the first sheet after the header."""
    _check_archive(path)
    from openpyxl import load_workbook  # heavy; only for XLSX files
    from openpyxl.utils.datetime import from_excel

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail=str(exc)[:200]) from None
    try:
        yield from _sheet_rows(path, book, from_excel)
    except PersonFileError:
        raise
    except Exception as exc:  # damaged XML inside a workbook that opened
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail=str(exc)[:200]) from None
    finally:
        book.close()


def _sheet_rows(path: Path, book: Any, from_excel: Any) -> Iterator[tuple[int, dict[str, object]]]:
    sheets = list(book.worksheets)
    if not sheets:
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail="no worksheet")
    first = sheets[0]
    formulas = _scan_sheet(path, book, first._worksheet_path)
    others = [s.title for s in sheets[1:] if _has_data(s)]
    first.reset_dimensions()  # a forged dimension would pad every row to 16,384 cells
    rows = first.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(h is not None and str(h).strip() for h in header):
        if others:
            raise PersonFileError(path, None, XLSX_DATA_ELSEWHERE, sheets=", ".join(others))
        raise PersonFileError(path, 1, NO_HEADER)
    if others:
        raise PersonFileError(path, None, XLSX_OTHER_SHEETS, sheets=", ".join(others))
    names = _names(path, header)
    epoch = book.epoch
    for number, values in enumerate(rows, start=2):
        cells = [
            _cell_text(v, n in DATE_COLUMNS, epoch, from_excel)
            for n, v in zip(names, values, strict=False)
        ]
        cells += [_cell_text(v, False, epoch, from_excel) for v in values[len(names) :]]
        missing = formulas.get(number)
        if not any(c.strip() for c in cells) and not missing:
            continue
        row: dict[str, object] = dict(zip(names, cells, strict=False))
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
            column = len(names) + 1
            row[f"{UNNAMED_PREFIX}{column}__"] = next(c for c in cells[len(names) :] if c.strip())
        if missing:
            row[DAMAGE_KEY] = [field_error("row", FORMULA, cell=c) for c in missing]
        yield number, row


def _names(path: Path, header: tuple[Any, ...]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for position, value in enumerate(header, start=1):
        name = "" if value is None else str(value).strip()
        if not name:
            names.append(f"{UNNAMED_PREFIX}{position}__")
            continue
        if name in seen:
            raise PersonFileError(path, 1, DUPLICATE_COLUMN, column=repr(name))
        seen.add(name)
        names.append(name)
    return names


def _cell_text(value: object, is_date: bool, epoch: dt.datetime, from_excel: Any) -> str:
    text = str(value)
    if value is None:
        text = ""
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if is_date and 2200 < value < 2_958_466:
            # A date kept as Excel's serial number (32874 is 1990-01-01) in a cell not
            # formatted as a date; 1800-2200 in a date column is a year.
            with contextlib.suppress(OverflowError, ValueError):
                text = from_excel(value, epoch).date().isoformat()
        elif isinstance(value, float) and value.is_integer():
            text = str(int(value))
    return text


def _check_archive(path: Path) -> None:
    """Refuse, from the archive's directory alone, what is not a workbook or unpacks too big."""
    if not zipfile.is_zipfile(path):
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail=XLSX_NOT_ZIP)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail=str(exc)[:200]) from None
    if len(parts) > MAX_PARTS:
        raise PersonFileError(
            path, None, XLSX_NOT_WORKBOOK, detail=XLSX_TOO_MANY_PARTS % {"limit": MAX_PARTS}
        )
    if not any(p.filename == "xl/workbook.xml" for p in parts):
        raise PersonFileError(path, None, XLSX_NOT_WORKBOOK, detail=XLSX_NO_WORKBOOK_PART)
    total = 0
    for part in parts:
        total += part.file_size
        limit = MAX_SHEET_BYTES if part.filename.startswith("xl/worksheets/") else MAX_PART_BYTES
        if part.file_size > limit or total > MAX_TOTAL_BYTES:
            raise PersonFileError(
                path, None, XLSX_TOO_BIG, part=part.filename, size=part.file_size, limit=limit
            )
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise PersonFileError(path, None, XLSX_RATIO, part=part.filename, ratio=ratio)


def _scan_sheet(path: Path, book: Any, sheet_path: str) -> dict[int, list[str]]:
    """Row -> cells holding a formula with no saved value; refuse more than MAX_CELLS cells."""
    missing: dict[int, list[str]] = {}
    cells = 0
    parents: list[Element] = []
    with book._archive.open(sheet_path) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == f"{_MAIN}sheetData":
                    parents.append(element)
                continue
            if element.tag == f"{_MAIN}c":
                cells += 1
                if cells > MAX_CELLS:
                    raise PersonFileError(path, None, XLSX_TOO_MANY_CELLS, limit=MAX_CELLS)
                if element.find(f"{_MAIN}f") is not None and not element.findtext(f"{_MAIN}v"):
                    reference = element.get("r", "?")
                    missing.setdefault(_row_of(reference), []).append(reference)
            elif element.tag == f"{_MAIN}row" and parents:
                parents[-1].remove(element)  # keep memory flat: rows are done with
    return missing


def _row_of(reference: str) -> int:
    digits = "".join(c for c in reference if c.isdigit())
    return int(digits) if digits else 0


def _has_data(sheet: Any) -> bool:
    sheet.reset_dimensions()
    for values in sheet.iter_rows(values_only=True):
        if any(v is not None and str(v).strip() for v in values):
            return True
    return False
