"""report.html: one self-contained page with the exchange's figures and charts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape
from typing import Any

from homeward.catalogues import format_number, format_share
from homeward.domain.display_names import agreement_words, category_words
from homeward.reports.charts import Series, stacked_bars

STYLE = """
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:2rem auto;
max-width:1000px;color:#1b1b1b;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}.muted{color:#555}
table{border-collapse:collapse;margin:1rem 0;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
table.text td,table.text th{text-align:left}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.chart{width:100%;height:auto;border:1px solid #e3e3e3;border-radius:6px;background:#fff}
"""


Gettext = Callable[..., str]


def _english(message: str, **values: object) -> str:
    return message % values if values else message


def _n(value: float, language: str) -> str:
    return format_number(value, language)


def _day_chart(summary: dict[str, Any], side: str, t_: Gettext) -> str:
    days = summary["tranches"]
    return stacked_bars(
        t_("Released by %(side)s, per day", side=side),
        [f"{t_('Day %(n)s', n=t['day'])} ({t['date']})" for t in days],
        [
            Series(t_("military"), [t["released_by"][side]["military"] for t in days]),
            Series(t_("civilian"), [t["released_by"][side]["civilian"] for t in days]),
        ],
        width=480,
    )


def _recovered_chart(summary: dict[str, Any], t_: Gettext, language: str) -> str:
    sides = list(summary["sought_recovered"])
    rec = summary["sought_recovered"]
    return stacked_bars(
        t_("Recovered against sought"),
        [t_("%(party)s seeks %(n)s", party=s, n=_n(rec[s]["sought"], language)) for s in sides],
        [
            Series(t_("recovered"), [rec[s]["recovered"] for s in sides]),
            Series(t_("still sought"), [rec[s]["sought"] - rec[s]["recovered"] for s in sides]),
        ],
        width=480,
    )


def render_report(
    summary: dict[str, Any], gettext: Gettext | None = None, language: str = "en"
) -> str:
    """The whole page as a string: inline CSS and SVG, nothing fetched; in the language
    of ``gettext`` (English without one), numbers written as ``language`` writes them."""
    t_ = gettext or _english
    n = partial(_n, language=language)
    share = partial(format_share, language=language)
    h = {  # headings, translated and escaped
        key: escape(t_(key))
        for key in (
            "Tranche",
            "Date",
            "Total",
            "Party",
            "Sought",
            "Recovered",
            "Share",
            "Day",
            "Released by",
            "Category",
            "Record",
            "Exception",
            "Resolution",
            "Substitute",
        )
    }
    sides = list(summary["totals"])
    rows = "".join(
        f"<tr><td>{escape(t_('Day %(n)s', n=t['day']))}</td><td>{escape(t['date'])}</td>"
        + "".join(
            f"<td>{n(t['released_by'][s]['military'])}</td>"
            f"<td>{n(t['released_by'][s]['civilian'])}</td>"
            f"<td><b>{n(t['released_by'][s]['total'])}</b></td>"
            for s in sides
        )
        + "</tr>"
        for t in summary["tranches"]
    )
    totals = "".join(
        f"<td>{n(summary['totals'][s]['military'])}</td>"
        f"<td>{n(summary['totals'][s]['civilian'])}</td>"
        f"<td><b>{n(summary['totals'][s]['total'])}</b></td>"
        for s in sides
    )
    head = "".join(
        f'<th colspan="3">{escape(t_("Released by %(side)s", side=s))}</th>' for s in sides
    )
    sub = (
        f"<th>{escape(t_('military'))}</th><th>{escape(t_('civilian'))}</th>"
        f"<th>{escape(t_('total'))}</th>"
    ) * len(sides)
    exceptions = "".join(
        f"<tr><td>{escape(t_('Day %(n)s', n=e['day']))}</td><td>{escape(e['side'])}</td>"
        f"<td>{escape(category_words(e['category'], t_))}</td>"
        f"<td>{escape(e['record_id'])}</td>"
        f"<td>{escape(t_(str(e['exception'])))}</td>"
        f"<td>{escape(t_(str(e['resolution'])))}</td>"
        f"<td>{escape(e['substitute_record_id'] or '')}</td></tr>"
        for e in summary["exceptions"]
    )
    recovered = "".join(
        f"<tr><td>{escape(s)}</td><td>{n(v['sought'])}</td><td>{n(v['recovered'])}</td>"
        f"<td>{share(v['recovered'] / v['sought'] if v['sought'] else 0)}</td></tr>"
        for s, v in summary["sought_recovered"].items()
    )
    charts = "".join(_day_chart(summary, s, t_) for s in sides)
    name = escape(agreement_words(summary["agreement"]["name"], t_))
    recovered_chart = _recovered_chart(summary, t_, language)
    return f"""<!doctype html>
<html lang="{escape(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name}: {escape(t_("exchange report"))}</title>
<style>{STYLE}</style></head>
<body>
<h1>{name}</h1>
<p class="muted">{escape(t_("Exchange report produced by homeward. Synthetic demo data."))}</p>
<div class="charts">{charts}{recovered_chart}</div>
<h2>{escape(t_("Per day and category"))}</h2>
<table><thead><tr><th rowspan="2">{h["Tranche"]}</th><th rowspan="2">{h["Date"]}</th>
{head}</tr>
<tr>{sub}</tr></thead>
<tbody>{rows}<tr><td><b>{h["Total"]}</b></td><td></td>{totals}</tr></tbody></table>
<h2>{escape(t_("Recovered against sought"))}</h2>
<table><thead><tr><th>{h["Party"]}</th><th>{h["Sought"]}</th><th>{h["Recovered"]}</th>
<th>{h["Share"]}</th></tr></thead>
<tbody>{recovered}</tbody></table>
<h2>{escape(t_("Exceptions and how parity was kept"))}</h2>
<table class="text"><thead><tr><th>{h["Day"]}</th><th>{h["Released by"]}</th>
<th>{h["Category"]}</th><th>{h["Record"]}</th><th>{h["Exception"]}</th>
<th>{h["Resolution"]}</th><th>{h["Substitute"]}</th></tr></thead><tbody>{exceptions}</tbody></table>
</body></html>
"""
