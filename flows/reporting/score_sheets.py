"""The score sheet of an inspection, `reports/inspections/<inspection_id>.html`, rendered from the
published file only: its outcome scores with their intervals, its comparison with the rest of its
group, its criterion and question scores. Every figure is written by `flows.core.figures`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from flows.config import Paths
from flows.core import figures
from flows.core.catalogue import load_catalogue
from flows.reporting import charts, html, sql
from flows.reporting.text import code_order
from flows.storage.published import PublishedFile


class InspectionNotPublished(Exception):
    """The inspection is not in the published warehouse."""


def render_group_score_sheets(p: Paths, group_id: str) -> list[Path]:
    """The score sheet of every published inspection of a group: each carries the comparison with
    the rest of the group, which changes whenever one of them is published."""
    with PublishedFile(p.published_db) as published:
        ids = [row.inspection_id for row in sql.records(published, "group_inspections", group_id)]
        return [render_score_sheet_from(published, p, inspection_id) for inspection_id in ids]


def render_score_sheets_of_publication(p: Paths, publication_id: str | None) -> list[Path]:
    """The score sheets of every group with an inspection in this publication (none for a survey's)."""
    if publication_id is None or not p.published_db.exists():
        return []
    with PublishedFile(p.published_db) as published:
        groups = [row.group_id for row in sql.records(published, "publication_groups", publication_id)]
    return [sheet for group_id in groups for sheet in render_group_score_sheets(p, group_id)]


def render_score_sheet(p: Paths, inspection_id: str) -> Path:
    if not p.published_db.exists():
        raise InspectionNotPublished(f"inspection {inspection_id}: nothing is published yet ({p.published_db})")
    with PublishedFile(p.published_db) as published:
        return render_score_sheet_from(published, p, inspection_id)


def score_with_interval(score_pct: int | None, low: float | None, high: float | None, strong: bool = False) -> str:
    """A published score and its 95% interval, as the score sheet writes it: '79% (72–85)'."""
    score = figures.published_percent(score_pct)
    return f"{f'<strong>{score}</strong>' if strong else score}{html.interval_note(low, high)}"


def score_sheet_html(published: PublishedFile, inspection_id: str) -> str:
    """The inspection's score sheet, a self-contained page."""
    found = sql.records(published, "inspection", inspection_id)
    if not found:
        raise InspectionNotPublished(f"inspection {inspection_id} is not published")
    inspection = found[0]
    group_size = load_catalogue().group_size
    outcomes = sql.records(published, "outcome_scores", inspection.group_id, inspection_id)
    criteria = sql.records(published, "criterion_scores", inspection_id)
    questions = sql.records(published, "inspection_question_scores", inspection_id)
    short_names = {row.outcome_code: row.outcome_short_name for row in sql.records(published, "outcome_short_names")}
    has_rating = any(row.rating for row in outcomes)
    criteria_rated = any(row.rating for row in criteria)
    body = [f"<h1>{escape(inspection.area)}: score sheet</h1>",
            f"<p class='meta'>Inspection <code>{escape(inspection_id)}</code> · group <a href='../{escape(inspection.group_id)}/index.html'>"
            f"{escape(inspection.group_theme)}</a> (position {figures.count(inspection.position_in_group)} of {figures.count(group_size)}) · "
            f"fieldwork from {figures.day(inspection.fieldwork_start)} · {figures.count(inspection.n_cases)} cases read · "
            f"methodology <code>{escape(inspection.methodology)}</code> · published {escape(figures.timestamp(inspection.published_at))}</p>"]
    if inspection.is_synthetic:
        body.append(html.synthetic_banner())
    body.append("<h2 class='keep'>Summary of scores</h2><p>Proportion of work judged done well enough, with its 95% interval.</p>")
    body.append(html.table(
        ["Outcome", "Proportion judged done well enough", *(["Rating"] if has_rating else [])],
        [[f"{row.outcome_code}. {escape(row.outcome_name)}", score_with_interval(row.score_pct, row.ci_low, row.ci_high, strong=True),
          *([escape(row.rating or figures.MISSING)] if has_rating else [])]
         for row in outcomes], label="Summary of scores: each outcome's score"))
    body.append(charts.interval_chart(
        "Outcome scores with 95% intervals",
        [charts.IntervalRow(f"{row.outcome_code}. {short_names.get(row.outcome_code, row.outcome_name)}", row.score_pct,
                            row.ci_low, row.ci_high, row.funnel_position or "")
         for row in outcomes]))
    in_progress = " The group is in progress: comparisons will change." if inspection.group_n_inspections < group_size else ""
    body.append(f"<h2 class='keep'>Compared with the group</h2><p>The rest of the group is its other published inspections "
                f"({figures.count(inspection.group_n_inspections - 1)}), their cases pooled.{in_progress}</p>")
    body.append(html.table(
        ["Outcome", "This area", "Rest of group", "Difference (points)", "Funnel position", "Group pooled"],
        [[f"{row.outcome_code}. {escape(row.outcome_name)}", figures.published_percent(row.score_pct),
          figures.published_percent(row.rest_of_group_score_pct), figures.points(row.difference, 1, unit=""),
          f"<span class='{'flag' if row.funnel_position and row.funnel_position != 'within limits' else ''}'>"
          f"{escape(row.funnel_position or 'no comparison')}</span>", figures.published_percent(row.group_pooled_score_pct)]
         for row in outcomes], label="Compared with the group: each outcome"))
    body.append("<h2 class='keep'>Criterion scores</h2>")
    body.append(html.table(
        ["Criterion", "Questions", "Score", *(["Rating"] if criteria_rated else [])],
        [[f"{escape(row.criterion_code)} {escape(row.title)}", figures.count(row.n_questions), figures.published_percent(row.score_pct),
          *([escape(row.rating or figures.MISSING)] if criteria_rated else [])]
         for row in sorted(criteria, key=lambda row: code_order(row.criterion_code))], label="Criterion scores"))
    body.append("<h2 class='keep'>Question scores</h2>")
    body.append(html.table(
        ["Question", "Sufficient / relevant", "Not applicable", "Score"],
        [[f"<code>{escape(row.question_id)}</code> {escape(row.question_text)}",
          f"{figures.count(row.n_sufficient)} / {figures.count(row.n_relevant)}", figures.count(row.n_not_applicable),
          score_with_interval(row.score_pct, row.ci_low, row.ci_high)]
         for row in sorted(questions, key=lambda row: code_order(row.question_id.lstrip("q")))], label="Question scores"))
    return html.page(f"{inspection.area}: score sheet ({inspection_id})", body)


def render_score_sheet_from(published: PublishedFile, p: Paths, inspection_id: str) -> Path:
    """Write the inspection's score sheet from an open snapshot of the published file."""
    return html.write(p.reports / "inspections" / f"{inspection_id}.html", score_sheet_html(published, inspection_id))
