"""The programme report: every round (or one), per tranche and category, cumulative
totals and recovered against sought, as one self-contained HTML page in en/uk/ru.

``render_programme_report(data, _)`` takes the dict ``services.programme.programme_summary``
gives (optionally narrowed to one round) and a gettext function, so the words come from
the interface's catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from homeward.reports.charts import Series, stacked_bars
from homeward.reports.html import STYLE

Gettext = Callable[[str], str]


def _t(_: Gettext, msgid: str, **values: object) -> str:
    text = _(msgid)
    return text % values if values else text


def _round_chart(r: dict[str, Any], side: str, _: Gettext) -> str:
    days = r["tranches"]
    return stacked_bars(
        _t(_, "Released by %(side)s", side=side),
        [f"{t['day']} ({t['date']})" for t in days],
        [
            Series(_("military"), [t["released_by"][side]["military"] for t in days]),
            Series(_("civilian"), [t["released_by"][side]["civilian"] for t in days]),
        ],
        width=480,
    )


def _cumulative_chart(data: dict[str, Any], _: Gettext) -> str:
    rounds = data["rounds"]
    return stacked_bars(
        _("Released per round"),
        [_t(_, "Round %(n)s", n=r["round"]) for r in rounds],
        [Series(side, [r["totals"][side]["total"] for r in rounds]) for side in ("UA", "RU")],
        width=480,
    )


def render_programme_report(data: dict[str, Any], _: Gettext, lang: str = "en") -> str:
    """The whole page as a string: inline CSS and SVG, nothing fetched."""
    sides = ("UA", "RU")
    sections = []
    for r in data["rounds"]:
        rows = "".join(
            f"<tr><td>{t['day']}</td><td>{escape(t['date'])}</td>"
            + "".join(
                f"<td>{t['released_by'][s]['military']}</td><td>{t['released_by'][s]['civilian']}</td>"
                f"<td><b>{t['released_by'][s]['total']}</b></td>"
                for s in sides
            )
            + "</tr>"
            for t in r["tranches"]
        )
        totals = "".join(
            f"<td>{r['totals'][s]['military']}</td><td>{r['totals'][s]['civilian']}</td>"
            f"<td><b>{r['totals'][s]['total']}</b></td>"
            for s in sides
        )
        head = "".join(
            f'<th colspan="3">{escape(_t(_, "Released by %(side)s", side=s))}</th>' for s in sides
        )
        sub = f"<th>{_('military')}</th><th>{_('civilian')}</th><th>{_('total')}</th>" * 2
        exceptions: dict[str, int] = {}
        for e in r["exceptions"]:
            exceptions[e["exception"]] = exceptions.get(e["exception"], 0) + 1
        exc_rows = "".join(
            f"<tr><td>{escape(_(k))}</td><td>{n}</td></tr>" for k, n in sorted(exceptions.items())
        )
        charts = "".join(_round_chart(r, s, _) for s in sides) if r["tranches"] else ""
        sections.append(
            f"""<h2>{escape(_t(_, "Round %(n)s", n=r["round"]))}: {escape(r["name"])}</h2>
<p class="muted">{_("Recovered by UA")}: {r.get("recovered", {}).get("UA", 0)} ·
{_("Recovered by RU")}: {r.get("recovered", {}).get("RU", 0)}</p>
<div class="charts">{charts}</div>
<table><thead><tr><th rowspan="2">{_("Day")}</th><th rowspan="2">{_("Date")}</th>{head}</tr>
<tr>{sub}</tr></thead><tbody>{rows}<tr><td><b>{_("Total")}</b></td><td></td>{totals}</tr></tbody></table>
<table class="text"><thead><tr><th>{_("Exception")}</th><th>{_("People")}</th></tr></thead>
<tbody>{exc_rows}</tbody></table>"""
        )
    cum = data["cumulative"]
    recovered = "".join(
        f"<tr><td>{escape(s)}</td><td>{v['sought']}</td><td>{v['recovered']}</td>"
        f"<td>{(100 * v['recovered'] / v['sought']) if v['sought'] else 0:.1f}%</td></tr>"
        for s, v in cum["sought_recovered"].items()
    )
    released = "".join(
        f"<tr><td>{escape(s)}</td><td>{cum['by_category'][s]['military']}</td>"
        f"<td>{cum['by_category'][s]['civilian']}</td><td><b>{n}</b></td></tr>"
        for s, n in cum["released_by"].items()
    )
    title = escape(data.get("title") or _("Exchange programme"))
    return f"""<!doctype html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{STYLE}</style></head>
<body>
<h1>{title}</h1>
<p class="muted">{_("Exchange report produced by homeward.")}</p>
<h2>{_("All rounds")}</h2>
<div class="charts">{_cumulative_chart(data, _)}</div>
<table><thead><tr><th>{_("Released by")}</th><th>{_("military")}</th>
<th>{_("civilian")}</th><th>{_("total")}</th></tr></thead>
<tbody>{released}</tbody></table>
<h2>{_("Recovered against sought")}</h2>
<table><thead><tr><th>{_("Party")}</th><th>{_("Sought")}</th>
<th>{_("Recovered")}</th><th>{_("Share")}</th></tr></thead>
<tbody>{recovered}</tbody></table>
{"".join(sections)}
</body></html>
"""
