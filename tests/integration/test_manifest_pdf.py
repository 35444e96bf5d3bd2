from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from homeward.adapters.manifest_pdf import manifest_pdf, save_manifest_pdf
from homeward.planning import ManifestHeader, ManifestRow, checkin_code

HEADER = ManifestHeader(
    "Tranche day-1: people handed over by RU", "day-1", "RU", date(2025, 5, 23), "ua-by-border"
)


def _rows(n: int) -> list[ManifestRow]:
    return [
        ManifestRow(
            checkin_code(f"p{i}", "day-1", b"a test workspace secret"),
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


def test_a_long_manifest_runs_over_several_numbered_pages(tmp_path: Path) -> None:
    path = tmp_path / "m.pdf"
    pages = save_manifest_pdf(_rows(30), HEADER, path)
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pages == _pages(pdf) > 1
    if shutil.which("pdftotext"):
        text = _text(path)
        for page in range(1, pages + 1):
            assert f"page {page} of {pages}" in text


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            (
                "Totals: military: 4",
                "Reserve, in order",
                "For UA",
                "For the mediator",
                "page 1 of 1",
            ),
        ),
        (
            "uk",
            (
                "Разом: військові: 4",
                "Резерв за порядком",
                "Від UA",
                "Від посередника",
                "сторінка 1 з 1",
            ),
        ),
        (
            "ru",
            ("Итого: военные: 4", "Резерв по порядку", "От RU", "От посредника", "страница 1 из 1"),
        ),
    ],
)
def test_the_manifest_has_totals_the_reserve_and_three_signature_blocks_in_each_language(
    tmp_path: Path, language: str, words: tuple[str, ...]
) -> None:
    from homeward.web.i18n import load_catalogue

    messages = load_catalogue(language)

    def gettext(message: str, **values: object) -> str:
        text = messages.get(message) or message
        return text % values if values else text

    reserve = [ManifestRow("", "Резервенко", "Олег", "", "1991", "military")]
    path = tmp_path / "m.pdf"
    save_manifest_pdf(_rows(4), HEADER, path, gettext=gettext, reserve=reserve)
    text = " ".join(_text(path).split())
    for word in words:
        assert word in text, (word, text[:600])
    assert "Резервенко" in text


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
