"""Tranche manifests as CSV: one line per person, the columns of ``ManifestRow``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import astuple
from pathlib import Path
from typing import TextIO

from homeward.adapters.spreadsheet import neutralise
from homeward.planning.manifest import COLUMNS, ManifestRow


def write_manifest_csv(rows: Iterable[ManifestRow], out: TextIO) -> int:
    """Write the header and one line per row; return the number of people written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for row in rows:
        # A name typed as "=HYPERLINK(...)" stays text in a spreadsheet (CSV injection).
        writer.writerow([neutralise(str(v)) for v in astuple(row)])
        n += 1
    return n


def manifest_csv(rows: Iterable[ManifestRow]) -> str:
    buf = io.StringIO()
    write_manifest_csv(rows, buf)
    return buf.getvalue()


def save_manifest_csv(rows: Iterable[ManifestRow], path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as out:
        return write_manifest_csv(rows, out)
