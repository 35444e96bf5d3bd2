"""report.html: one self-contained page with the exchange's figures and charts."""

from __future__ import annotations

from html import escape
from typing import Any

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


def _day_chart(summary: dict[str, Any], side: str) -> str:
    days = summary["tranches"]
    return stacked_bars(
        f"Released by {side}, per day",
        [f"Day {t['day']} ({t['date']})" for t in days],
        [
            Series("military", [t["released_by"][side]["military"] for t in days]),
            Series("civilian", [t["released_by"][side]["civilian"] for t in days]),
        ],
        width=480,
    )


def _recovered_chart(summary: dict[str, Any]) -> str:
    sides = list(summary["sought_recovered"])
    rec = summary["sought_recovered"]
    return stacked_bars(
        "Recovered against sought",
        [f"{s} seeks {rec[s]['sought']}" for s in sides],
        [
            Series("recovered", [rec[s]["recovered"] for s in sides]),
            Series("still sought", [rec[s]["sought"] - rec[s]["recovered"] for s in sides]),
        ],
        width=480,
    )


def render_report(summary: dict[str, Any]) -> str:
    """The whole page as a string: inline CSS and SVG, nothing fetched."""
    sides = list(summary["totals"])
    rows = "".join(
        f"<tr><td>Day {t['day']}</td><td>{escape(t['date'])}</td>"
        + "".join(
            f"<td>{t['released_by'][s]['military']}</td><td>{t['released_by'][s]['civilian']}</td>"
            f"<td><b>{t['released_by'][s]['total']}</b></td>"
            for s in sides
        )
        + "</tr>"
        for t in summary["tranches"]
    )
    totals = "".join(
        f"<td>{summary['totals'][s]['military']}</td><td>{summary['totals'][s]['civilian']}</td>"
        f"<td><b>{summary['totals'][s]['total']}</b></td>"
        for s in sides
    )
    head = "".join(f'<th colspan="3">Released by {escape(s)}</th>' for s in sides)
    sub = "<th>military</th><th>civilian</th><th>total</th>" * len(sides)
    exceptions = "".join(
        f"<tr><td>Day {e['day']}</td><td>{escape(e['side'])}</td><td>{escape(e['category'])}</td>"
        f"<td>{escape(e['record_id'])}</td>"
        f"<td>{escape(str(e['exception']).replace('_', ' '))}</td>"
        f"<td>{escape(str(e['resolution']).replace('_', ' '))}</td>"
        f"<td>{escape(e['substitute_record_id'] or '')}</td></tr>"
        for e in summary["exceptions"]
    )
    recovered = "".join(
        f"<tr><td>{escape(s)}</td><td>{v['sought']}</td><td>{v['recovered']}</td>"
        f"<td>{(100 * v['recovered'] / v['sought']) if v['sought'] else 0:.1f}%</td></tr>"
        for s, v in summary["sought_recovered"].items()
    )
    charts = "".join(_day_chart(summary, s) for s in sides)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(summary["agreement"]["name"])}: exchange report</title>
<style>{STYLE}</style></head>
<body>
<h1>{escape(summary["agreement"]["name"])}</h1>
<p class="muted">Exchange report produced by homeward. Synthetic demo data.</p>
<div class="charts">{charts}{_recovered_chart(summary)}</div>
<h2>Per day and category</h2>
<table><thead><tr><th rowspan="2">Tranche</th><th rowspan="2">Date</th>{head}</tr>
<tr>{sub}</tr></thead>
<tbody>{rows}<tr><td><b>Total</b></td><td></td>{totals}</tr></tbody></table>
<h2>Recovered against sought</h2>
<table><thead><tr><th>Party</th><th>Sought</th><th>Recovered</th><th>Share</th></tr></thead>
<tbody>{recovered}</tbody></table>
<h2>Exceptions and how parity was kept</h2>
<table class="text"><thead><tr><th>Day</th><th>Released by</th><th>Category</th>
<th>Record</th><th>Exception</th><th>Resolution</th><th>Substitute</th></tr></thead><tbody>{exceptions}</tbody></table>
</body></html>
"""
