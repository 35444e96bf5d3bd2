"""Tranche manifests as PDF: a table with a QR code per person (reportlab + segno),
totals per category, the reserve, signature blocks for the three parties, page numbers,
in the reader's language.

The QR code holds only the tranche, the side and the check-in code, never a name. Output
is byte-for-byte reproducible (reportlab's invariant mode). Cyrillic needs a TrueType font
with Cyrillic glyphs: DejaVu Sans (Debian package fonts-dejavu-core) or Liberation Sans is
used when installed, else Helvetica (Latin only).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from homeward.domain.display_names import category_words, place_words, tranche_words
from homeward.planning.manifest import ManifestHeader, ManifestRow, qr_payload

FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
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


Gettext = Callable[..., str]


def _english(message: str, **values: object) -> str:
    return message % values if values else message


@dataclass(frozen=True)
class _Block:
    kind: str  # row, heading, reserve, totals, signatures
    height: float
    row: ManifestRow | None = None
    number: int = 0
    text: str = ""


def _blocks(
    rows: Sequence[ManifestRow], reserve: Sequence[ManifestRow], _: Gettext
) -> list[_Block]:
    out = [_Block("row", ROW_HEIGHT, row, i + 1) for i, row in enumerate(rows)]
    counts = Counter(r.category.split(" ")[0] for r in rows)
    totals = ", ".join(f"{_(c)}: {n}" for c, n in sorted(counts.items()))
    out.append(
        _Block(
            "totals",
            12 * mm,
            text=_(
                "Totals: %(by_category)s; in all %(total)s.",
                by_category=totals or "0",
                total=len(rows),
            ),
        )
    )
    if reserve:
        out.append(
            _Block(
                "heading",
                9 * mm,
                text=_("Reserve, in order: travels only as a substitute the mediator accepted."),
            )
        )
        out += [_Block("reserve", 6 * mm, r, i + 1) for i, r in enumerate(reserve)]
    out.append(_Block("signatures", 42 * mm))
    return out


def _paginate(blocks: list[_Block], first_top: float, other_top: float) -> list[list[_Block]]:
    pages: list[list[_Block]] = [[]]
    room = first_top - MARGIN - 8 * mm
    for block in blocks:
        if block.height > room and pages[-1]:
            pages.append([])
            room = other_top - MARGIN - 8 * mm
        pages[-1].append(block)
        room -= block.height
    return pages


def _page_header(
    canvas: Canvas, font: str, header: ManifestHeader, page: int, pages: int, _: Gettext
) -> float:
    width, height = A4
    top = height - MARGIN
    canvas.setFont(font, 13)
    canvas.drawString(
        MARGIN,
        top,
        _(
            "%(tranche)s: people released by %(side)s",
            tranche=tranche_words(header.tranche_id, _),
            side=header.side,
        ),
    )
    canvas.setFont(font, 9)
    canvas.drawString(
        MARGIN,
        top - 6 * mm,
        f"{header.day.isoformat()}  ·  {place_words(header.crossing, _)}",
    )
    canvas.drawRightString(
        width - MARGIN, top - 6 * mm, _("page %(page)s of %(pages)s", page=page, pages=pages)
    )
    y = top - 14 * mm
    canvas.setFont(font, 8)
    for x, label in (
        (0, "#"),
        (10, "QR"),
        (30, _("Code")),
        (55, _("Full name")),
        (135, _("Born")),
        (160, _("Category")),
    ):
        canvas.drawString(MARGIN + x * mm, y, label)
    canvas.line(MARGIN, y - 2 * mm, width - MARGIN, y - 2 * mm)
    return float(y - 3 * mm)


def _draw_row(
    canvas: Canvas, font: str, header: ManifestHeader, b: _Block, y: float, _: Gettext
) -> None:
    assert b.row is not None
    row, bottom = b.row, y - ROW_HEIGHT
    _draw_qr(canvas, qr_payload(header, row), MARGIN + 8 * mm, bottom + 1.5 * mm, QR_SIZE)
    mid = bottom + ROW_HEIGHT / 2
    canvas.setFont(font, 9)
    canvas.drawString(MARGIN, mid, str(b.number))
    canvas.setFont("Courier-Bold", 13)
    canvas.drawString(MARGIN + 30 * mm, mid - 1 * mm, row.code)
    canvas.setFont(font, 10)
    canvas.drawString(MARGIN + 55 * mm, mid + 1 * mm, row.surname)
    canvas.setFont(font, 9)
    canvas.drawString(
        MARGIN + 55 * mm, mid - 4 * mm, " ".join(p for p in (row.given_name, row.patronymic) if p)
    )
    canvas.drawString(MARGIN + 135 * mm, mid, row.date_of_birth)
    canvas.drawString(MARGIN + 160 * mm, mid, category_words(row.category, _))
    canvas.setLineWidth(0.2)
    canvas.line(MARGIN, bottom, A4[0] - MARGIN, bottom)


def _draw_signatures(canvas: Canvas, font: str, y: float, _: Gettext) -> None:
    width = (A4[0] - 2 * MARGIN - 8 * mm) / 3
    parties = (
        _("For %(party)s", party="UA"),
        _("For %(party)s", party="RU"),
        _("For the mediator"),
    )
    for i, party in enumerate(parties):
        x = MARGIN + i * (width + 4 * mm)
        top = y - 4 * mm
        canvas.setLineWidth(0.5)
        canvas.rect(x, top - 34 * mm, width, 34 * mm, 1, 0)
        canvas.setFont(font, 9)
        canvas.drawString(x + 2 * mm, top - 5 * mm, party)
        canvas.setFont(font, 8)
        for j, label in enumerate((_("Full name"), _("Signature"), _("Date"))):
            line_y = top - (14 + 8 * j) * mm
            canvas.drawString(x + 2 * mm, line_y, label)
            canvas.line(x + 20 * mm, line_y, x + width - 2 * mm, line_y)


def write_manifest_pdf(
    rows: Sequence[ManifestRow],
    header: ManifestHeader,
    out: BinaryIO,
    *,
    gettext: Gettext | None = None,
    reserve: Sequence[ManifestRow] = (),
) -> int:
    """Render the manifest into ``out`` in the language of ``gettext`` (English without
    one): the people with a QR code each, totals per category, the side's reserve in
    order, signature blocks for UA, RU and the mediator, page numbers. Returns the number
    of pages."""
    _ = gettext or _english
    font = _font()
    canvas = Canvas(out, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(
        _(
            "%(tranche)s: people released by %(side)s",
            tranche=tranche_words(header.tranche_id, _),
            side=header.side,
        )
    )
    canvas.setAuthor("homeward")
    first_top = A4[1] - MARGIN - 17 * mm
    pages = _paginate(_blocks(rows, reserve, _), first_top, first_top)
    for number, blocks in enumerate(pages, start=1):
        y = _page_header(canvas, font, header, number, len(pages), _)
        for b in blocks:
            if b.kind == "row":
                _draw_row(canvas, font, header, b, y, _)
            elif b.kind in ("totals", "heading"):
                canvas.setFont(font, 10)
                canvas.drawString(MARGIN, y - 6 * mm, b.text)
            elif b.kind == "reserve":
                assert b.row is not None
                r = b.row
                canvas.setFont(font, 9)
                canvas.drawString(MARGIN, y - 4 * mm, str(b.number))
                name = " ".join(p for p in (r.surname, r.given_name, r.patronymic) if p)
                canvas.drawString(MARGIN + 10 * mm, y - 4 * mm, name)
                canvas.drawString(MARGIN + 135 * mm, y - 4 * mm, r.date_of_birth)
                canvas.drawString(MARGIN + 160 * mm, y - 4 * mm, _(r.category))
            else:
                _draw_signatures(canvas, font, y, _)
            y -= b.height
        canvas.showPage()
    canvas.save()
    return len(pages)


def manifest_pdf(
    rows: Sequence[ManifestRow],
    header: ManifestHeader,
    *,
    gettext: Gettext | None = None,
    reserve: Sequence[ManifestRow] = (),
) -> bytes:
    buf = io.BytesIO()
    write_manifest_pdf(rows, header, buf, gettext=gettext, reserve=reserve)
    return buf.getvalue()


def save_manifest_pdf(
    rows: Sequence[ManifestRow],
    header: ManifestHeader,
    path: Path,
    *,
    gettext: Gettext | None = None,
    reserve: Sequence[ManifestRow] = (),
) -> int:
    with path.open("wb") as out:
        return write_manifest_pdf(rows, header, out, gettext=gettext, reserve=reserve)
