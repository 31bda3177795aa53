"""PURE: charts as server-side SVG (no Django, no JavaScript, nothing fetched), for pages people read at a
glance: grouped bars, lines with their targets, a heat map.

Every chart is an `Svg`: a `str` that Django templates print as it is (it has `__html__`), so a view
passes it to the template like any value. All text in it is escaped here. The SVG scales to its
container (viewBox, width 100%), carries a `<title>` and a `<desc>` for screen readers, and uses
presentation attributes only (the Content-Security-Policy forbids inline styles); the site stylesheet
may style the classes `chart`, `chart-axis`, `chart-grid`, `chart-label`, `chart-value`, `chart-legend`.

A chart always sits beside a table of the same numbers (the caller's template): colour is never the
only carrier of a value, and the table is what a screen reader or a copy-paste uses.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "system-ui, 'Hiragino Sans', 'Noto Sans CJK JP', 'Yu Gothic', sans-serif"
FONT_SIZE = 12


class Svg(str):
    """SVG markup built (and escaped) here: templates print it without escaping it again."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (or x label); None where there is no value."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Target:
    """A target drawn on a line chart: a value at one x label (e.g. the R5 target at FY2023)."""

    at: str
    value: float
    label: str = ""


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: full-width (CJK, kana) characters take 1 em, others 0.6 em."""
    return sum(size if ord(char) > 0x2E7F else size * 0.6 for char in text)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above `value` (0 and below give 1)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


def format_number(value: float) -> str:
    """3548 → '3,548'; 2.5 → '2.5'; 0.126 → '0.13' (the tables beside a chart carry exact values)."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _ticks(maximum: float, count: int = 4) -> list[float]:
    """Gridline values from 0: a step of 1, 2, 2.5 or 5 × 10^n, about `count` of them up to the maximum."""
    step = nice_ceiling(max(maximum, 0) / count) if maximum > 0 else 1.0
    steps = max(1, math.ceil(maximum / step - 1e-9))
    return [step * index for index in range(steps + 1)]


def _open(width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" font-family="{escape(FONT)}" font-size="{FONT_SIZE}" '
        f'preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(desc)}</desc>",
    ]


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", css: str = "chart-label", extra: str = ""
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{css}" fill="#333"{extra}>'
        f"{escape(text)}</text>"
    )


def _legend(series: Sequence[str], x: float, y: float, colours: Sequence[str]) -> list[str]:
    parts, cursor = ['<g class="chart-legend">'], x
    for name, colour in zip(series, colours, strict=False):
        parts.append(f'<rect x="{cursor:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>')
        parts.append(_text(cursor + 14, y, name))
        cursor += 14 + text_width(name) + 16
    parts.append("</g>")
    return parts


def _empty(title: str, empty: str, width: float = 480, height: float = 80) -> Svg:
    parts = _open(width, height, title, empty)
    parts.append(_text(width / 2, height / 2, empty, anchor="middle"))
    parts.append("</svg>")
    return Svg("".join(parts))


def _described(series: Sequence[Series], labels: Sequence[str], unit: str) -> str:
    lines = []
    for one in series:
        values = ", ".join(
            f"{label} {format_number(value)}{unit}"
            for label, value in zip(labels, one.values, strict=False)
            if value is not None
        )
        lines.append(f"{one.name}: {values}")
    return "; ".join(lines)


def bars(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    empty: str = "—",
    width: float = 640,
) -> Svg:
    """Horizontal grouped bars: one group per category (long Japanese labels read well on the left),
    one bar per series, the value printed at the bar's end; a legend when there are several series."""
    values = [value for one in series for value in one.values if value is not None]
    if not categories or not values:
        return _empty(title, empty, width)
    label_width = min(max(text_width(category) for category in categories) + 12, width * 0.4)
    bar_height, gap = 14.0, 10.0
    group = bar_height * len(series) + gap
    top = 28.0 if len(series) > 1 else 8.0
    plot_left, plot_right = label_width, width - 56
    height = top + group * len(categories) + 24
    ticks = _ticks(max(max(values), 0))
    scale = (plot_right - plot_left) / ticks[-1]
    parts = _open(width, height, title, _described(series, categories, unit))
    if len(series) > 1:
        parts += _legend([one.name for one in series], plot_left, 16, PALETTE)
    axis_y = top + group * len(categories)
    for tick in ticks:
        x = plot_left + tick * scale
        parts.append(
            f'<line class="chart-grid" x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(x, axis_y + 16, format_number(tick), anchor="middle", css="chart-axis"))
    for row, category in enumerate(categories):
        y0 = top + row * group
        parts.append(_text(plot_left - 8, y0 + group / 2 + 2, category, anchor="end"))
        for index, one in enumerate(series):
            value = one.values[row] if row < len(one.values) else None
            y = y0 + index * bar_height
            if value is None:
                continue
            length = max(value, 0) * scale
            colour = PALETTE[index % len(PALETTE)]
            parts.append(
                f'<rect x="{plot_left:.1f}" y="{y:.1f}" width="{length:.1f}" height="{bar_height - 2:.1f}" '
                f'fill="{colour}"><title>{escape(f"{one.name}: {format_number(value)}{unit}")}</title></rect>'
            )
            parts.append(
                _text(plot_left + length + 4, y + bar_height - 4, format_number(value), css="chart-value")
            )
    parts.append(
        f'<line class="chart-axis" x1="{plot_left:.1f}" y1="{top:.1f}" x2="{plot_left:.1f}" '
        f'y2="{axis_y:.1f}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return Svg("".join(parts))


def lines(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    targets: Sequence[Target] = (),
    empty: str = "—",
    width: float = 640,
    height: float = 260,
) -> Svg:
    """A line per series over the x labels (fiscal years), a dot at each value; across missing years a
    thin dashed line joins the values on either side (the trend stays readable, and the missing years
    show as such: no dot); targets as open diamonds with their label."""
    values = [value for one in series for value in one.values if value is not None]
    values += [target.value for target in targets]
    if not labels or not values:
        return _empty(title, empty, width)
    ticks = _ticks(max(max(values), 0))
    tick_width = max(text_width(format_number(tick)) for tick in ticks)
    plot_left, plot_right = tick_width + 14, width - 32
    top = 28.0 if len(series) > 1 or targets else 12.0
    plot_bottom = height - 30
    step = (plot_right - plot_left) / max(len(labels) - 1, 1)
    scale = (plot_bottom - top) / ticks[-1]

    def x_of(index: int) -> float:
        return plot_left + index * step if len(labels) > 1 else (plot_left + plot_right) / 2

    def y_of(value: float) -> float:
        return plot_bottom - max(value, 0) * scale

    description = _described(series, labels, unit)
    if targets:
        description += "; " + ", ".join(
            f"{target.label or target.at} {format_number(target.value)}{unit}" for target in targets
        )
    parts = _open(width, height, title, description)
    legend = [one.name for one in series]
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line class="chart-grid" x1="{plot_left:.1f}" y1="{y:.1f}" x2="{plot_right:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(plot_left - 6, y + 4, format_number(tick), anchor="end", css="chart-axis"))
    every = max(
        1, math.ceil(len(labels) * max(text_width(label) for label in labels) / (plot_right - plot_left))
    )
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(_text(x_of(index), plot_bottom + 18, label, anchor="middle", css="chart-axis"))
    for number, one in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        run: list[str] = []
        for index, value in enumerate(one.values[: len(labels)]):
            if value is None:
                if len(run) > 1:
                    parts.append(
                        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
                    )
                run = []
                continue
            run.append(f"{x_of(index):.1f},{y_of(value):.1f}")
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        known = [(index, value) for index, value in enumerate(one.values[: len(labels)]) if value is not None]
        for (before, low), (after, high) in itertools.pairwise(known):
            if after - before > 1:  # missing years between two values
                parts.append(
                    f'<line class="chart-gap" x1="{x_of(before):.1f}" y1="{y_of(low):.1f}" x2="{x_of(after):.1f}" '
                    f'y2="{y_of(high):.1f}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="4 4"/>'
                )
        for index, value in enumerate(one.values[: len(labels)]):
            if value is not None:
                parts.append(
                    f'<circle cx="{x_of(index):.1f}" cy="{y_of(value):.1f}" r="3.5" fill="{colour}">'
                    f"<title>{escape(f'{one.name} {labels[index]}: {format_number(value)}{unit}')}</title></circle>"
                )
    target_colour = "#D55E00"
    for target in targets:
        if target.at not in labels:
            continue
        x, y = x_of(list(labels).index(target.at)), y_of(target.value)
        name = target.label or target.at
        parts.append(
            f'<path d="M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} L{x - 6:.1f},{y:.1f} Z" '
            f'fill="#fff" stroke="{target_colour}" stroke-width="2">'
            f"<title>{escape(f'{name}: {format_number(target.value)}{unit}')}</title></path>"
        )
        anchor = "end" if x > (plot_left + plot_right) / 2 else "start"
        parts.append(
            _text(
                x + (-9 if anchor == "end" else 9),
                y - 8,
                f"{name} {format_number(target.value)}",
                anchor=anchor,
                css="chart-value",
            )
        )
    if legend and (len(legend) > 1 or targets):
        parts += _legend(legend, plot_left, 16, PALETTE)
    parts.append(
        f'<line class="chart-axis" x1="{plot_left:.1f}" y1="{plot_bottom:.1f}" x2="{plot_right:.1f}" '
        f'y2="{plot_bottom:.1f}" stroke="#333"/>'
    )
    parts.append("</svg>")
    return Svg("".join(parts))


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    unit: str = "",
    empty: str = "—",
    width: float = 640,
) -> Svg:
    """A grid of cells shaded from white to deep blue by value (empty where None), the value printed in
    each cell so that the shade is never the only carrier of a number."""
    found = [value for row in values for value in row if value is not None]
    if not rows or not columns or not found:
        return _empty(title, empty, width)
    label_width = min(max(text_width(row) for row in rows) + 12, width * 0.35)
    header = min(max(text_width(column) for column in columns), 120) * 0.75 + 16
    cell_width = (width - label_width - 8) / len(columns)
    cell_height = 26.0
    height = header + cell_height * len(rows) + 8
    highest = max(found) or 1.0
    description = "; ".join(
        f"{row}: "
        + ", ".join(
            f"{column} {format_number(value)}{unit}"
            for column, value in zip(columns, line, strict=False)
            if value is not None
        )
        for row, line in zip(rows, values, strict=False)
    )
    parts = _open(width, height, title, description)
    for index, column in enumerate(columns):
        x = label_width + (index + 0.5) * cell_width
        parts.append(
            _text(
                x,
                header - 6,
                column,
                anchor="start",
                css="chart-axis",
                extra=f' transform="rotate(-40 {x:.1f} {header - 6:.1f})"',
            )
        )
    for row_index, row in enumerate(rows):
        y = header + row_index * cell_height
        parts.append(_text(label_width - 8, y + cell_height / 2 + 4, row, anchor="end"))
        line = values[row_index] if row_index < len(values) else []
        for index in range(len(columns)):
            value = line[index] if index < len(line) else None
            x = label_width + index * cell_width
            if value is None:
                fill, ink = "#f7f7f7", "#999"
            else:
                share = max(value, 0) / highest
                fill = _blend(share)
                ink = "#fff" if share > 0.55 else "#222"
            label = "" if value is None else f"{row} × {columns[index]}: {format_number(value)}{unit}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell_width - 2:.1f}" height="{cell_height - 2:.1f}" '
                f'fill="{fill}">' + (f"<title>{escape(label)}</title>" if label else "") + "</rect>"
            )
            parts.append(
                f'<text x="{x + cell_width / 2 - 1:.1f}" y="{y + cell_height / 2 + 3:.1f}" text-anchor="middle" '
                f'class="chart-value" fill="{ink}">{"" if value is None else escape(format_number(value))}</text>'
            )
    parts.append("</svg>")
    return Svg("".join(parts))


def _blend(share: float) -> str:
    """White (0) to #08519C (1), linearly in sRGB."""
    low, high = (255, 255, 255), (8, 81, 156)
    red, green, blue = (
        round(a + (b - a) * min(max(share, 0.0), 1.0)) for a, b in zip(low, high, strict=True)
    )
    return f"#{red:02x}{green:02x}{blue:02x}"
