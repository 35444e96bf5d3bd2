"""Small self-contained SVG charts (no JavaScript, nothing fetched): stacked bars.

Used by report.html and by the web dashboard, so both show the same figures the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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
