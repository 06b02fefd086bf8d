"""The aggregate report of a group of six and the score sheet of an inspection, rendered from
the published warehouse only.

Group report: `reports/<group_id>/index.html` (self-contained: inline CSS and SVG, CSV downloads
as data: links, nothing fetched at view time), `report.pdf` (Chromium prints the same page), and
`tables/*.csv` with `tables/key.csv`. A group in progress renders as provisional; synthetic data
carry a banner. Score sheet: `reports/inspections/<inspection_id>.html`.
Files are written beside their target and renamed over it: a reader never sees half a report.
"""

from __future__ import annotations

import base64
import time
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from flows import charts
from flows.config import Paths
from flows.pdf import print_to_pdf
from flows.report_data import ReportTable, Snapshot
from flows.report_text import (
    MIN_RELEVANT_FOR_FINDING,
    Comparison,
    GroupQuestion,
    excluded_from_findings,
    funnel_findings,
    funnel_summary,
    outcome_overview,
    strongest_and_weakest,
    suppression_summary,
    widest_variation,
)
from flows.warehouse import replace_durably

GROUP_SIZE = 6

STYLE = """
:root{--ink:#1b1b1b;--muted:#5a5a5a;--rule:#c8c8c8}
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:var(--ink);line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid var(--ink);padding-bottom:.2rem}
h3{margin-top:1.4rem}.meta{color:var(--muted)}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}th,td{border:1px solid var(--rule);padding:.25rem .5rem;text-align:right;vertical-align:top}
th{background:#f2f2f2}th:first-child,td:first-child,td.text,th.text{text-align:left}
.banner{padding:.6rem 1rem;margin:1rem 0;border-radius:4px}
.provisional{background:#fff3cd;border:2px solid #d9a400}.synthetic{background:#f8d7da;border:2px solid #b02a37}
.ci{color:var(--muted);font-size:.85em}.withheld{color:var(--muted);font-style:italic}
svg.chart{max-width:100%;height:auto;display:block;margin:.6rem 0 1rem}
nav ol{columns:2}.findings li{margin:.3rem 0}.downloads li{margin:.2rem 0}
.flag{font-weight:600}.table-wrap{overflow-x:auto}.note{color:var(--muted);font-size:.9rem}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-before:page}h2.keep{break-before:auto}
  nav,.screen-only{display:none}svg.chart,table{break-inside:avoid}table{font-size:8pt}a{color:inherit;text-decoration:none}}
"""


class GroupNotPublished(Exception):
    """No inspection of this group is in the published warehouse."""


class InspectionNotPublished(Exception):
    """The inspection is not in the published warehouse."""


@dataclass(frozen=True)
class GroupReport:
    group_id: str
    path: Path
    n_inspections: int
    is_complete: bool
    pdf_path: Path | None = None
    score_sheets: tuple[Path, ...] = ()
    seconds: float = 0.0


# ------------------------------------------------------------------ small HTML helpers


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}%"


def _interval_pct(low_pct: float | None, high_pct: float | None) -> str:
    if low_pct is None or high_pct is None:
        return ""
    return f" <span class='ci'>({low_pct:.0f}–{high_pct:.0f})</span>"


def _interval(low: float | None, high: float | None) -> str:
    """A fraction interval (0-1) as whole percentages."""
    return "" if low is None or high is None else _interval_pct(100 * low, 100 * high)


def _one_decimal(fraction: float | None) -> float | None:
    return None if fraction is None else round(100 * fraction, 1)


def _table(headers: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    head = "".join(f"<th class='text'>{h}</th>" if i < text_columns else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f"<td class='text'>{c}</td>" if i < text_columns else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<div class='table-wrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _page(title: str, body: list[str]) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(data)
    replace_durably(partial, target)


def _synthetic_banner() -> str:
    return (
        "<div class='banner synthetic' role='note'><strong>Synthetic data.</strong> This is the platform's demonstration "
        "programme: the areas' figures are generated, not inspection findings.</div>"
    )


def _label(option: str) -> str:
    return option.replace("_", " ")


# ------------------------------------------------------------------ group report: data


def _group_tables(db: Snapshot, group_id: str) -> dict[str, ReportTable]:
    """Every table behind the group report's charts and lists, as published."""
    in_group = "inspection_id in (select inspection_id from marts.dim_inspection where group_id = ?)"
    return {
        "headline_scores": db.table(
            "headline_scores", "Outcome scores of each area with 95% intervals, and the group's pooled score", "fct_outcome_scores",
            "select i.group_id, s.inspection_id, i.area, i.position_in_group, s.n_cases, s.outcome_code, s.outcome_name, s.score_pct, "
            "round(100 * s.ci_low, 1) as ci_low_pct, round(100 * s.ci_high, 1) as ci_high_pct, s.rating, "
            "g.pooled_score_pct as group_pooled_score_pct, s.methodology, s.publication_id "
            "from marts.fct_outcome_scores s join marts.dim_inspection i using (inspection_id) "
            "join marts.fct_group_outcome_scores g on g.group_id = i.group_id and g.outcome_code = s.outcome_code "
            "where i.group_id = ? order by s.outcome_code, i.position_in_group", [group_id]),
        "group_scores": db.table(
            "group_scores", "The group's pooled score per outcome", "fct_group_outcome_scores",
            "select group_id, outcome_code, outcome_name, n_inspections, n_inspections_scored, pooled_score_pct, pooled_rating, "
            "round(100 * mean_score, 1) as mean_score_pct, round(100 * min_score, 1) as min_score_pct, round(100 * max_score, 1) as max_score_pct, "
            "n_areas_outside_95, n_areas_outside_998, is_complete, methodology "
            "from marts.fct_group_outcome_scores where group_id = ? order by outcome_code", [group_id]),
        "funnel": db.table(
            "funnel", "Each area against the rest of its group, with funnel limits", "fct_area_group_comparisons",
            "select group_id, inspection_id, area, outcome_code, outcome_name, n_cases, score_pct, rest_of_group_score_pct, "
            "round(100 * difference, 1) as difference_pp, round(100 * null_score_se, 2) as null_score_se_pp, "
            "round(100 * lower_95, 1) as lower_95_pct, round(100 * upper_95, 1) as upper_95_pct, "
            "round(100 * lower_998, 1) as lower_998_pct, round(100 * upper_998, 1) as upper_998_pct, funnel_position "
            "from marts.fct_area_group_comparisons where group_id = ? order by outcome_code, area", [group_id]),
        "question_scores": db.table(
            "question_scores", "Question scores of each area and of the group (pooled)", "fct_question_scores",
            "select i.area, q.inspection_id, q.question_id, q.criterion_code, c.title as criterion_title, d.question_text, "
            "q.n_relevant, q.n_sufficient, q.score_pct, round(100 * q.ci_low, 1) as ci_low_pct, round(100 * q.ci_high, 1) as ci_high_pct "
            "from marts.fct_question_scores q join marts.dim_inspection i using (inspection_id) "
            "join marts.dim_question d on d.question_id = q.question_id and d.methodology_id = q.methodology "
            "join marts.dim_criterion c on c.criterion_code = q.criterion_code "
            "where i.group_id = ? order by i.position_in_group, q.question_id", [group_id]),
        "group_question_scores": db.table(
            "group_question_scores", "Question scores of the group, cases pooled", "fct_group_question_scores",
            "select g.group_id, g.question_id, g.criterion_code, c.title as criterion_title, d.question_text, g.n_inspections, "
            "g.n_relevant, g.n_sufficient, g.score_pct, round(100 * g.ci_low, 1) as ci_low_pct, round(100 * g.ci_high, 1) as ci_high_pct "
            "from marts.fct_group_question_scores g "
            "join marts.dim_question d on d.question_id = g.question_id and d.methodology_id = g.methodology "
            "join marts.dim_criterion c on c.criterion_code = g.criterion_code "
            "where g.group_id = ? order by g.question_id", [group_id]),
        "survey_results": db.table(
            "survey_results", "Offender survey results of the group's areas, after disclosure control", "fct_survey_results",
            "select survey_id, survey_year, area, question_id, answer_option, option_order, answer_type, n_respondents, n_option, "
            "round(100 * share, 1) as share_pct, suppressed, suppression_reason, disclosure_threshold from marts.fct_survey_results "
            "where area in (select area from marts.dim_inspection where group_id = ?) "
            "order by survey_year, question_id, area, option_order", [group_id]),
        "victim_results": db.table(
            "victim_results", "Victim questionnaire results, after disclosure control", "fct_victim_results",
            "select v.results_level, v.inspection_id, i.area, v.group_id, v.n_inspections_pooled, v.question_id, v.answer_option, "
            "v.option_order, v.n_respondents, v.n_option, round(100 * v.share, 1) as share_pct, v.suppressed, v.suppression_reason, "
            "v.disclosure_threshold from marts.fct_victim_results v left join marts.dim_inspection i using (inspection_id) "
            "where v.group_id = ? order by v.question_id, v.results_level, i.position_in_group, v.option_order", [group_id]),
        "area_context": db.table(
            "area_context", "Each area's context beside England and Wales", "dim_area_context",
            f"select inspection_id, area, measure, measure_label, unit, geography, value, period, national_geography, national_value, "
            f"difference_from_national, source from marts.dim_area_context where {in_group} order by measure, area", [group_id]),
    }


def _group_questions(tables: dict[str, ReportTable]) -> list[GroupQuestion]:
    area_scores: dict[str, dict[str, int | None]] = defaultdict(dict)
    for row in tables["question_scores"].rows:
        area_scores[row[2]][row[0]] = row[8]
    return [
        GroupQuestion(question_id, text, criterion, title, pct, n_sufficient, n_relevant, area_scores.get(question_id, {}))
        for _, question_id, criterion, title, text, _, n_relevant, n_sufficient, pct, *_ in tables["group_question_scores"].rows
    ]


# ------------------------------------------------------------------ group report: sections


def _headline_section(inspections: list[tuple], tables: dict[str, ReportTable]) -> list[str]:
    scores = tables["headline_scores"].rows
    group = tables["group_scores"].rows
    comparisons = {(row[1], row[3]): row[14] for row in tables["funnel"].rows}
    by_cell = {(row[1], row[5]): row for row in scores}
    parts = ["<h2 id='headline'>Headline scores</h2>",
             "<p>The proportion of work judged done well enough, per area and outcome, with its 95% interval "
             "(bootstrap over the area's cases) and the group's score with every area's cases pooled.</p>"]
    headers = ["Area", "Cases"] + [escape(name) for _, _, name, *_ in group]
    rows = []
    for inspection_id, area, _, n_cases, *_ in inspections:
        cells = []
        for outcome_code in [g[1] for g in group]:
            row = by_cell.get((inspection_id, outcome_code))
            cells.append("–" if row is None or row[7] is None else f"{row[7]}%{_interval_pct(row[8], row[9])}")
        rows.append([escape(area), str(n_cases), *cells])
    rows.append(["<strong>Group (cases pooled)</strong>", str(sum(i[3] for i in inspections)),
                 *[f"<strong>{_pct(g[5])}</strong>" for g in group]])
    parts.append(_table(headers, rows))
    for _, outcome_code, outcome_name, *_rest in group:
        pooled = _rest[2]
        chart_rows = [
            charts.IntervalRow(row[2], row[7], row[8], row[9], comparisons.get((row[1], outcome_code)) or "")
            for row in scores if row[5] == outcome_code
        ]
        parts.append(charts.interval_chart(f"{outcome_code}. {outcome_name}", chart_rows, pooled, "group"))
    return parts


def _funnel_section(tables: dict[str, ReportTable], comparisons: list[Comparison]) -> list[str]:
    parts = ["<h2 id='funnels'>Funnel plots</h2>",
             "<p>Each area's score minus the rest of its group's (their cases pooled), against how precisely that difference "
             "is known. The dashed curves are the 95% limits and the solid ones the 99.8% limits: an area outside them "
             "differs from the rest of its group by more than its sample size explains. Larger samples sit further right.</p>"]
    by_outcome: dict[tuple[int, str], list[charts.FunnelPoint]] = defaultdict(list)
    for row in tables["funnel"].rows:
        _, _, area, code, name, n_cases, _, _, difference_pp, se_pp, *_, position = row
        by_outcome[(code, name)]  # every outcome gets a panel, even with no comparison yet
        if difference_pp is not None and se_pp:
            by_outcome[(code, name)].append(charts.FunnelPoint(area, n_cases, difference_pp, se_pp, position))
    for (code, name), points in sorted(by_outcome.items()):
        parts.append(charts.funnel_plot(f"{code}. {name}", points))
    parts.append("<h3 id='outside'>Areas outside the funnel limits</h3><ul class='findings'>")
    parts += [f"<li>{escape(sentence)}</li>" for sentence in funnel_findings(comparisons)]
    parts.append("</ul>")
    return parts


def _heat_map_section(inspections: list[tuple], tables: dict[str, ReportTable]) -> list[str]:
    areas = [row[1] for row in inspections]
    per_area = {(row[0], row[2]): row for row in tables["question_scores"].rows}
    sections: dict[tuple[str, str], list[charts.HeatRow]] = defaultdict(list)
    for _, question_id, criterion, title, text, _, n_relevant, _, pct, *_ in tables["group_question_scores"].rows:
        cells = []
        for area in areas:
            row = per_area.get((area, question_id))
            cells.append(charts.HeatCell(row[8], row[6]) if row else charts.HeatCell(None, None))
        cells.append(charts.HeatCell(pct, n_relevant))
        sections[(criterion, title)].append(charts.HeatRow(question_id, text, tuple(cells)))
    ordered = [charts.HeatSection(f"{code} {title}", tuple(rows)) for (code, title), rows in sorted(sections.items(), key=lambda item: _code_order(item[0][0]))]
    return [
        "<h2 id='heatmap'>Question scores</h2>",
        "<p>Every scoring question (rows, grouped by criterion) for every area (columns) and the group pooled: the share "
        "of relevant cases judged sufficient. Darker is weaker. Hover a question for its wording; the table is in "
        "<code>tables/question_scores.csv</code>.</p>",
        charts.heat_map("Share of relevant cases judged sufficient (%)", [*areas, "Group"], ordered),
    ]


def _code_order(code: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in code.split("."))


def _practice_section(questions: list[GroupQuestion]) -> list[str]:
    strongest, weakest = strongest_and_weakest(questions)
    parts = ["<h2 id='practice'>Strongest and weakest areas of practice</h2>",
             f"<p>Scoring questions ranked by the group's pooled score, among those with at least {MIN_RELEVANT_FOR_FINDING} "
             "relevant cases across the group.</p>", "<h3>Strongest</h3><ol class='findings'>"]
    parts += [f"<li>{escape(f.text)}</li>" for f in strongest] or ["<li>No question has enough relevant cases yet.</li>"]
    parts.append("</ol><h3>Weakest</h3><ol class='findings'>")
    parts += [f"<li>{escape(f.text)}</li>" for f in weakest] or ["<li>No question has enough relevant cases yet.</li>"]
    parts.append("</ol>")
    for sentence in (widest_variation(questions), excluded_from_findings(questions)):
        if sentence:
            parts.append(f"<p>{escape(sentence)}</p>")
    return parts


def _withheld_text(reason: str | None, threshold: int) -> str:
    return {
        "small_denominator": f"withheld: fewer than {threshold} respondents",
        "small_count": f"withheld: a count under {threshold}",
        "secondary": "withheld (secondary)",
    }.get(reason or "", "withheld")


def _survey_section(survey_questions: list[tuple], tables: dict[str, ReportTable], areas: list[str]) -> list[str]:
    rows = tables["survey_results"].rows
    parts = ["<h2 id='survey'>Offender survey</h2>"]
    if not rows:
        return [*parts, "<p>No offender survey results are published for these areas.</p>"]
    parts.append("<p>Shares of respondents in each area giving each answer, after disclosure control: a count under the "
                 "threshold, a question with too few respondents, and any count that would reveal one by subtraction are "
                 "withheld and shown as such, never as a number.</p>")
    questions = {row[0]: row for row in survey_questions}
    surveys = sorted({(row[1], row[0]) for row in rows})
    for year, survey_id in surveys:
        parts.append(f"<h3>{escape(survey_id)} ({year})</h3>")
        for question_id in sorted({row[3] for row in rows if row[0] == survey_id}):
            _, _, text, answer_type, _ = questions.get(question_id, (question_id, "", question_id, "single", ""))
            cells = [row for row in rows if row[0] == survey_id and row[3] == question_id]
            options = [option for _, option in sorted({(row[5], row[4]) for row in cells})]
            threshold = cells[0][12]
            share_rows = []
            for area in areas:
                area_cells = sorted((row for row in cells if row[2] == area), key=lambda row: row[5])
                if not area_cells:
                    share_rows.append(charts.ShareRow(area, None, "no responses from this area"))
                elif answer_type == "single" and not any(row[10] for row in area_cells):
                    share_rows.append(charts.ShareRow(area, tuple(row[9] / 100 for row in area_cells), f"n = {area_cells[0][7]}"))
                elif answer_type == "single":
                    reasons = {row[11] for row in area_cells if row[10]}
                    note = _withheld_text("small_denominator" if "small_denominator" in reasons else "small_count", threshold)
                    share_rows.append(charts.ShareRow(area, None, note + " (see table)" if "small_denominator" not in reasons else note))
            if answer_type == "single":
                parts.append(charts.share_bars(text, [_label(o) for o in options], share_rows))
            else:
                parts.append(f"<p><strong>{escape(text)}</strong> (more than one answer allowed; share of respondents ticking each)</p>")
            parts.append(_option_table(cells, areas, options, area_column=2, n_column=7, count_column=8, share_column=9,
                                       suppressed_column=10, reason_column=11, option_column=4, threshold=threshold))
    return parts


def _option_table(cells: list[tuple], row_labels: list[str], options: list[str], *, area_column: int, n_column: int, count_column: int,
                  share_column: int, suppressed_column: int, reason_column: int, option_column: int, threshold: int) -> str:
    """Rows: areas (or the group pool); columns: answers; each cell n (share) or why it is withheld."""
    by_cell = {(row[area_column], row[option_column]): row for row in cells}
    rows = []
    for label in row_labels:
        present = [by_cell.get((label, option)) for option in options]
        if not any(present):
            continue
        n = next((row[n_column] for row in present if row and row[n_column] is not None), None)
        if all(row is None or row[reason_column] == "small_denominator" for row in present):
            # the whole question is withheld for this row: say so once
            withheld = escape(_withheld_text("small_denominator", threshold))
            rows.append([escape(label), "withheld", f"<span class='withheld'>{withheld}</span>", *[""] * (len(options) - 1)])
            continue
        rendered = []
        for row in present:
            if row is None:
                rendered.append("–")
            elif row[suppressed_column]:
                rendered.append(f"<span class='withheld'>{escape(_withheld_text(row[reason_column], threshold))}</span>")
            else:
                rendered.append(f"{row[count_column]} <span class='ci'>({row[share_column]:.0f}%)</span>")
        rows.append([escape(label), "withheld" if n is None else str(n), *rendered])
    return _table(["", "Respondents", *[escape(_label(o)) for o in options]], rows)


def _victim_section(victim_questions: list[tuple], tables: dict[str, ReportTable], areas: list[str]) -> list[str]:
    rows = tables["victim_results"].rows
    parts = ["<h2 id='victims'>Victim questionnaire</h2>"]
    if not rows:
        return [*parts, "<p>No victim questionnaire results are published for this group.</p>"]
    pooled = [row for row in rows if row[0] == "group_pool"]
    parts.append(
        "<p>Counts of victims giving each answer (share in brackets), after disclosure control. "
        + (f"Areas with too few respondents to publish alone are pooled as one row, <em>small areas pooled</em> "
           f"({pooled[0][4]} areas)." if pooled else "Areas with too few respondents are withheld; once the group is complete "
           "they are published as one pool if together they reach the threshold.")
        + "</p>"
    )
    texts = {row[0]: row[1] for row in victim_questions}
    labelled = [(("small areas pooled" if row[0] == "group_pool" else row[2]), *row) for row in rows]
    labels = [*areas, "small areas pooled"]
    for question_id in dict.fromkeys(row[5] for row in rows):
        cells = [row for row in labelled if row[6] == question_id]
        options = [option for _, option in sorted({(row[8], row[7]) for row in cells})]
        parts.append(f"<h3>{escape(texts.get(question_id, question_id))}</h3>")
        parts.append(_option_table(cells, labels, options, area_column=0, n_column=9, count_column=10, share_column=11,
                                   suppressed_column=12, reason_column=13, option_column=7, threshold=cells[0][14]))
    return parts


def _context_section(tables: dict[str, ReportTable], areas: list[str]) -> list[str]:
    rows = tables["area_context"].rows
    parts = ["<h2 id='context'>Context</h2>"]
    if not rows:
        return [*parts, "<p>No context figures are published for these areas.</p>"]
    parts.append("<p>Each area's figures beside England and Wales (the national comparator), as the returns give them; "
                 "the difference is the area's figure minus the national one.</p>")
    by_cell = {(row[2], row[1]): row for row in rows}
    measures = list(dict.fromkeys((row[2], row[3], row[4]) for row in rows))
    present = [area for area in areas if any(row[1] == area for row in rows)]
    table_rows = []
    for measure, label, unit in measures:
        national = next((row[9] for row in rows if row[2] == measure and row[9] is not None), None)
        cells = []
        for area in present:
            row = by_cell.get((measure, area))
            if row is None or row[6] is None:
                cells.append("–")
            else:
                difference = f" <span class='ci'>({row[10]:+,.1f})</span>" if row[10] is not None else ""
                cells.append(f"{row[6]:,.1f}{difference}" if unit != "persons" else f"{row[6]:,.0f}")
        table_rows.append([escape(label), escape(unit or ""), *cells, "–" if national is None else (f"{national:,.1f}" if unit != "persons" else f"{national:,.0f}")])
    parts.append(_table(["Measure", "Unit", *[escape(a) for a in present], "England and Wales"], table_rows, text_columns=2))
    return parts


def _notes_section(inspections: list[tuple], methodologies: list[tuple], tables: dict[str, ReportTable], threshold: int | None) -> list[str]:
    parts = ["<h2 id='notes'>Methodology and data quality</h2><h3>Samples</h3>"]
    parts.append(_table(
        ["Area", "Inspection", "Position in group", "Fieldwork start", "Cases read", "Methodology", "Published"],
        [[escape(a), f"<code>{escape(i)}</code>", str(pos), str(start or "–"), str(n), f"<code>{escape(m)}</code>", str(published)[:16]]
         for i, a, pos, n, _syn, m, _theme, start, published in inspections],
        text_columns=2,
    ))
    parts.append("<h3>Methodology</h3>")
    for methodology_id, name, status, score_rule, description in methodologies:
        state = "" if status == "confirmed" else f" <strong>Status: {escape(status.replace('_', ' '))}.</strong>"
        parts.append(f"<p><code>{escape(methodology_id)}</code>, {escape(name)} (score rule <code>{escape(score_rule)}</code>).{state} "
                     f"{escape(description or '')}</p>")
    parts.append(
        "<p>Intervals are 95% bootstrap intervals over each area's cases (a case's answers resampled together). The group's "
        "score pools every area's relevant and sufficient cases per question before the methodology's rule is applied. "
        "Each area is compared with the rest of its group, not with a group that includes it.</p>"
    )
    parts.append("<h3>Small numbers and what was withheld</h3><ul>")
    questions = tables["question_scores"].rows
    small = sum(1 for row in questions if row[6] is not None and 0 < row[6] < 10)
    parts.append(f"<li>{small} of {len(questions)} area question scores rest on fewer than 10 relevant cases (dashed in the heat map).</li>")
    for source, table in (("Offender survey", tables["survey_results"]), ("Victim questionnaire", tables["victim_results"])):
        suppressed_at = table.columns.index("suppressed")
        reason_at = table.columns.index("suppression_reason")
        withheld: dict[str, int] = defaultdict(int)
        for row in table.rows:
            if row[suppressed_at]:
                withheld[row[reason_at]] += 1
        parts.append(f"<li>{escape(suppression_summary(source, withheld, len(table.rows), threshold or 0))}</li>")
    parts.append("<li>No case reference, name or free text is published: comments stay in the private archive.</li></ul>")
    return parts


def _downloads_section(tables: dict[str, ReportTable]) -> list[str]:
    parts = ["<h2 id='data'>The tables behind the charts</h2>",
             "<p class='screen-only'>Each link downloads a CSV file (also written beside this page under <code>tables/</code>, "
             "with <code>tables/key.csv</code>).</p><ul class='downloads'>"]
    for table in tables.values():
        encoded = base64.b64encode(table.csv_text().encode("utf-8")).decode("ascii")
        parts.append(f"<li><a download='{table.name}.csv' href='data:text/csv;charset=utf-8;base64,{encoded}'>{table.name}.csv</a> "
                     f"– {escape(table.caption)} ({len(table.rows)} rows)</li>")
    parts.append("</ul><h3>Key to the columns</h3>")
    for table in tables.values():
        parts.append(f"<h4><code>{table.name}.csv</code></h4>")
        parts.append(_table(["Column", "Meaning"], [[f"<code>{c}</code>", escape(table.key.get(c, ""))] for c in table.columns], text_columns=2))
    return parts


def key_csv(tables: dict[str, ReportTable]) -> str:
    return ReportTable("key", "", "", ["table", "column", "description"],
                       [(t.name, c, t.key.get(c, "")) for t in tables.values() for c in t.columns]).csv_text()


# ------------------------------------------------------------------ group report: assembly


def render_group_report(p: Paths, group_id: str, pdf: bool = True) -> GroupReport:
    """Render the group's report (and its areas' score sheets) from the published warehouse."""
    started = time.perf_counter()
    if not p.published_db.exists():
        raise GroupNotPublished(f"group {group_id}: nothing is published yet ({p.published_db})")
    with Snapshot(p.published_db) as db:
        inspections = db.rows(
            "select inspection_id, area, position_in_group, n_cases, is_synthetic, methodology, group_theme, fieldwork_start, published_at "
            "from marts.dim_inspection where group_id = ? order by position_in_group", [group_id])
        if not inspections:
            raise GroupNotPublished(f"group {group_id} has no published inspection")
        tables = _group_tables(db, group_id)
        methodologies = db.rows(
            "select methodology_id, name, status, score_rule, description from marts.dim_methodology "
            "where methodology_id in (select methodology from marts.dim_inspection where group_id = ?) order by methodology_id", [group_id])
        survey_questions = db.rows("select question_id, section, question_text, answer_type, answer_options from marts.dim_survey_question")
        victim_questions = db.rows("select question_id, question_text from marts.dim_victim_question")
        threshold = next(iter(db.rows("select max(disclosure_threshold) from marts.fct_survey_results")), (None,))[0]
        html = _group_html(group_id, inspections, tables, methodologies, survey_questions, victim_questions, threshold)
        sheets = tuple(render_score_sheet_from(db, p, row[0]) for row in inspections)

    folder = p.reports / group_id
    for table in tables.values():
        _write_atomically(folder / "tables" / f"{table.name}.csv", table.csv_text().encode("utf-8"))
    _write_atomically(folder / "tables" / "key.csv", key_csv(tables).encode("utf-8"))
    target = folder / "index.html"
    _write_atomically(target, html.encode("utf-8"))
    pdf_path = None
    if pdf:
        pdf_path = folder / "report.pdf"
        print_to_pdf(target, pdf_path)
    n = len(inspections)
    return GroupReport(group_id, target, n, n >= GROUP_SIZE, pdf_path, sheets, time.perf_counter() - started)


def _group_html(group_id, inspections, tables, methodologies, survey_questions, victim_questions, threshold) -> str:
    n = len(inspections)
    theme = inspections[0][6]
    areas = [row[1] for row in inspections]
    questions = _group_questions(tables)
    comparisons = [Comparison(row[2], row[4], row[6], row[7], row[14]) for row in tables["funnel"].rows]
    body = [
        f"<h1>{escape(theme)}: aggregate report</h1>",
        f"<p class='meta'>Group <code>{escape(group_id)}</code> · {n} of {GROUP_SIZE} inspections published · "
        f"methodology {', '.join(f'<code>{escape(m[0])}</code>' for m in methodologies)} · rendered from the published warehouse "
        f"(latest publication {escape(str(max(row[8] for row in inspections))[:16])})</p>",
    ]
    if n < GROUP_SIZE:
        body.append(f"<div class='banner provisional' role='note'><strong>Provisional:</strong> {n} of {GROUP_SIZE} inspections of this "
                    "group are published. Scores, comparisons and findings will change as the rest arrive.</div>")
    if any(row[4] for row in inspections):
        body.append(_synthetic_banner())
    body.append("<nav><strong>Contents</strong><ol>" + "".join(
        f"<li><a href='#{anchor}'>{label}</a></li>" for anchor, label in (
            ("summary", "Summary"), ("headline", "Headline scores"), ("funnels", "Funnel plots"), ("heatmap", "Question scores"),
            ("practice", "Strongest and weakest areas of practice"), ("survey", "Offender survey"), ("victims", "Victim questionnaire"),
            ("context", "Context"), ("notes", "Methodology and data quality"), ("data", "The tables behind the charts"))) + "</ol></nav>")
    outcomes = [(row[2], row[5]) for row in tables["group_scores"].rows]
    strongest, weakest = strongest_and_weakest(questions, n=1)
    summary = [outcome_overview(outcomes)]
    if strongest:
        summary.append(f"Strongest area of practice: {strongest[0].text}")
    if weakest:
        summary.append(f"Weakest area of practice: {weakest[0].text}")
    summary.append(funnel_summary(comparisons) + " The areas and outcomes are listed under the funnel plots.")
    body.append("<h2 id='summary' class='keep'>Summary</h2><ul class='findings'>" + "".join(f"<li>{escape(s)}</li>" for s in summary) + "</ul>")
    body += _headline_section(inspections, tables)
    body += _funnel_section(tables, comparisons)
    body += _heat_map_section(inspections, tables)
    body += _practice_section(questions)
    body += _survey_section(survey_questions, tables, areas)
    body += _victim_section(victim_questions, tables, areas)
    body += _context_section(tables, areas)
    body += _notes_section(inspections, methodologies, tables, threshold)
    body += _downloads_section(tables)
    body.append("<p class='screen-only'>Score sheets: " + ", ".join(
        f"<a href='../inspections/{escape(row[0])}.html'>{escape(row[1])}</a>" for row in inspections) + ".</p>")
    return _page(f"{theme}: aggregate report ({group_id})", body)


def published_groups(p: Paths) -> list[str]:
    if not p.published_db.exists():
        return []
    with Snapshot(p.published_db) as db:
        return [row[0] for row in db.rows("select distinct group_id from marts.dim_inspection order by group_id")]


# ------------------------------------------------------------------ score sheet


def render_group_score_sheets(p: Paths, group_id: str) -> list[Path]:
    """The score sheet of every published inspection of a group: each carries the comparison with
    the rest of the group, which changes whenever one of them is published."""
    with Snapshot(p.published_db) as db:
        ids = [row[0] for row in db.rows("select inspection_id from marts.dim_inspection where group_id = ?", [group_id])]
        return [render_score_sheet_from(db, p, inspection_id) for inspection_id in ids]


def render_score_sheet(p: Paths, inspection_id: str) -> Path:
    if not p.published_db.exists():
        raise InspectionNotPublished(f"inspection {inspection_id}: nothing is published yet ({p.published_db})")
    with Snapshot(p.published_db) as db:
        return render_score_sheet_from(db, p, inspection_id)


def render_score_sheet_from(db: Snapshot, p: Paths, inspection_id: str) -> Path:
    found = db.rows(
        "select area, group_id, group_theme, position_in_group, fieldwork_start, n_cases, methodology, published_at, is_synthetic, "
        "(select count(*) from marts.dim_inspection g where g.group_id = i.group_id) from marts.dim_inspection i where inspection_id = ?",
        [inspection_id])
    if not found:
        raise InspectionNotPublished(f"inspection {inspection_id} is not published")
    area, group_id, theme, position, start, n_cases, methodology, published_at, synthetic, group_n = found[0]
    outcomes = db.rows(
        "select s.outcome_code, s.outcome_name, s.score_pct, s.ci_low, s.ci_high, s.rating, c.rest_of_group_score_pct, "
        "round(100 * c.difference, 1), c.funnel_position, g.pooled_score_pct "
        "from marts.fct_outcome_scores s left join marts.fct_area_group_comparisons c using (inspection_id, outcome_code) "
        "left join marts.fct_group_outcome_scores g on g.group_id = ? and g.outcome_code = s.outcome_code "
        "where s.inspection_id = ? order by s.outcome_code", [group_id, inspection_id])
    criteria = db.rows(
        "select s.criterion_code, c.title, s.outcome_code, s.n_questions, s.score_pct, s.rating from marts.fct_criterion_scores s "
        "join marts.dim_criterion c using (criterion_code) where s.inspection_id = ?", [inspection_id])
    questions = db.rows(
        "select q.question_id, d.question_text, q.n_sufficient, q.n_relevant, q.n_not_applicable, q.score_pct, q.ci_low, q.ci_high "
        "from marts.fct_question_scores q join marts.dim_question d on d.question_id = q.question_id and d.methodology_id = q.methodology "
        "where q.inspection_id = ?", [inspection_id])
    short_names = dict(db.rows("select outcome_code, outcome_short_name from marts.dim_outcome"))
    has_rating = any(row[5] for row in outcomes)
    body = [f"<h1>{escape(area)}: score sheet</h1>",
            f"<p class='meta'>Inspection <code>{escape(inspection_id)}</code> · group <a href='../{escape(group_id)}/index.html'>"
            f"{escape(theme)}</a> (position {position} of {GROUP_SIZE}) · fieldwork from {start or '–'} · {n_cases} cases read · "
            f"methodology <code>{escape(methodology)}</code> · published {escape(str(published_at)[:16])}</p>"]
    if synthetic:
        body.append(_synthetic_banner())
    body.append("<h2 class='keep'>Summary of scores</h2><p>Proportion of work judged done well enough, with its 95% interval.</p>")
    body.append(_table(
        ["Outcome", "Proportion judged done well enough", *(["Rating"] if has_rating else [])],
        [[f"{code}. {escape(name)}", f"<strong>{_pct(pct)}</strong>{_interval(low, high)}", *([escape(rating or '–')] if has_rating else [])]
         for code, name, pct, low, high, rating, *_ in outcomes]))
    body.append(charts.interval_chart(
        "Outcome scores with 95% intervals",
        [charts.IntervalRow(f"{code}. {short_names.get(code, name)}", pct, None if low is None else 100 * low,
                            None if high is None else 100 * high, position or "")
         for code, name, pct, low, high, _, _, _, position, _ in outcomes]))
    body.append(f"<h2 class='keep'>Compared with the group</h2><p>The rest of the group is its other published inspections "
                f"({group_n - 1}), their cases pooled.{' The group is in progress: comparisons will change.' if group_n < GROUP_SIZE else ''}</p>")
    body.append(_table(
        ["Outcome", "This area", "Rest of group", "Difference (points)", "Funnel position", "Group pooled"],
        [[f"{code}. {escape(name)}", _pct(pct), _pct(rest), "–" if diff is None else f"{diff:+.1f}",
          f"<span class='{'flag' if position and position != 'within limits' else ''}'>{escape(position or 'no comparison')}</span>", _pct(pooled)]
         for code, name, pct, _, _, _, rest, diff, position, pooled in outcomes]))
    body.append("<h2 class='keep'>Criterion scores</h2>")
    body.append(_table(
        ["Criterion", "Questions", "Score", *(["Rating"] if any(row[5] for row in criteria) else [])],
        [[f"{escape(code)} {escape(title)}", str(n), _pct(pct), *([escape(rating or '–')] if any(r[5] for r in criteria) else [])]
         for code, title, _, n, pct, rating in sorted(criteria, key=lambda row: _code_order(row[0]))]))
    body.append("<h2 class='keep'>Question scores</h2>")
    body.append(_table(
        ["Question", "Sufficient / relevant", "Not applicable", "Score"],
        [[f"<code>{escape(qid)}</code> {escape(text)}", f"{ns} / {nr}", str(na), f"{_pct(pct)}{_interval(low, high)}"]
         for qid, text, ns, nr, na, pct, low, high in sorted(questions, key=lambda row: _code_order(row[0].lstrip('q')))]))
    target = p.reports / "inspections" / f"{inspection_id}.html"
    _write_atomically(target, _page(f"{area}: score sheet ({inspection_id})", body).encode("utf-8"))
    return target
