"""Charts as static SVG strings: the same markup in the HTML report, its PDF and the dashboard.

Static SVG needs no script or font at view time (the report works offline) and prints sharply
(Chromium prints the report to PDF). Every chart is a pure function of plain rows, so its
output is testable without a browser; the tables behind a chart are written beside it as CSV.

Rows carry figures as published: whole-number percentages as published (`score_pct`) and every
other figure as its exact 0-1 fraction. Positions are drawn from the exact values; every figure
written on a chart is written by `flows.core.figures`, rounded half up once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from flows.core import figures

FONT = "font-family='system-ui,DejaVu Sans,sans-serif'"
INK, GRID, MUTED = "#1b1b1b", "#d0d0d0", "#5a5a5a"
POSITION_COLOURS = {  # funnel positions, as fct_area_group_comparisons names them
    "above 99.8% limit": "#1a6e2e",
    "above 95% limit": "#4fa35f",
    "within limits": "#3b5b92",
    "below 95% limit": "#d2691e",
    "below 99.8% limit": "#b02a37",
}
# Colour-blind-safe categories for answer options (Okabe-Ito), then greys.
CATEGORY_COLOURS = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999", "#bbbbbb", "#777777"]


def _svg(width: float, height: float, title: str, body: list[str], css_class: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart {css_class}' role='img' width='{int(width)}' height='{int(height)}' "
        f"viewBox='0 0 {int(width)} {int(height)}' {FONT} font-size='12'><title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(f" {key.replace('_', '-')}='{value}'" for key, value in attributes.items())
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}'{extra}>{escape(text)}</text>"


def _wrap(label: str, width: int, max_lines: int) -> list[str]:
    """Words onto at most `max_lines` lines of about `width` characters; the last is truncated."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    return [_truncate(line, width) for line in lines]


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _pct(fraction: Any) -> float:
    """A 0-1 fraction on a 0-100 axis (a position, never a figure written out)."""
    return 100 * float(fraction)


def _tick_digits(step: float) -> int:
    return 0 if step >= 1 else 1


# ------------------------------------------------------------------ scores with intervals


@dataclass(frozen=True)
class IntervalRow:
    label: str
    score_pct: int | None  # the published whole-number percentage
    low: float | None  # the 95% interval's ends, 0-1 fractions as published
    high: float | None
    note: str = ""  # e.g. "above 95% limit"


def interval_chart(title: str, rows: Sequence[IntervalRow], reference_pct: int | None = None, reference_label: str = "") -> str:
    """One row per area: the score as a dot, its 95% interval as a line, on a 0-100% axis, with
    an optional reference line (the group's pooled score)."""
    label_width, plot_width, right = 190, 420, 210
    top, row_height = 34, 24
    height = top + row_height * len(rows) + 34
    width = label_width + plot_width + right

    def x(pct: float) -> float:
        return label_width + plot_width * max(0.0, min(100.0, pct)) / 100

    body = [_text(0, 16, title, font_weight="600", font_size="13")]
    for tick in range(0, 101, 20):
        body.append(f"<line x1='{x(tick):.1f}' x2='{x(tick):.1f}' y1='{top - 6}' y2='{height - 28}' stroke='{GRID}'/>")
        body.append(_text(x(tick), height - 14, f"{tick}%", "middle", fill=MUTED))
    for index, row in enumerate(rows):
        y = top + row_height * index + row_height / 2
        body.append(_text(label_width - 8, y + 4, _truncate(row.label, 28), "end"))
        if row.score_pct is None:
            body.append(_text(x(0) + 4, y + 4, "no score (no relevant cases)", fill=MUTED))
            continue
        has_interval = not figures.missing(row.low) and not figures.missing(row.high)
        if has_interval:
            body.append(f"<line x1='{x(_pct(row.low)):.1f}' x2='{x(_pct(row.high)):.1f}' y1='{y:.1f}' y2='{y:.1f}' stroke='{INK}' stroke-width='2'/>")
        colour = POSITION_COLOURS.get(row.note, POSITION_COLOURS["within limits"])
        score = figures.published_percent(row.score_pct)
        body.append(f"<circle cx='{x(float(row.score_pct)):.1f}' cy='{y:.1f}' r='5' fill='{colour}'><title>{escape(row.label)}: {score}</title></circle>")
        interval = f" ({figures.interval(row.low, row.high, separator='-', unit='')})" if has_interval else ""
        body.append(_text(label_width + plot_width + 10, y + 4, f"{score}{interval} {row.note if row.note != 'within limits' else ''}".rstrip()))
    if reference_pct is not None:
        body.append(
            f"<line x1='{x(reference_pct):.1f}' x2='{x(reference_pct):.1f}' y1='{top - 8}' y2='{height - 28}' stroke='#b02a37' "
            "stroke-dasharray='5 3' stroke-width='1.5'/>"
        )
        body.append(_text(x(reference_pct), top - 12, f"{reference_label} {figures.published_percent(reference_pct)}".strip(), "middle", fill="#b02a37"))
    return _svg(width, height, title, body, "interval-chart")


# ------------------------------------------------------------------ funnel plot


@dataclass(frozen=True)
class FunnelPoint:
    label: str
    n_cases: int
    difference: float  # score minus the rest of the group's score, a 0-1 fraction as published
    se: float  # spread of the score of a sample this size drawn from the rest of the group (0-1)
    position: str  # funnel_position of fct_area_group_comparisons

    @property
    def difference_pp(self) -> float:
        return _pct(self.difference)

    @property
    def se_pp(self) -> float:
        return _pct(self.se)


Z_95, Z_998 = 1.959963984540054, 3.090232306167813


def funnel_plot(title: str, points: Sequence[FunnelPoint]) -> str:
    """Each area's difference from the rest of its group against the precision of that
    comparison (1 / standard error). The limits ±z x SE are then the curves ±z / precision: an
    area is outside a limit in this picture exactly when fct_area_group_comparisons says so."""
    left, plot_width, plot_height, top, bottom = 62, 480, 260, 30, 46
    width, height = left + plot_width + 170, top + plot_height + bottom
    usable = [point for point in points if point.se_pp > 0]
    if not usable:
        return _svg(width, 60, title, [_text(0, 16, title, font_weight="600"), _text(0, 40, "No comparison yet (the first area of a group has none).", fill=MUTED)], "funnel-plot")
    precisions = [1 / point.se_pp for point in usable]
    x_low, x_high = min(precisions) * 0.8, max(precisions) * 1.15
    y_span = max(max(abs(point.difference_pp) for point in usable), Z_998 / x_low) * 1.1

    def x(precision: float) -> float:
        return left + plot_width * (precision - x_low) / (x_high - x_low)

    def y(difference: float) -> float:
        return top + plot_height * (y_span - difference) / (2 * y_span)

    body = [_text(0, 16, title, font_weight="600", font_size="13")]
    step = _nice_step(y_span)
    for k in range(-math.floor(y_span / step), math.floor(y_span / step) + 1):
        tick = k * step
        label = figures.number(tick, _tick_digits(step), signed=True) if k else "0"
        body.append(f"<line x1='{left}' x2='{left + plot_width}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' stroke='{GRID if k else MUTED}'/>")
        body.append(_text(left - 6, y(tick) + 4, label, "end", fill=MUTED))
    x_step = _nice_step((x_high - x_low) / 1.2)
    pixel = (x_high - x_low) / plot_width  # a tick within a pixel of the plot's edge is drawn at the edge
    for k in range(math.ceil((x_low - pixel) / x_step), math.floor((x_high + pixel) / x_step) + 1):
        x_tick = k * x_step
        body.append(f"<line x1='{x(x_tick):.1f}' x2='{x(x_tick):.1f}' y1='{top + plot_height}' y2='{top + plot_height + 4}' stroke='{MUTED}'/>")
        body.append(_text(x(x_tick), top + plot_height + 16, figures.number(x_tick, _tick_digits(x_step)), "middle", fill=MUTED, font_size="10"))
    for z, dash, label in ((Z_95, "5 3", "95% limits"), (Z_998, "", "99.8% limits")):
        for sign in (1, -1):
            samples = [x_low + (x_high - x_low) * i / 60 for i in range(61)]
            path = " ".join(f"{'M' if i == 0 else 'L'}{x(s):.1f},{y(max(-y_span, min(y_span, sign * z / s))):.1f}" for i, s in enumerate(samples))
            body.append(f"<path d='{path}' fill='none' stroke='{MUTED}' stroke-width='1.2' stroke-dasharray='{dash}'><title>{label}</title></path>")
    for point, precision in zip(usable, precisions, strict=True):
        colour = POSITION_COLOURS.get(point.position, POSITION_COLOURS["within limits"])
        cx, cy = x(precision), y(point.difference_pp)
        body.append(
            f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='5' fill='{colour}'><title>{escape(point.label)}: "
            f"{figures.points(point.difference, 1, unit=' points')}, {figures.count(point.n_cases)} cases, {escape(point.position)}</title></circle>"
        )
        body.append(_text(cx + 7, cy + 4, _truncate(point.label, 22), font_size="11"))
    legend_x = left + plot_width + 24
    body.append(f"<line x1='{legend_x}' x2='{legend_x + 24}' y1='{top + 10}' y2='{top + 10}' stroke='{MUTED}' stroke-dasharray='5 3'/>")
    body.append(_text(legend_x + 30, top + 14, "95% limits"))
    body.append(f"<line x1='{legend_x}' x2='{legend_x + 24}' y1='{top + 30}' y2='{top + 30}' stroke='{MUTED}'/>")
    body.append(_text(legend_x + 30, top + 34, "99.8% limits"))
    body.append(_text(left + plot_width / 2, height - 8, "Precision of the comparison (1 / standard error, per percentage point)", "middle", fill=MUTED))
    body.append(_text(14, top + plot_height / 2, "Difference from rest of group (points)", "middle", fill=MUTED,
                      transform=f"rotate(-90 14 {int(top + plot_height / 2)})"))
    return _svg(width, height, title, body, "funnel-plot")


def _nice_step(span: float) -> float:
    """A round tick step giving at most five intervals over `span`."""
    for step in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50):
        if span / step <= 5:
            return step
    return 100


# ------------------------------------------------------------------ heat map


@dataclass(frozen=True)
class HeatCell:
    score_pct: int | None  # the published whole-number percentage
    n_relevant: int | None


@dataclass(frozen=True)
class HeatRow:
    label: str  # short, e.g. the question id
    description: str  # shown on hover, e.g. the question text
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatSection:
    label: str  # e.g. "2.1 Assessment and planning to deliver the sentence"
    rows: tuple[HeatRow, ...]


def heat_colour(score_pct: float) -> tuple[str, str]:
    """Fill and text colour: light at 100%, dark blue at 0%, so weak practice stands out."""
    share = max(0.0, min(1.0, score_pct / 100))
    light, dark = (240, 246, 252), (8, 48, 107)
    rgb = tuple(int(dark[i] + (light[i] - dark[i]) * share + 0.5) for i in range(3))  # a colour channel, not a figure
    return "#" + "".join(f"{channel:02x}" for channel in rgb), ("#ffffff" if share < 0.55 else INK)


def heat_map(title: str, columns: Sequence[str], sections: Sequence[HeatSection], small_n: int = 10) -> str:
    """Questions as rows grouped under their criterion, areas as columns; each cell the share of
    relevant cases judged sufficient. Cells with fewer than `small_n` relevant cases are outlined
    dashed: their percentage moves a lot with one case."""
    label_width, cell_width, cell_height, header = 80, 86, 20, 40
    n_rows = sum(len(section.rows) + 1 for section in sections)
    width = label_width + cell_width * len(columns) + 10
    height = 24 + header + cell_height * n_rows + 40
    body = [_text(0, 16, title, font_weight="600", font_size="13")]
    for index, column in enumerate(columns):
        cx = label_width + cell_width * index + cell_width / 2
        for line_index, line in enumerate(_wrap(column, 14, 2)):
            body.append(_text(cx, 24 + header - 22 + 13 * line_index, line, "middle", font_size="11"))
    y = 24 + header
    for section in sections:
        body.append(_text(4, y + 14, _truncate(section.label, 12 + len(columns) * 14), font_weight="600", font_size="11"))
        y += cell_height
        for row in section.rows:
            body.append(f"<g><title>{escape(row.label)}: {escape(row.description)}</title>{_text(8, y + 14, row.label, font_size='11')}</g>")
            for index, cell in enumerate(row.cells):
                x = label_width + cell_width * index
                if cell.score_pct is None:
                    body.append(f"<rect x='{x + 1}' y='{y + 1}' width='{cell_width - 2}' height='{cell_height - 2}' fill='#f4f4f4'/>")
                    body.append(_text(x + cell_width / 2, y + 14, "n/a", "middle", fill=MUTED, font_size="11"))
                    continue
                fill, ink = heat_colour(cell.score_pct)
                outline = f" stroke='{INK}' stroke-dasharray='3 2'" if (cell.n_relevant or 0) < small_n else ""
                body.append(
                    f"<rect x='{x + 1}' y='{y + 1}' width='{cell_width - 2}' height='{cell_height - 2}' fill='{fill}'{outline}>"
                    f"<title>{escape(columns[index])}, {escape(row.label)}: {figures.published_percent(cell.score_pct)} of "
                    f"{figures.count(cell.n_relevant)} relevant cases</title></rect>"
                )
                body.append(_text(x + cell_width / 2, y + 14, figures.published_percent(cell.score_pct, unit=""), "middle", fill=ink, font_size="11"))
            y += cell_height
    # legend: the colour scale, and what a dashed outline means
    for step in range(11):
        fill, _ = heat_colour(step * 10)
        body.append(f"<rect x='{label_width + step * 22}' y='{y + 12}' width='22' height='12' fill='{fill}'/>")
    body.append(_text(label_width, y + 36, "0%", font_size="10", fill=MUTED))
    body.append(_text(label_width + 242, y + 36, "100%", "end", font_size="10", fill=MUTED))
    body.append(_text(label_width + 260, y + 22, f"dashed outline: fewer than {figures.count(small_n)} relevant cases", font_size="10", fill=MUTED))
    return _svg(width, height, title, body, "heat-map")


# ------------------------------------------------------------------ answer shares


@dataclass(frozen=True)
class ShareRow:
    label: str
    shares: tuple[float, ...] | None  # 0-1 fractions as published, one per option, in option order; None when withheld
    note: str = ""  # e.g. "withheld: fewer than 10 respondents" or "n = 565"


def share_bars(title: str, options: Sequence[str], rows: Sequence[ShareRow]) -> str:
    """One 100% bar per area: the share of respondents giving each answer. A withheld row says
    why instead of drawing a bar (disclosure control), never a number."""
    label_width, bar_width, right = 190, 380, 170
    top, row_height = 30, 22
    legend_rows = math.ceil(len(options) / 3)
    height = top + row_height * len(rows) + 16 + 18 * legend_rows
    width = label_width + bar_width + right
    body = [_text(0, 16, title, font_weight="600", font_size="13")]
    for index, row in enumerate(rows):
        y = top + row_height * index
        body.append(_text(label_width - 8, y + 15, _truncate(row.label, 28), "end"))
        if row.shares is None:
            body.append(f"<rect x='{label_width}' y='{y + 3}' width='{bar_width}' height='{row_height - 6}' fill='#f4f4f4' stroke='{GRID}'/>")
            body.append(_text(label_width + 6, y + 15, row.note or "withheld", fill=MUTED, font_size="11"))
            continue
        x = float(label_width)
        for option_index, share in enumerate(row.shares):
            if figures.missing(share) or share <= 0:
                continue
            segment = bar_width * float(share)
            colour = CATEGORY_COLOURS[option_index % len(CATEGORY_COLOURS)]
            body.append(
                f"<rect x='{x:.1f}' y='{y + 3}' width='{segment:.1f}' height='{row_height - 6}' fill='{colour}'>"
                f"<title>{escape(row.label)}, {escape(options[option_index])}: {figures.percent(share)}</title></rect>"
            )
            if segment > 26:
                body.append(_text(x + segment / 2, y + 15, figures.percent(share, unit=""), "middle", fill="#ffffff", font_size="10"))
            x += segment
        body.append(_text(label_width + bar_width + 8, y + 15, row.note, font_size="11", fill=MUTED))
    legend_top = top + row_height * len(rows) + 10
    for option_index, option in enumerate(options):
        lx = label_width + (option_index % 3) * 170
        ly = legend_top + 18 * (option_index // 3)
        body.append(f"<rect x='{lx}' y='{ly}' width='12' height='12' fill='{CATEGORY_COLOURS[option_index % len(CATEGORY_COLOURS)]}'/>")
        body.append(_text(lx + 16, ly + 10, _truncate(option, 24), font_size="11"))
    return _svg(width, height, title, body, "share-bars")
