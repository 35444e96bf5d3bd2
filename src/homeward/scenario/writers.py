"""Write person files (CSV, XLSX, JSON) and whole scenarios to disk, byte for byte the same
for the same input: no clocks, fixed order, fixed ZIP timestamps in XLSX."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from homeward.domain.person import PERSON_FIELDS, PersonRecord
from homeward.scenario.generate import Scenario

FORMATS = ("csv", "xlsx", "json")
TRUTH_HEADER = ("sought_record_id", "holdings_record_id")
_FIXED_ZIP_TIME = (2025, 5, 16, 0, 0, 0)
_FIXED_ISO = "2025-05-16T00:00:00Z"


def person_header(records: Iterable[PersonRecord]) -> list[str]:
    """The person fields, then extra columns in the order they first appear."""
    header = list(PERSON_FIELDS)
    seen = set(header)
    for record in records:
        for key in record.extra:
            if key not in seen:
                seen.add(key)
                header.append(key)
    return header


def write_person_file(records: Sequence[PersonRecord], path: Path) -> Path:
    """Write ``records`` to ``path``; the suffix (.csv, .xlsx, .json) chooses the format."""
    header = person_header(records)
    rows = ([row.get(name, "") for name in header] for row in (r.as_row() for r in records))
    return write_table(header, rows, path)


def write_table(header: Sequence[str], rows: Iterable[Sequence[str]], path: Path) -> Path:
    """Stream ``rows`` (values in ``header`` order) to ``path`` in its suffix's format.

    A row longer or shorter than the header is written as it is (CSV: that many values;
    JSON: an array instead of an object), which is how benchmark files carry malformed rows.
    """
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"cannot write {path}: use one of .{', .'.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == "csv":
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    elif suffix == "json":
        with path.open("w", encoding="utf-8", newline="\n") as out:
            _write_json(header, rows, out)
    else:
        _write_xlsx(header, rows, path)
    return path


def _write_json(header: Sequence[str], rows: Iterable[Sequence[str]], out: IO[str]) -> None:
    out.write("[")
    first = True
    for values in rows:
        item: object
        if len(values) == len(header):
            item = {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}
        else:
            item = list(values)
        out.write("\n" if first else ",\n")
        out.write(json.dumps(item, ensure_ascii=False))
        first = False
    out.write("\n]\n")


def _write_xlsx(header: Sequence[str], rows: Iterable[Sequence[str]], path: Path) -> None:
    from openpyxl import Workbook  # heavy; only for XLSX files

    book = Workbook(write_only=True)
    sheet = book.create_sheet("people")
    sheet.append(list(header))
    for values in rows:
        # Empty cells stay empty; everything else is text so that 0123 keeps its zero.
        sheet.append([v if v != "" else None for v in values])
    book.save(path)
    _normalise_zip(path)


def _normalise_zip(path: Path) -> None:
    """Rewrite an XLSX with fixed entry times and document dates so that it is reproducible.

    Entries are copied in chunks: a million-row sheet never sits in memory.
    """
    fixed = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if entry.filename == "docProps/core.xml":
                text = source.read(entry).decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{_FIXED_ISO}\g<2>",
                    text,
                )
                target.writestr(info, text.encode("utf-8"))
                continue
            with source.open(entry) as data, target.open(info, "w") as out:
                shutil.copyfileobj(data, out, 1 << 20)
    fixed.replace(path)


def write_scenario(scenario: Scenario, out_dir: Path, fmt: str = "csv") -> dict[str, Path]:
    """Write the four registries (as ``fmt``), truth.csv and scenario.json into ``out_dir``.

    Returns the paths by key: ua_holdings, ru_holdings, ua_sought, ru_sought, truth, scenario.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for key, records in scenario.files.items():
        paths[key] = write_person_file(records, out_dir / f"{key}.{fmt}")
    paths["truth"] = write_table(TRUTH_HEADER, scenario.truth, out_dir / "truth.csv")
    summary = scenario.summary()
    summary["format"] = fmt
    summary["files_written"] = {key: path.name for key, path in paths.items()}
    paths["scenario"] = out_dir / "scenario.json"
    paths["scenario"].write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return paths
