from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from homeward.adapters.manifest_pdf import ROWS_PER_PAGE, manifest_pdf, save_manifest_pdf
from homeward.planning import ManifestHeader, ManifestRow, checkin_code

HEADER = ManifestHeader(
    "Tranche day-1: people handed over by RU", "day-1", "RU", date(2025, 5, 23), "ua-by-border"
)


def _rows(n: int) -> list[ManifestRow]:
    return [
        ManifestRow(
            checkin_code(f"p{i}", "day-1"),
            f"Тестенко-{i}",
            "Іван",
            "Петрович",
            "1990-01",
            "military",
        )
        for i in range(n)
    ]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_the_pdf_manifest_has_a_page_per_block_of_people(tmp_path: Path) -> None:
    path = tmp_path / "m.pdf"
    pages = save_manifest_pdf(_rows(ROWS_PER_PAGE + 1), HEADER, path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pages == 2
    assert _pages(pdf) == 2


def test_an_empty_manifest_still_prints_its_header_page() -> None:
    assert _pages(manifest_pdf([], HEADER)) == 1


def test_the_pdf_manifest_is_byte_for_byte_reproducible() -> None:
    assert manifest_pdf(_rows(5), HEADER) == manifest_pdf(_rows(5), HEADER)


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools to read the QR codes back",
)
def test_each_qr_code_reads_back_as_tranche_side_and_check_in_code(tmp_path: Path) -> None:
    rows = _rows(3)
    path = tmp_path / "m.pdf"
    save_manifest_pdf(rows, HEADER, path)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert sorted(out) == sorted(f"HW1:day-1:RU:{r.code}" for r in rows)
