"""Server-rendered SVG charts: printable, no JavaScript, readable without colour.

Each light has a fill pattern as well as a colour (solid, diagonal hatch, cross-hatch, dots) and every bar
carries its figures as text, so a black-and-white print or a screen reader loses nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .stats import LIGHT_LABELS, Group, ProjectGroup, ProjectRow

COLOURS = {"green": "#1b6e20", "yellow": "#b07d00", "red": "#a00000", "none": "#777777"}


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-green" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{COLOURS["green"]}"/></pattern>'
        f'<pattern id="{prefix}-yellow" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{COLOURS["yellow"]}"/></pattern>'
        f'<pattern id="{prefix}-red" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{COLOURS["red"]}"/>'
        '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1"/></pattern>'
        f'<pattern id="{prefix}-none" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.3" fill="{COLOURS["none"]}"/></pattern>'
        "</defs>"
    )


def light_bars(groups: list[Group], prefix: str, title: str) -> SafeString:
    """One horizontal stacked bar per group: green / yellow / red / not assessed, with the counts as text."""
    label_w, bar_w, row_h = 150, 300, 26
    width = label_w + bar_w + 190
    height = row_h * len(groups) + 34
    most = max((g.total for g in groups), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        _defs(prefix),
    ]
    for i, g in enumerate(groups):
        y = i * row_h + 4
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 16}" text-anchor="end" font-size="13">{escape(g.label[:12])}</text>'
        )
        x = label_w
        for light in ("green", "yellow", "red", "none"):
            count = getattr(g, light)
            if not count:
                continue
            w = bar_w * count / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="url(#{prefix}-{light})" '
                f'stroke="{COLOURS[light]}"><title>{escape(g.label)} {LIGHT_LABELS[light]} {count}</title></rect>'
            )
            x += w
        figures = f"绿{g.green} 黄{g.yellow} 红{g.red}" + (f" 未评{g.none}" if g.none else "") + f" · 进度{g.progress}%"
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="12">{escape(figures)}</text>')
    y = height - 12
    legend_x = 0
    for light in ("green", "yellow", "red", "none"):
        parts.append(
            f'<rect x="{legend_x}" y="{y - 10}" width="14" height="12" fill="url(#{prefix}-{light})" '
            f'stroke="{COLOURS[light]}"/><text x="{legend_x + 18}" y="{y}" font-size="12">{LIGHT_LABELS[light]}</text>'
        )
        legend_x += 80
    parts.append("</svg>")
    return mark_safe("".join(parts))


def trend_bars(points: list[dict], prefix: str, title: str) -> SafeString:
    """Average reported progress by month: a bar per month with its value and report count written on it."""
    col_w, chart_h, top = 48, 160, 20
    width = max(col_w * len(points), col_w) + 40
    height = chart_h + top + 40
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line x1="30" y1="{top + chart_h}" x2="{width}" y2="{top + chart_h}" stroke="#333"/>',
        f'<text x="0" y="{top + 4}" font-size="11">100%</text><text x="0" y="{top + chart_h}" font-size="11">0</text>',
    ]
    for i, p in enumerate(points):
        x = 36 + i * col_w
        h = chart_h * p["average"] / 100
        y = top + chart_h - h
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="{col_w - 12}" height="{h:.1f}" fill="#0a4f8c">'
            f"<title>{escape(p['month'])} 平均进度 {p['average']}% 报告 {p['reports']} 份</title></rect>"
            f'<text x="{x + (col_w - 12) / 2}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
            f"{p['average']}%</text>"
            f'<text x="{x + (col_w - 12) / 2}" y="{top + chart_h + 16}" text-anchor="middle" font-size="12">'
            f"{escape(p['label'])}</text>"
            f'<text x="{x + (col_w - 12) / 2}" y="{top + chart_h + 32}" text-anchor="middle" font-size="10">'
            f"{p['reports']}份</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def spending_bars(rows: list[ProjectGroup | ProjectRow], title: str) -> SafeString:
    """Spending against schedule (双监控): per row (the total first, then each project) a frame of the whole
    budget, a solid bar of the share spent and a black mark with a triangle at the share of the time
    elapsed (the linear schedule), the two figures written beside it — readable without colour."""
    label_w, bar_w, row_h = 170, 300, 28
    width = label_w + bar_w + 200
    height = row_h * len(rows) + 40
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, row in enumerate(rows):
        y = i * row_h + 8
        label = row.label if isinstance(row, ProjectGroup) else row.title
        spent, time = row.spent_share, row.time_share
        bold = ' font-weight="bold"' if isinstance(row, ProjectGroup) else ""
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13"{bold}>{escape(label[:13])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="20" fill="#fff" stroke="#555"/>'
        )
        if spent:
            w = bar_w * min(spent, Decimal(100)) / 100
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="14" fill="#0a4f8c">'
                f"<title>{escape(label)} 支出进度 {spent}%</title></rect>"
            )
        if time is not None:
            x = label_w + bar_w * min(time, Decimal(100)) / 100
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 3}" x2="{x:.1f}" y2="{y + 23}" stroke="#000" stroke-width="2.5">'
                f"<title>{escape(label)} 序时进度 {time}%</title></line>"
                f'<path d="M{x - 4:.1f} {y - 7}L{x + 4:.1f} {y - 7}L{x:.1f} {y - 1}Z" fill="#000"/>'
            )
        figures = f"支出 {_percent(spent)} · 序时 {_percent(time)}"
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 15}" font-size="12">{escape(figures)}</text>')
    y = height - 12
    parts.append(
        f'<rect x="0" y="{y - 10}" width="14" height="12" fill="#0a4f8c"/>'
        f'<text x="18" y="{y}" font-size="12">支出进度 (累计支出 ÷ 总投资)</text>'
        f'<line x1="236" y1="{y - 12}" x2="236" y2="{y + 2}" stroke="#000" stroke-width="2.5"/>'
        f'<text x="244" y="{y}" font-size="12">序时进度 (已过时间 ÷ 建设工期)</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
