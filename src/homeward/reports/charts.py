"""Small self-contained SVG charts drawn on the server (no chart library, no JavaScript,
nothing fetched): the one chart module, used by report.html, the programme report and the
web dashboard, so that all of them show the same figures the same way.

Each function returns the ``<svg>`` text; numbers are written in the reader's language.

>>> svg = bar_chart([("Day 1", {"UA": 390, "RU": 390})], {"UA": "#1f5fbf", "RU": "#b2452c"})
>>> svg.startswith("<svg")
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from homeward.catalogues import DEFAULT_LANGUAGE, format_number, format_share

PALETTE = ("#1f5fa8", "#e0a100", "#2e8540", "#b22d2d")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]


def stacked_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 640,
    height: int = 280,
) -> str:
    """A vertical stacked bar chart; each group is one bar, each series one colour.

    >>> "<svg" in stacked_bars("t", ["a"], [Series("x", [1])])
    True
    """
    left, right, top, bottom = 48, 16, 50, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(groups))]
    peak = max([*totals, 1])
    slot = plot_w / max(len(groups), 1)
    bar = slot * 0.6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{left}" y="20" font-size="15" font-weight="600">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#555"/>',
    ]
    for i, group in enumerate(groups):
        x = left + i * slot + (slot - bar) / 2
        y: float = top + plot_h
        for k, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / peak
            y -= h
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(group)}: {escape(s.label)} {value}</title></rect>'
            )
            if h > 14:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{y + h / 2 + 4:.1f}" font-size="11" '
                    f'fill="#fff" text-anchor="middle">{value}</text>'
                )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h - plot_h * totals[i] / peak - 4:.1f}" '
            f'font-size="12" text-anchor="middle">{totals[i]}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" font-size="12" '
            f'text-anchor="middle">{escape(group)}</text>'
        )
    for k, s in enumerate(series):
        x = left + k * 140
        parts.append(
            f'<rect x="{x}" y="{height - 22}" width="12" height="12" '
            f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{x + 18}" y="{height - 12}" font-size="12">{escape(s.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


WIDTH, HEIGHT, PAD_L, PAD_B, PAD_T = 560, 220, 44, 28, 16


def nice_top(value: float) -> float:
    """The smallest 4 x (1, 2 or 5 x 10^k) at or above ``value``: whole-number gridlines."""
    step = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(step))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * magnitude >= step and float(factor * magnitude).is_integer():
            return float(4 * factor * magnitude)
    return float(40 * magnitude)  # pragma: no cover - the loop always returns


def _axis(top: float, language: str) -> list[str]:
    parts = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - PAD_B - (HEIGHT - PAD_B - PAD_T) * i / 4
        parts.append(
            f'<line x1="{PAD_L}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e7ee"/>'
            f'<text x="{PAD_L - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#5b6575">{format_number(round(value), language)}</text>'
        )
    return parts


def _legend(colours: Mapping[str, str]) -> str:
    items = []
    for i, (name, colour) in enumerate(colours.items()):
        x = PAD_L + i * 170
        items.append(
            f'<rect x="{x}" y="{HEIGHT + 6}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT + 15}" font-size="12">{escape(name)}</text>'
        )
    return "".join(items)


def _svg(body: Sequence[str], title: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def bar_chart(
    groups: Sequence[tuple[str, Mapping[str, float]]],
    colours: Mapping[str, str],
    title: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Grouped bars: one group per label, one bar per series (in ``colours`` order)."""
    top = nice_top(max([v for _, values in groups for v in values.values()] + [1]))
    body = _axis(top, language)
    plot_w = WIDTH - PAD_L - 10
    group_w = plot_w / max(len(groups), 1)
    bar_w = min(40.0, group_w * 0.8 / max(len(colours), 1))
    for g, (label, values) in enumerate(groups):
        x0 = PAD_L + g * group_w + (group_w - bar_w * len(colours)) / 2
        for s, (series, colour) in enumerate(colours.items()):
            value = values.get(series, 0)
            h = (HEIGHT - PAD_B - PAD_T) * value / top
            x = x0 + s * bar_w
            y = HEIGHT - PAD_B - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)} {escape(series)}: '
                f"{format_number(round(value), language)}</title></rect>"
            )
            if value:
                body.append(
                    f'<text x="{x + bar_w / 2 - 1:.1f}" y="{y - 3:.1f}" font-size="10" '
                    f'text-anchor="middle">{format_number(round(value), language)}</text>'
                )
        body.append(
            f'<text x="{PAD_L + g * group_w + group_w / 2:.1f}" y="{HEIGHT - 10}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    body.append(_legend(colours))
    return _svg(body, title)


def line_chart(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    colours: Mapping[str, str],
    title: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Lines over the labels, e.g. cumulative people home after each day."""
    top = nice_top(max([v for values in series.values() for v in values] + [1]))
    body = _axis(top, language)
    plot_w = WIDTH - PAD_L - 30
    step = plot_w / max(len(labels) - 1, 1)
    for i, label in enumerate(labels):
        body.append(
            f'<text x="{PAD_L + 10 + i * step:.1f}" y="{HEIGHT - 10}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for name, values in series.items():
        points = [
            (PAD_L + 10 + i * step, HEIGHT - PAD_B - (HEIGHT - PAD_B - PAD_T) * v / top)
            for i, v in enumerate(values)
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        colour = colours.get(name, "#333")
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for (x, y), v in zip(points, values, strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}: {format_number(round(v), language)}</title></circle>"
            )
    body.append(_legend({n: colours.get(n, "#333") for n in series}))
    return _svg(body, title)


def progress_bars(
    rows: Sequence[tuple[str, int, int]],
    colour: str = "#2f7d5b",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Horizontal "done of wanted" bars: recovered against sought per party."""
    height = 34 * len(rows) + 8
    body = []
    bar = WIDTH - 240  # room on the right for "10,000 / 10,000 (100.0%)"
    for i, (label, done, wanted) in enumerate(rows):
        y = 6 + i * 34
        share = done / wanted if wanted else 0.0
        body.append(
            f'<text x="0" y="{y + 15}" font-size="13">{escape(label)}</text>'
            f'<rect x="60" y="{y}" width="{bar}" height="22" rx="4" fill="#e6eaf0"/>'
            f'<rect x="60" y="{y}" width="{bar * share:.1f}" height="22" rx="4" '
            f'fill="{colour}"/>'
            f'<text x="{60 + bar + 8}" y="{y + 15}" font-size="12">'
            f"{format_number(done, language)} / {format_number(wanted, language)} "
            f"({format_share(share, language)})</text>"
        )
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'role="img">{"".join(body)}</svg>'
    )
