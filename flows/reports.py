"""The group report, rendered from the published warehouse only: what the group has today.

A self-contained HTML page (no script, font or stylesheet fetched at view time): the group's
areas and their outcome scores with 95% intervals, the pooled group score, areas outside the
funnel limits, and banners for a group in progress and for synthetic data. The full aggregate
report (charts, PDF, survey and context) builds on this.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path

from flows.config import Paths
from flows.warehouse import query

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}.banner{padding:.6rem 1rem;margin:1rem 0;border-radius:4px}
.provisional{background:#fff3cd;border:1px solid #d9a400}.synthetic{background:#f8d7da;border:1px solid #b02a37}
.ci{color:#555;font-size:.85em}
"""


class GroupNotPublished(Exception):
    """No inspection of this group is in the published warehouse."""


@dataclass(frozen=True)
class GroupReport:
    group_id: str
    path: Path
    n_inspections: int
    is_complete: bool


def render_group_report(p: Paths, group_id: str) -> GroupReport:
    inspections = query(
        p.published_db,
        "select inspection_id, area, position_in_group, n_cases, is_synthetic, methodology, group_theme "
        "from marts.dim_inspection where group_id = ? order by position_in_group",
        [group_id],
    )
    if not inspections:
        raise GroupNotPublished(f"group {group_id} has no published inspection")
    scores = query(
        p.published_db,
        "select inspection_id, outcome_code, outcome_name, score_pct, ci_low, ci_high "
        "from marts.fct_outcome_scores join marts.dim_inspection using (inspection_id) where group_id = ?",
        [group_id],
    )
    group = query(
        p.published_db,
        "select outcome_code, outcome_name, pooled_score_pct, n_areas_outside_95, n_areas_outside_998 "
        "from marts.fct_group_outcome_scores where group_id = ? order by outcome_code",
        [group_id],
    )
    flagged = query(
        p.published_db,
        "select area, outcome_name, score_pct, rest_of_group_score_pct, funnel_position from marts.fct_area_group_comparisons "
        "where group_id = ? and is_outside_95 order by outcome_code, area",
        [group_id],
    )
    n = len(inspections)
    complete = n == 6
    by_cell = {(row[0], row[1]): row for row in scores}
    outcomes = [(code, name) for code, name, *_ in group]
    esc = html.escape

    def cell(inspection_id: str, outcome_code: int) -> str:
        row = by_cell.get((inspection_id, outcome_code))
        if row is None or row[3] is None:
            return "<td>-</td>"
        return f"<td>{row[3]}% <span class='ci'>({100 * row[4]:.0f}-{100 * row[5]:.0f})</span></td>"

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(group_id)}: group report</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(inspections[0][6])}: group report</h1><p>Group <code>{esc(group_id)}</code>, methodology "
        f"<code>{esc(inspections[0][5])}</code>.</p>",
    ]
    if not complete:
        parts.append(f"<div class='banner provisional'><strong>Provisional:</strong> {n} of 6 inspections published.</div>")
    if any(row[4] for row in inspections):
        parts.append("<div class='banner synthetic'><strong>Synthetic data</strong>: demonstration only, not findings.</div>")
    parts.append("<h2>Proportion of work judged done well enough (95% interval)</h2><table><tr><th>Area</th><th>Cases</th>")
    parts += [f"<th>{esc(name)}</th>" for _, name in outcomes]
    parts.append("</tr>")
    for inspection_id, area, _, n_cases, *_ in inspections:
        parts.append(f"<tr><td>{esc(area)}</td><td>{n_cases}</td>{''.join(cell(inspection_id, code) for code, _ in outcomes)}</tr>")
    parts.append("<tr><th>Group (pooled)</th><th></th>")
    parts += [f"<th>{pct if pct is not None else '-'}%</th>" for _, _, pct, *_ in group]
    parts.append("</tr></table>")
    parts.append("<h2>Areas outside the 95% funnel limits around the rest of their group</h2>")
    if flagged:
        parts.append("<table><tr><th>Area</th><th>Outcome</th><th>Score</th><th>Rest of group</th><th>Position</th></tr>")
        parts += [f"<tr><td>{esc(a)}</td><td>{esc(o)}</td><td>{s}%</td><td>{r}%</td><td>{esc(f)}</td></tr>" for a, o, s, r, f in flagged]
        parts.append("</table>")
    else:
        parts.append("<p>None.</p>")
    parts.append("</body></html>\n")

    folder = p.reports / group_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    partial = folder / "index.html.part"
    partial.write_text("".join(parts), encoding="utf-8")
    os.replace(partial, target)  # a reader never sees half a report
    return GroupReport(group_id, target, n, complete)
