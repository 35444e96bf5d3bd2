"""Tranche manifests as PDF: a table with a QR code per person (reportlab + segno).

The QR code holds only the tranche, the side and the check-in code, never a name. Output
is byte-for-byte reproducible (reportlab's invariant mode). Cyrillic needs a TrueType font
with Cyrillic glyphs: DejaVu Sans (Debian package fonts-dejavu-core) or Liberation Sans is
used when installed, else Helvetica (Latin only).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from homeward.planning.manifest import ManifestHeader, ManifestRow, qr_payload

FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
ROWS_PER_PAGE = 12
ROW_HEIGHT = 20 * mm
QR_SIZE = 17 * mm
MARGIN = 15 * mm


def _font() -> str:
    for name, path in FONT_CANDIDATES:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return "Helvetica"


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code with its bottom-left corner at (x, y), one rectangle per dark run."""
    qr = segno.make(payload, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=2)]
    module = size / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                canvas.rect(x + start * module, top, (c - start) * module, module, 0, 1)
            else:
                c += 1


def _page_header(canvas: Canvas, font: str, header: ManifestHeader, page: int, pages: int) -> float:
    width, height = A4
    top = height - MARGIN
    canvas.setFont(font, 13)
    canvas.drawString(MARGIN, top, header.title)
    canvas.setFont(font, 9)
    canvas.drawString(
        MARGIN,
        top - 6 * mm,
        f"Tranche {header.tranche_id}  ·  {header.day.isoformat()}  ·  {header.crossing}  ·  "
        f"released by {header.side}",
    )
    canvas.drawRightString(width - MARGIN, top - 6 * mm, f"page {page} of {pages}")
    y = top - 14 * mm
    canvas.setFont(font, 8)
    for x, label in (
        (0, "#"),
        (10, "QR"),
        (30, "Code"),
        (55, "Name"),
        (135, "Born"),
        (160, "Category"),
    ):
        canvas.drawString(MARGIN + x * mm, y, label)
    canvas.line(MARGIN, y - 2 * mm, width - MARGIN, y - 2 * mm)
    return float(y - 3 * mm)


def write_manifest_pdf(rows: Sequence[ManifestRow], header: ManifestHeader, out: BinaryIO) -> int:
    """Render the manifest into ``out``; return the number of pages."""
    font = _font()
    canvas = Canvas(out, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(header.title)
    canvas.setAuthor("homeward")
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    for page in range(pages):
        y = _page_header(canvas, font, header, page + 1, pages)
        chunk = rows[page * ROWS_PER_PAGE : (page + 1) * ROWS_PER_PAGE]
        for i, row in enumerate(chunk):
            bottom = y - ROW_HEIGHT
            number = page * ROWS_PER_PAGE + i + 1
            _draw_qr(canvas, qr_payload(header, row), MARGIN + 8 * mm, bottom + 1.5 * mm, QR_SIZE)
            mid = bottom + ROW_HEIGHT / 2
            canvas.setFont(font, 9)
            canvas.drawString(MARGIN, mid, str(number))
            canvas.setFont("Courier-Bold", 13)
            canvas.drawString(MARGIN + 30 * mm, mid - 1 * mm, row.code)
            canvas.setFont(font, 10)
            canvas.drawString(MARGIN + 55 * mm, mid + 1 * mm, row.surname)
            canvas.setFont(font, 9)
            canvas.drawString(
                MARGIN + 55 * mm,
                mid - 4 * mm,
                " ".join(p for p in (row.given_name, row.patronymic) if p),
            )
            canvas.drawString(MARGIN + 135 * mm, mid, row.date_of_birth)
            canvas.drawString(MARGIN + 160 * mm, mid, row.category)
            canvas.setLineWidth(0.2)
            canvas.line(MARGIN, bottom, A4[0] - MARGIN, bottom)
            y = bottom
        canvas.showPage()
    canvas.save()
    return pages


def manifest_pdf(rows: Sequence[ManifestRow], header: ManifestHeader) -> bytes:
    buf = io.BytesIO()
    write_manifest_pdf(rows, header, buf)
    return buf.getvalue()


def save_manifest_pdf(rows: Sequence[ManifestRow], header: ManifestHeader, path: Path) -> int:
    with path.open("wb") as out:
        return write_manifest_pdf(rows, header, out)
