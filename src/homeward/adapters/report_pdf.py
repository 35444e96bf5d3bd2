"""The programme report as PDF (reportlab): the same tables as the HTML report.

Reproducible bytes (reportlab's invariant mode); Cyrillic through the TrueType font the
manifests use (DejaVu Sans or Liberation Sans when installed).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

Gettext = Callable[[str], str]
FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)


def _font() -> str:
    """A font with Cyrillic glyphs when one is installed (else Helvetica, Latin only)."""
    for name, path in FONT_CANDIDATES:
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return "Helvetica"


def programme_report_pdf(data: dict[str, Any], _: Gettext) -> bytes:
    """The report's figures (every round, totals, recovered against sought) as PDF."""
    font = _font()
    styles = getSampleStyleSheet()
    for name in ("Title", "Heading2", "Normal"):
        styles[name].fontName = font
    table_style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ]
    )
    story: list[Any] = [
        Paragraph(data.get("title") or _("Exchange programme"), styles["Title"]),
        Paragraph(_("All rounds"), styles["Heading2"]),
    ]
    cum = data["cumulative"]
    rows: list[list[Any]] = [[_("Released by"), _("military"), _("civilian"), _("total")]]
    for side, n in cum["released_by"].items():
        by = cum["by_category"][side]
        rows.append([side, by["military"], by["civilian"], n])
    story += [Table(rows, style=table_style), Spacer(1, 8)]
    rows = [[_("Party"), _("Sought"), _("Recovered")]]
    for side, v in cum["sought_recovered"].items():
        rows.append([side, v["sought"], v["recovered"]])
    story += [Paragraph(_("Recovered against sought"), styles["Heading2"])]
    story += [Table(rows, style=table_style), Spacer(1, 8)]
    for r in data["rounds"]:
        story.append(
            Paragraph(f"{_('Round %(n)s') % {'n': r['round']}}: {r['name']}", styles["Heading2"])
        )
        rows = [
            [
                _("Day"),
                _("Date"),
                "UA " + _("military"),
                "UA " + _("civilian"),
                "UA",
                "RU " + _("military"),
                "RU " + _("civilian"),
                "RU",
            ]
        ]
        for t in r["tranches"]:
            ua, ru = t["released_by"]["UA"], t["released_by"]["RU"]
            rows.append(
                [
                    t["day"],
                    t["date"],
                    ua["military"],
                    ua["civilian"],
                    ua["total"],
                    ru["military"],
                    ru["civilian"],
                    ru["total"],
                ]
            )
        rows.append(
            [
                _("Total"),
                "",
                r["totals"]["UA"]["military"],
                r["totals"]["UA"]["civilian"],
                r["totals"]["UA"]["total"],
                r["totals"]["RU"]["military"],
                r["totals"]["RU"]["civilian"],
                r["totals"]["RU"]["total"],
            ]
        )
        story += [Table(rows, style=table_style), Spacer(1, 8)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=data.get("title") or "report").build(
        story
    )
    return buffer.getvalue()
