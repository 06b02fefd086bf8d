"""The aggregate report of a group of six, rendered from the published file only.

`reports/<group_id>/index.html` (self-contained: inline CSS and SVG, CSV downloads as data:
links, nothing fetched at view time), `report.pdf` (Chromium prints the same page), and
`tables/*.csv` with `tables/key.csv`; and, from the same snapshot, the score sheet of every
inspection of the group. A group in progress renders as provisional; synthetic data carry a
banner. Every file is written beside its target and renamed over it: a reader never sees half a
report. Every figure is written by `flows.core.figures`.
"""

from __future__ import annotations

import base64
import time
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from flows.config import Paths
from flows.core import figures
from flows.core.catalogue import load_catalogue
from flows.reporting import charts, html, sql
from flows.reporting.pdf import print_to_pdf
from flows.reporting.score_sheets import InspectionNotPublished, render_score_sheet_from
from flows.reporting.tables import ReportTable, group_tables, key_table
from flows.reporting.text import (
    MIN_RELEVANT_FOR_FINDING,
    Comparison,
    GroupQuestion,
    code_order,
    excluded_from_findings,
    funnel_findings,
    funnel_summary,
    outcome_overview,
    strongest_and_weakest,
    suppression_summary,
    widest_variation,
)
from flows.storage.published import PublishedFile

__all__ = ["GroupNotPublished", "GroupReport", "InspectionNotPublished", "published_groups", "render_group_report"]

SMALL_SAMPLE = 10  # relevant cases below which an area's question score is dashed in the heat map
POOLED_LABEL = "small areas pooled"  # the victims' row of a group's small areas, pooled


class GroupNotPublished(Exception):
    """No inspection of this group is in the published warehouse."""


@dataclass(frozen=True)
class GroupReport:
    group_id: str
    path: Path
    n_inspections: int
    is_complete: bool
    pdf_path: Path | None = None
    score_sheets: tuple[Path, ...] = ()
    seconds: float = 0.0
    group_size: int = 0

    @property
    def state(self) -> str:
        return "complete" if self.is_complete else f"provisional, {self.n_inspections} of {self.group_size}"


@dataclass(frozen=True)
class GroupData:
    """Everything the group report shows, read in one snapshot of the published file."""

    group_id: str
    inspections: list[Any]  # sql/group_inspections.sql
    tables: dict[str, ReportTable]
    methodologies: list[Any]
    survey_questions: list[Any]
    victim_questions: list[Any]
    threshold: int | None
    group_size: int

    @property
    def areas(self) -> list[str]:
        return [row.area for row in self.inspections]

    def records(self, table: str) -> list[Any]:
        return self.tables[table].records


def read_group(published: PublishedFile, group_id: str) -> GroupData:
    inspections = sql.records(published, "group_inspections", group_id)
    if not inspections:
        raise GroupNotPublished(f"group {group_id} has no published inspection")
    return GroupData(
        group_id=group_id,
        inspections=inspections,
        tables=group_tables(published, group_id),
        methodologies=sql.records(published, "group_methodologies", group_id),
        survey_questions=sql.records(published, "survey_questions"),
        victim_questions=sql.records(published, "victim_questions"),
        threshold=sql.records(published, "disclosure_threshold")[0].disclosure_threshold,
        group_size=load_catalogue().group_size,
    )


# ------------------------------------------------------------------ what the sentences are written from


def group_questions(group: GroupData) -> list[GroupQuestion]:
    area_scores: dict[str, dict[str, int | None]] = defaultdict(dict)
    for row in group.records("question_scores"):
        area_scores[row.question_id][row.area] = row.score_pct
    return [
        GroupQuestion(row.question_id, row.question_text, row.criterion_code, row.criterion_title, row.score_pct,
                      row.n_sufficient, row.n_relevant, area_scores.get(row.question_id, {}))
        for row in group.records("group_question_scores")
    ]


def comparisons(group: GroupData) -> list[Comparison]:
    return [Comparison(row.area, row.outcome_name, row.score_pct, row.rest_of_group_score_pct, row.funnel_position)
            for row in group.records("funnel")]


# ------------------------------------------------------------------ sections


def _summary_section(group: GroupData, questions: list[GroupQuestion], compared: list[Comparison]) -> list[str]:
    outcomes = [(row.outcome_name, row.pooled_score_pct) for row in group.records("group_scores")]
    strongest, weakest = strongest_and_weakest(questions, n=1)
    summary = [outcome_overview(outcomes)]
    if strongest:
        summary.append(f"Strongest area of practice: {strongest[0].text}")
    if weakest:
        summary.append(f"Weakest area of practice: {weakest[0].text}")
    summary.append(funnel_summary(compared) + " The areas and outcomes are listed under the funnel plots.")
    return ["<h2 id='summary' class='keep'>Summary</h2><ul class='findings'>" + "".join(f"<li>{escape(s)}</li>" for s in summary) + "</ul>"]


def _headline_section(group: GroupData) -> list[str]:
    scores = group.records("headline_scores")
    outcomes = group.records("group_scores")
    positions = {(row.inspection_id, row.outcome_code): row.funnel_position for row in group.records("funnel")}
    by_cell = {(row.inspection_id, row.outcome_code): row for row in scores}
    parts = ["<h2 id='headline'>Headline scores</h2>",
             "<p>The proportion of work judged done well enough, per area and outcome, with its 95% interval "
             "(bootstrap over the area's cases) and the group's score with every area's cases pooled.</p>"]
    headers = ["Area", "Cases"] + [escape(row.outcome_name) for row in outcomes]
    rows = []
    for inspection in group.inspections:
        cells = []
        for outcome in outcomes:
            row = by_cell.get((inspection.inspection_id, outcome.outcome_code))
            cells.append(figures.MISSING if row is None or row.score_pct is None
                         else f"{figures.published_percent(row.score_pct)}{html.interval_note(row.ci_low, row.ci_high)}")
        rows.append([escape(inspection.area), figures.count(inspection.n_cases), *cells])
    rows.append(["<strong>Group (cases pooled)</strong>", figures.count(sum(i.n_cases for i in group.inspections)),
                 *[f"<strong>{figures.published_percent(row.pooled_score_pct)}</strong>" for row in outcomes]])
    parts.append(html.table(headers, rows, label="Headline scores of each area and of the group, per outcome"))
    for outcome in outcomes:
        chart_rows = [
            charts.IntervalRow(row.area, row.score_pct, row.ci_low, row.ci_high, positions.get((row.inspection_id, outcome.outcome_code)) or "")
            for row in scores if row.outcome_code == outcome.outcome_code
        ]
        parts.append(charts.interval_chart(f"{outcome.outcome_code}. {outcome.outcome_name}", chart_rows, outcome.pooled_score_pct, "group"))
    return parts


def _funnel_section(group: GroupData, compared: list[Comparison]) -> list[str]:
    parts = ["<h2 id='funnels'>Funnel plots</h2>",
             "<p>Each area's score minus the rest of its group's (their cases pooled), against how precisely that difference "
             "is known. The dashed curves are the 95% limits and the solid ones the 99.8% limits: an area outside them "
             "differs from the rest of its group by more than its sample size explains. Larger samples sit further right.</p>"]
    by_outcome: dict[tuple[int, str], list[charts.FunnelPoint]] = defaultdict(list)
    for row in group.records("funnel"):
        points = by_outcome[(row.outcome_code, row.outcome_name)]  # every outcome gets a panel, even with no comparison yet
        if row.difference is not None and row.null_score_se:
            points.append(charts.FunnelPoint(row.area, row.n_cases, row.difference, row.null_score_se, row.funnel_position))
    for (code, name), points in sorted(by_outcome.items()):
        parts.append(charts.funnel_plot(f"{code}. {name}", points))
    parts.append("<h3 id='outside'>Areas outside the funnel limits</h3><ul class='findings'>")
    parts += [f"<li>{escape(sentence)}</li>" for sentence in funnel_findings(compared)]
    parts.append("</ul>")
    return parts


def _heat_map_section(group: GroupData) -> list[str]:
    per_area = {(row.area, row.question_id): row for row in group.records("question_scores")}
    sections: dict[tuple[str, str], list[charts.HeatRow]] = defaultdict(list)
    for question in group.records("group_question_scores"):
        cells = []
        for area in group.areas:
            row = per_area.get((area, question.question_id))
            cells.append(charts.HeatCell(row.score_pct, row.n_relevant) if row else charts.HeatCell(None, None))
        cells.append(charts.HeatCell(question.score_pct, question.n_relevant))
        sections[(question.criterion_code, question.criterion_title)].append(
            charts.HeatRow(question.question_id, question.question_text, tuple(cells)))
    ordered = [charts.HeatSection(f"{code} {title}", tuple(rows))
               for (code, title), rows in sorted(sections.items(), key=lambda item: code_order(item[0][0]))]
    return [
        "<h2 id='heatmap'>Question scores</h2>",
        "<p>Every scoring question (rows, grouped by criterion) for every area (columns) and the group pooled: the share "
        "of relevant cases judged sufficient. Darker is weaker. Hover a question for its wording; the table is in "
        "<code>tables/question_scores.csv</code>.</p>",
        charts.heat_map("Share of relevant cases judged sufficient (%)", [*group.areas, "Group"], ordered, small_n=SMALL_SAMPLE),
    ]


def _practice_section(questions: list[GroupQuestion]) -> list[str]:
    strongest, weakest = strongest_and_weakest(questions)
    parts = ["<h2 id='practice'>Strongest and weakest areas of practice</h2>",
             f"<p>Scoring questions ranked by the group's pooled score, among those with at least {figures.count(MIN_RELEVANT_FOR_FINDING)} "
             "relevant cases across the group.</p>", "<h3>Strongest</h3><ol class='findings'>"]
    parts += [f"<li>{escape(f.text)}</li>" for f in strongest] or ["<li>No question has enough relevant cases yet.</li>"]
    parts.append("</ol><h3>Weakest</h3><ol class='findings'>")
    parts += [f"<li>{escape(f.text)}</li>" for f in weakest] or ["<li>No question has enough relevant cases yet.</li>"]
    parts.append("</ol>")
    for sentence in (widest_variation(questions), excluded_from_findings(questions)):
        if sentence:
            parts.append(f"<p>{escape(sentence)}</p>")
    return parts


def _withheld_text(reason: str | None, threshold: int | None) -> str:
    return {
        "small_denominator": f"withheld: fewer than {figures.count(threshold)} respondents",
        "small_count": f"withheld: a count under {figures.count(threshold)}",
        "secondary": "withheld (secondary)",
    }.get(reason or "", "withheld")


def _label(option: str) -> str:
    return option.replace("_", " ")


def _survey_section(group: GroupData) -> list[str]:
    rows = group.records("survey_results")
    parts = ["<h2 id='survey'>Offender survey</h2>"]
    if not rows:
        return [*parts, "<p>No offender survey results are published for these areas.</p>"]
    parts.append("<p>Shares of respondents in each area giving each answer, after disclosure control: a count under the "
                 "threshold, a question with too few respondents, and any count that would reveal one by subtraction are "
                 "withheld and shown as such, never as a number.</p>")
    questions = {row.question_id: row for row in group.survey_questions}
    for year, survey_id in sorted({(row.survey_year, row.survey_id) for row in rows}):
        parts.append(f"<h3>{escape(survey_id)} ({escape(str(year))})</h3>")
        for question_id in sorted({row.question_id for row in rows if row.survey_id == survey_id}):
            question = questions.get(question_id)
            text = question.question_text if question else question_id
            answer_type = question.answer_type if question else "single"
            cells = [row for row in rows if row.survey_id == survey_id and row.question_id == question_id]
            options = [option for _, option in sorted({(row.option_order, row.answer_option) for row in cells})]
            threshold = cells[0].disclosure_threshold
            share_rows = []
            for area in group.areas:
                area_cells = sorted((row for row in cells if row.area == area), key=lambda row: row.option_order)
                if not area_cells:
                    share_rows.append(charts.ShareRow(area, None, "no responses from this area"))
                elif answer_type == "single" and not any(row.suppressed for row in area_cells):
                    share_rows.append(charts.ShareRow(area, tuple(row.share for row in area_cells),
                                                      f"n = {figures.count(area_cells[0].n_respondents)}"))
                elif answer_type == "single":
                    reasons = {row.suppression_reason for row in area_cells if row.suppressed}
                    note = _withheld_text("small_denominator" if "small_denominator" in reasons else "small_count", threshold)
                    share_rows.append(charts.ShareRow(area, None, note + " (see table)" if "small_denominator" not in reasons else note))
            if answer_type == "single":
                parts.append(charts.share_bars(text, [_label(o) for o in options], share_rows))
            else:
                parts.append(f"<p><strong>{escape(text)}</strong> (more than one answer allowed; share of respondents ticking each)</p>")
            parts.append(_option_table({(row.area, row.answer_option): row for row in cells}, group.areas, options, threshold,
                                       f"Offender survey, {survey_id}: {text}"))
    return parts


def _option_table(by_cell: dict[tuple[str, str], Any], row_labels: list[str], options: list[str], threshold: int | None,
                  name: str) -> str:
    """Rows: areas (or the group pool); columns: answers; each cell n (share) or why it is withheld.
    `by_cell`: (row label, answer option) -> a survey or victim result record; `name` names the table."""
    rows = []
    for label in row_labels:
        present = [by_cell.get((label, option)) for option in options]
        if not any(present):
            continue
        n = next((row.n_respondents for row in present if row and row.n_respondents is not None), None)
        if all(row is None or row.suppression_reason == "small_denominator" for row in present):
            # the whole question is withheld for this row: say so once
            withheld = escape(_withheld_text("small_denominator", threshold))
            rows.append([escape(label), "withheld", f"<span class='withheld'>{withheld}</span>", *[""] * (len(options) - 1)])
            continue
        rendered = []
        for row in present:
            if row is None:
                rendered.append(figures.MISSING)
            elif row.suppressed:
                rendered.append(f"<span class='withheld'>{escape(_withheld_text(row.suppression_reason, threshold))}</span>")
            else:
                rendered.append(f"{figures.count(row.n_option)} <span class='ci'>({figures.percent(row.share)})</span>")
        rows.append([escape(label), "withheld" if n is None else figures.count(n), *rendered])
    return html.table(["Area", "Respondents", *[escape(_label(o)) for o in options]], rows, label=name)


def _victim_section(group: GroupData) -> list[str]:
    rows = group.records("victim_results")
    parts = ["<h2 id='victims'>Victim questionnaire</h2>"]
    if not rows:
        return [*parts, "<p>No victim questionnaire results are published for this group.</p>"]
    pooled = [row for row in rows if row.results_level == "group_pool"]
    parts.append(
        "<p>Counts of victims giving each answer (share in brackets), after disclosure control. "
        + (f"Areas with too few respondents to publish alone are pooled as one row, <em>{POOLED_LABEL}</em> "
           f"({figures.count(pooled[0].n_inspections_pooled)} areas)." if pooled else "Areas with too few respondents are withheld; once the group is complete "
           "they are published as one pool if together they reach the threshold.")
        + "</p>"
    )
    texts = {row.question_id: row.question_text for row in group.victim_questions}

    def label(row: Any) -> str:
        return POOLED_LABEL if row.results_level == "group_pool" else row.area

    for question_id in dict.fromkeys(row.question_id for row in rows):
        cells = [row for row in rows if row.question_id == question_id]
        options = [option for _, option in sorted({(row.option_order, row.answer_option) for row in cells})]
        parts.append(f"<h3>{escape(texts.get(question_id, question_id))}</h3>")
        parts.append(_option_table({(label(row), row.answer_option): row for row in cells}, [*group.areas, POOLED_LABEL], options,
                                   cells[0].disclosure_threshold, f"Victim questionnaire: {texts.get(question_id, question_id)}"))
    return parts


def _context_section(group: GroupData) -> list[str]:
    rows = group.records("area_context")
    parts = ["<h2 id='context'>Context</h2>"]
    if not rows:
        return [*parts, "<p>No context figures are published for these areas.</p>"]
    parts.append("<p>Each area's figures beside England and Wales (the national comparator), as the returns give them; "
                 "the difference is the area's figure minus the national one.</p>")
    by_cell = {(row.measure, row.area): row for row in rows}
    measures = list(dict.fromkeys((row.measure, row.measure_label, row.unit) for row in rows))
    present = [area for area in group.areas if any(row.area == area for row in rows)]
    table_rows = []
    for measure, label, unit in measures:
        national = next((row.national_value for row in rows if row.measure == measure and row.national_value is not None), None)
        cells = []
        for area in present:
            row = by_cell.get((measure, area))
            if row is None or row.value is None:
                cells.append(figures.MISSING)
            elif unit == "persons":
                cells.append(figures.measure(row.value, unit, suffix=False))
            else:
                difference = row.difference_from_national
                note = "" if difference is None else f" <span class='ci'>({figures.measure(difference, unit, signed=True, suffix=False)})</span>"
                cells.append(f"{figures.measure(row.value, unit, suffix=False)}{note}")
        table_rows.append([escape(label), escape(unit or ""), *cells, figures.measure(national, unit, suffix=False)])
    parts.append(html.table(["Measure", "Unit", *[escape(a) for a in present], "England and Wales"], table_rows, text_columns=2,
                            label="Context: each area's figures beside England and Wales"))
    return parts


def _notes_section(group: GroupData) -> list[str]:
    parts = ["<h2 id='notes'>Methodology and data quality</h2><h3>Samples</h3>"]
    parts.append(html.table(
        ["Area", "Inspection", "Position in group", "Fieldwork start", "Cases read", "Methodology", "Published"],
        [[escape(row.area), f"<code>{escape(row.inspection_id)}</code>", figures.count(row.position_in_group),
          figures.day(row.fieldwork_start), figures.count(row.n_cases), f"<code>{escape(row.methodology)}</code>",
          figures.timestamp(row.published_at)]
         for row in group.inspections],
        text_columns=2, label="Samples: the inspections of the group",
    ))
    parts.append("<h3>Methodology</h3>")
    for methodology in group.methodologies:
        state = "" if methodology.status == "confirmed" else f" <strong>Status: {escape(methodology.status.replace('_', ' '))}.</strong>"
        parts.append(f"<p><code>{escape(methodology.methodology_id)}</code>, {escape(methodology.name)} (score rule "
                     f"<code>{escape(methodology.score_rule)}</code>).{state} {escape(methodology.description or '')}</p>")
    parts.append(
        "<p>Intervals are 95% bootstrap intervals over each area's cases (a case's answers resampled together). The group's "
        "score pools every area's relevant and sufficient cases per question before the methodology's rule is applied. "
        "Each area is compared with the rest of its group, not with a group that includes it.</p>"
    )
    parts.append("<h3>Small numbers and what was withheld</h3><ul>")
    questions = group.records("question_scores")
    small = sum(1 for row in questions if row.n_relevant is not None and 0 < row.n_relevant < SMALL_SAMPLE)
    parts.append(f"<li>{figures.count(small)} of {figures.count(len(questions))} area question scores rest on fewer than "
                 f"{figures.count(SMALL_SAMPLE)} relevant cases (dashed in the heat map).</li>")
    for source, table in (("Offender survey", group.tables["survey_results"]), ("Victim questionnaire", group.tables["victim_results"])):
        withheld: dict[str, int] = defaultdict(int)
        for row in table.records:
            if row.suppressed:
                withheld[row.suppression_reason] += 1
        parts.append(f"<li>{escape(suppression_summary(source, withheld, len(table.records), group.threshold or 0))}</li>")
    parts.append("<li>No case reference, name or free text is published: comments stay in the private archive.</li></ul>")
    return parts


def _downloads_section(tables: dict[str, ReportTable]) -> list[str]:
    parts = ["<h2 id='data'>The tables behind the charts</h2>",
             "<p class='screen-only'>Each link downloads a CSV file (also written beside this page under <code>tables/</code>, "
             "with <code>tables/key.csv</code>).</p><ul class='downloads'>"]
    for table in tables.values():
        encoded = base64.b64encode(table.csv_text().encode("utf-8")).decode("ascii")
        parts.append(f"<li><a download='{table.name}.csv' href='data:text/csv;charset=utf-8;base64,{encoded}'>{table.name}.csv</a> "
                     f"– {escape(table.caption)} ({figures.count(len(table.rows))} rows)</li>")
    parts.append("</ul><h3>Key to the columns</h3>")
    for table in tables.values():
        parts.append(f"<h4><code>{table.name}.csv</code></h4>")
        parts.append(html.table(["Column", "Meaning"], [[f"<code>{c}</code>", escape(table.key.get(c, ""))] for c in table.columns],
                                text_columns=2, label=f"Key to the columns of {table.name}.csv"))
    return parts


CONTENTS = (
    ("summary", "Summary"), ("headline", "Headline scores"), ("funnels", "Funnel plots"), ("heatmap", "Question scores"),
    ("practice", "Strongest and weakest areas of practice"), ("survey", "Offender survey"), ("victims", "Victim questionnaire"),
    ("context", "Context"), ("notes", "Methodology and data quality"), ("data", "The tables behind the charts"),
)


def group_html(group: GroupData) -> str:
    n = len(group.inspections)
    theme = group.inspections[0].group_theme
    questions = group_questions(group)
    compared = comparisons(group)
    latest = max(row.published_at for row in group.inspections)
    body = [
        f"<h1>{escape(theme)}: aggregate report</h1>",
        f"<p class='meta'>Group <code>{escape(group.group_id)}</code> · {figures.count(n)} of {figures.count(group.group_size)} "
        f"inspections published · methodology {', '.join(f'<code>{escape(m.methodology_id)}</code>' for m in group.methodologies)} · "
        f"rendered from the published warehouse (latest publication {escape(figures.timestamp(latest))})</p>",
    ]
    if n < group.group_size:
        body.append(html.provisional_banner(n, group.group_size))
    if any(row.is_synthetic for row in group.inspections):
        body.append(html.synthetic_banner())
    body.append("<nav><strong>Contents</strong><ol>" + "".join(f"<li><a href='#{anchor}'>{label}</a></li>" for anchor, label in CONTENTS)
                + "</ol></nav>")
    body += _summary_section(group, questions, compared)
    body += _headline_section(group)
    body += _funnel_section(group, compared)
    body += _heat_map_section(group)
    body += _practice_section(questions)
    body += _survey_section(group)
    body += _victim_section(group)
    body += _context_section(group)
    body += _notes_section(group)
    body += _downloads_section(group.tables)
    body.append("<p class='screen-only'>Score sheets: " + ", ".join(
        f"<a href='../inspections/{escape(row.inspection_id)}.html'>{escape(row.area)}</a>" for row in group.inspections) + ".</p>")
    return html.page(f"{theme}: aggregate report ({group.group_id})", body)


# ------------------------------------------------------------------ assembly


def render_group_report(p: Paths, group_id: str, pdf: bool = True) -> GroupReport:
    """Render the group's report (and its areas' score sheets) from the published warehouse."""
    started = time.perf_counter()
    if not p.published_db.exists():
        raise GroupNotPublished(f"group {group_id}: nothing is published yet ({p.published_db})")
    with PublishedFile(p.published_db) as published:
        group = read_group(published, group_id)
        page = group_html(group)
        sheets = tuple(render_score_sheet_from(published, p, row.inspection_id) for row in group.inspections)

    folder = p.reports / group_id
    for table in group.tables.values():
        html.write(folder / "tables" / f"{table.name}.csv", table.csv_text())
    html.write(folder / "tables" / "key.csv", key_table(group.tables).csv_text())
    target = html.write(folder / "index.html", page)
    pdf_path = None
    if pdf:
        pdf_path = print_to_pdf(target, folder / "report.pdf")
    n = len(group.inspections)
    return GroupReport(group_id, target, n, n >= group.group_size, pdf_path, sheets, time.perf_counter() - started, group.group_size)


def published_groups(p: Paths) -> list[str]:
    if not p.published_db.exists():
        return []
    with PublishedFile(p.published_db) as published:
        return [row.group_id for row in sql.records(published, "published_groups")]
