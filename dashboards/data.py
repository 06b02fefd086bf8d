"""The analysts' dashboard's queries on the published file and the display tables made of their
results. Pure functions, testable without Streamlit.

Every read goes through `flows.storage.published`, the one reader of the published file: it
opens the file read-only, runs one query and closes it again, so the dashboard never holds the
file open between reruns (a publication replaces the file with an atomic rename, and the next
read opens the new one). The file's identity (inode, modification time, size) is the cache key
of the app; a read checks that the file it read is still the one the key names.

Every figure is written by `flows.core.figures`, the formatter the report and the score sheets
use, so a score, an interval or a share reads here exactly as it does there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from flows.core import figures
from flows.core.catalogue import load_catalogue
from flows.core.inert import escape_markdown, spreadsheet_safe
from flows.storage.published import FileIdentity, read_published

# Question ids are `q<criterion>.<n>`: sort them by number, so q2.1.10 follows q2.1.9.
_QUESTION_ORDER = "list_transform(string_split(ltrim({col}, 'q'), '.'), x -> try_cast(x AS INTEGER))"
# The victims' results of one inspection or of its group's pool: the same columns, two filters.
_VICTIM_RESULTS = """
        SELECT v.results_level, v.inspection_id, v.group_id, v.n_inspections_pooled, v.question_id, d.question_text,
               v.answer_option, v.option_order, v.n_respondents, v.n_option, v.share, v.suppressed,
               v.suppression_reason, v.disclosure_threshold
        FROM marts.fct_victim_results v LEFT JOIN marts.dim_victim_question d USING (question_id)
        WHERE {where}
        ORDER BY v.question_id, v.option_order"""

QUERIES: dict[str, str] = {
    "latest_publication": """
        SELECT publication_id, published_at, reason FROM marts.dim_publication
        ORDER BY published_at DESC, publication_id DESC LIMIT 1""",
    "groups": """
        SELECT group_id, any_value(group_theme) AS group_theme, min(fieldwork_start) AS first_fieldwork_start,
               count(*) AS n_inspections
        FROM marts.dim_inspection GROUP BY group_id ORDER BY first_fieldwork_start, group_id""",
    "inspections": """
        SELECT inspection_id, area, group_id, group_theme, position_in_group, fieldwork_start, methodology,
               n_cases, is_synthetic, published_at
        FROM marts.dim_inspection ORDER BY group_id, position_in_group""",
    "outcomes": "SELECT outcome_code, outcome_name, outcome_short_name FROM marts.dim_outcome ORDER BY outcome_code",
    "methodologies": "SELECT methodology_id, name, status, score_rule, description FROM marts.dim_methodology",
    "outcome_score": """
        SELECT inspection_id, outcome_code, outcome_name, methodology, score_pct, ci_low, ci_high, rating,
               n_questions, n_cases, n_sufficient_pooled, n_relevant_pooled, published_at
        FROM marts.fct_outcome_scores WHERE inspection_id = ? AND outcome_code = ?""",
    "area_history": """
        SELECT h.inspection_id, i.area, h.outcome_code, h.outcome_name, h.methodology, h.published_at,
               h.superseded_at, h.is_current, h.score_pct, h.ci_low, h.ci_high, h.rating, h.n_questions,
               h.publication_id, h.version_id
        FROM marts.fct_outcome_scores_history h JOIN marts.dim_inspection i USING (inspection_id)
        WHERE i.area = ? AND h.outcome_code = ?
        ORDER BY h.published_at, h.inspection_id""",
    "programme": """
        SELECT programme_position, group_id, group_theme, first_fieldwork_start, n_inspections, is_complete,
               outcome_code, outcome_name, methodology, methodology_status, methodology_segment, is_methodology_break,
               pooled_score_pct, pooled_score, mean_score, min_score, max_score, pooled_rating
        FROM marts.fct_programme_outcome_scores WHERE outcome_code = ? ORDER BY programme_position""",
    "group_areas": """
        SELECT o.inspection_id, i.area, i.position_in_group, o.n_cases, o.score_pct, o.ci_low, o.ci_high, o.rating,
               c.rest_of_group_n_inspections, c.rest_of_group_score_pct, c.difference,
               c.lower_95, c.upper_95, c.lower_998, c.upper_998, c.funnel_position
        FROM marts.fct_outcome_scores o
        JOIN marts.dim_inspection i USING (inspection_id)
        LEFT JOIN marts.fct_area_group_comparisons c
               ON c.inspection_id = o.inspection_id AND c.outcome_code = o.outcome_code
        WHERE i.group_id = ? AND o.outcome_code = ?
        ORDER BY i.position_in_group""",
    "group_pooled": """
        SELECT group_id, group_theme, outcome_code, outcome_name, n_inspections, n_inspections_scored, is_complete,
               pooled_score_pct, pooled_score, mean_score, min_score, max_score, pooled_rating,
               n_areas_outside_95, n_areas_outside_998
        FROM marts.fct_group_outcome_scores WHERE group_id = ? AND outcome_code = ?""",
    "question_drilldown": f"""
        SELECT q.inspection_id, b.outcome_code, q.question_id, q.criterion_code, t.question_text,
               b.is_criterion_outcome, q.n_sufficient, q.n_relevant, q.n_not_applicable, q.n_answers,
               q.score_pct, q.ci_low, q.ci_high
        FROM marts.fct_question_scores q
        JOIN marts.bridge_question_outcome b ON b.question_id = q.question_id
        LEFT JOIN (SELECT question_id, any_value(question_text) AS question_text
                   FROM marts.dim_question GROUP BY question_id) t ON t.question_id = q.question_id
        WHERE q.inspection_id = ? AND b.outcome_code = ?
        ORDER BY {_QUESTION_ORDER.format(col="q.question_id")}""",
    "survey": """
        SELECT s.survey_id, s.survey_year, s.area, s.question_id, d.question_text, s.answer_type, s.answer_option,
               s.option_order, s.n_respondents, s.n_option, s.share, s.suppressed, s.suppression_reason,
               s.disclosure_threshold
        FROM marts.fct_survey_results s LEFT JOIN marts.dim_survey_question d USING (question_id)
        WHERE s.area = ?
        ORDER BY s.survey_year, s.survey_id, s.question_id, s.option_order""",
    "victims_inspection": _VICTIM_RESULTS.format(where="v.results_level = 'inspection' AND v.inspection_id = ?"),
    "victims_group": _VICTIM_RESULTS.format(where="v.results_level = 'group_pool' AND v.group_id = ?"),
    "context": """
        SELECT inspection_id, area, measure, measure_label, unit, geography, value, period, source,
               national_geography, national_value, national_period, national_source, difference_from_national
        FROM marts.dim_area_context WHERE inspection_id = ? ORDER BY measure_label""",
    "column_comments": """
        SELECT table_name, column_name, comment FROM duckdb_columns()
        WHERE database_name = 'published' AND schema_name = 'marts'""",
}

# The marts each query reads, in order of precedence for the key to the columns.
SOURCES: dict[str, tuple[str, ...]] = {
    "area_history": ("fct_outcome_scores_history", "dim_inspection"),
    "programme": ("fct_programme_outcome_scores",),
    "group_areas": ("fct_outcome_scores", "fct_area_group_comparisons", "dim_inspection"),
    "group_pooled": ("fct_group_outcome_scores",),
    "question_drilldown": ("fct_question_scores", "bridge_question_outcome", "dim_question"),
    "survey": ("fct_survey_results", "dim_survey_question"),
    "victims_inspection": ("fct_victim_results", "dim_victim_question"),
    "victims_group": ("fct_victim_results", "dim_victim_question"),
    "context": ("dim_area_context",),
}


def query(path: Path, name: str, params: tuple = (), identity: FileIdentity | None = None) -> pd.DataFrame:
    """The rows of query `name` as a DataFrame. With `identity`, PublishedFileChanged unless the
    file read is that one (so a cache keyed on the identity never stores another file's rows)."""
    return read_published(path, QUERIES[name], params, identity)


def column_key(comments: pd.DataFrame, columns: list[str], tables: tuple[str, ...]) -> pd.DataFrame:
    """Each column with its description, taken from the first of `tables` that documents it."""
    rows = []
    for column in columns:
        description = ""
        for table in tables:
            match = comments[(comments.table_name == table) & (comments.column_name == column)]
            if len(match) and isinstance(match.comment.iloc[0], str):
                description = " ".join(match.comment.iloc[0].split())
                break
        rows.append({"Column": column, "Description": description})
    return pd.DataFrame(rows, columns=["Column", "Description"])


def to_csv(frame: pd.DataFrame) -> bytes:
    """The rows as a CSV download. Text from returns (an area, a theme) is made inert for
    spreadsheets (`inert.spreadsheet_safe`: `=HYPERLINK(...)` is written `'=HYPERLINK(...)`);
    numeric columns are written as they are, never quoted."""
    return spreadsheet_safe_frame(frame).to_csv(index=False).encode("utf-8")


def spreadsheet_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names no spreadsheet evaluates; numeric, boolean and
    date columns are left untouched."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values) \
                or isinstance(values.dtype, pd.CategoricalDtype):
            frame[column] = values.astype(object).map(spreadsheet_safe)
    frame.columns = [spreadsheet_safe(column) for column in frame.columns]
    return frame


# --- Display formatting -------------------------------------------------------------------


def as_plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells escaped for Markdown (`inert.escape_markdown`): st.table renders cells as
    Markdown, where a `*`, `_`, `$` or a leading `1.` in a question text would otherwise change
    what the analyst reads, and an area written `![x](http://...)` would be an image the browser
    fetches."""
    frame = frame.copy()
    for column in frame.columns:
        frame[column] = [escape_markdown(cell) if isinstance(cell, str) else cell for cell in frame[column]]
    return frame


def page_heading(inspection: pd.Series, outcome: pd.Series) -> str:
    """The Markdown line under the dashboard's title. Every value from the published file is
    escaped (`inert.escape_markdown`): an area or a theme renders as its text, never as a link, an
    image or HTML."""
    return (f"**{escape_markdown(inspection.area)}** ({escape_markdown(inspection.inspection_id)}, "
            f"{figures.count(inspection.n_cases)} cases) · group **{escape_markdown(inspection.group_theme)}** · "
            f"outcome **{int(outcome.outcome_code)}. {escape_markdown(outcome.outcome_name)}** · "
            f"methodology {escape_markdown(inspection.methodology)}")


def file_name_part(text: str) -> str:
    """Text from the published file (an area) as part of a download's file name: lower-case
    letters and digits, anything else one underscore ('Devon and Cornwall' -> 'devon_and_cornwall')."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_") or "area"


WITHHELD_REASONS = {
    "small_denominator": "fewer than {threshold} responded",
    "small_count": "fewer than {threshold} chose it",
    "secondary": "would reveal another withheld cell",
}


def withheld(reason, threshold) -> str:
    """Why disclosure control withheld a cell, in words."""
    text = WITHHELD_REASONS.get(reason, reason or "disclosure control")
    return text.format(threshold=figures.count(threshold) if not figures.missing(threshold) else "the threshold")


def without_withheld_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Blank the counts and shares of withheld cells (they are null in the marts already; this
    makes sure no download or chart can ever carry one)."""
    frame = frame.copy()
    suppressed = frame["suppressed"].fillna(False).astype(bool)
    for column in ("n_option", "share"):
        frame[column] = frame[column].astype("object").where(~suppressed, None)
    small_denominator = suppressed & (frame["suppression_reason"] == "small_denominator")
    frame["n_respondents"] = frame["n_respondents"].astype("object").where(~small_denominator, None)
    return frame


def intervals(lows: pd.Series, highs: pd.Series) -> list[str]:
    """95% intervals of 0-1 fractions, row by row: '72–88%' (figures.interval, as the report)."""
    return [figures.interval(low, high) for low, high in zip(lows, highs, strict=True)]


def group_size() -> int:
    """Inspections in a group of the programme (the catalogue's, read when asked)."""
    return load_catalogue().group_size


def of_group(n_inspections, complete: bool = True) -> str:
    """'4 of 6' (inspections published of a group), ', in progress' when the group is not complete."""
    return f"{figures.count(n_inspections)} of {figures.count(group_size())}" + ("" if complete else ", in progress")


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Inspection": history.inspection_id,
        "Published": history.published_at.map(figures.timestamp),
        "Superseded": history.superseded_at.map(lambda v: "current" if figures.missing(v) else figures.timestamp(v)),
        "Score": history.score_pct.map(figures.published_percent),
        "95% interval": intervals(history.ci_low, history.ci_high),
        "Questions": history.n_questions.map(figures.count),
        "Methodology": history.methodology,
    })


def programme_table(programme: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "#": programme.programme_position.map(figures.count),
        "Group": programme.group_theme + " (" + programme.group_id + ")",
        "Inspections": [of_group(n, complete) for n, complete in zip(programme.n_inspections, programme.is_complete, strict=True)],
        "Methodology": [m + (" (new methodology)" if brk else "")
                        for m, brk in zip(programme.methodology, programme.is_methodology_break, strict=True)],
        "Pooled score": programme.pooled_score_pct.map(figures.published_percent),
        "Mean of areas": programme.mean_score.map(figures.percent),
        "Range of areas": intervals(programme.min_score, programme.max_score),
    })


def group_table(areas: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Area": areas.area,
        "Inspection": areas.inspection_id,
        "Cases": areas.n_cases.map(figures.count),
        "Score": areas.score_pct.map(figures.published_percent),
        "95% interval": intervals(areas.ci_low, areas.ci_high),
        "Rest of group": areas.rest_of_group_score_pct.map(figures.published_percent),
        "Difference": areas.difference.map(figures.points),
        "95% funnel limits": intervals(areas.lower_95, areas.upper_95),
        "Funnel position": areas.funnel_position.map(lambda v: "no comparison" if figures.missing(v) else v),
    })


def drilldown_table(questions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Question": questions.question_id,
        "Criterion": questions.criterion_code,
        "Question text": questions.question_text.fillna(""),
        "Sufficient / relevant": [f"{figures.count(s)} / {figures.count(r)}"
                                  for s, r in zip(questions.n_sufficient, questions.n_relevant, strict=True)],
        "Not applicable": questions.n_not_applicable.map(figures.count),
        "Score": questions.score_pct.map(figures.published_percent),
        "95% interval": intervals(questions.ci_low, questions.ci_high),
        "Counts through": questions.is_criterion_outcome.map(lambda own: "own criterion" if own else "another criterion"),
    })


def responses_table(results: pd.DataFrame, period_column: str | None = None) -> pd.DataFrame:
    """Survey or victim results, one row per answer option; a withheld cell says so and why,
    never a number."""
    results = without_withheld_numbers(results)
    suppressed = results.suppressed.fillna(False).astype(bool)
    table = {}
    if period_column:
        table["Year"] = results[period_column].astype(str)
    table["Question"] = results.question_text.fillna(results.question_id)
    table["Answer"] = results.answer_option.str.replace("_", " ")
    table["Respondents"] = [
        f"fewer than {figures.count(threshold)}" if supp and reason == "small_denominator" else figures.count(n)
        for n, supp, reason, threshold in zip(results.n_respondents, suppressed, results.suppression_reason,
                                              results.disclosure_threshold, strict=True)
    ]
    table["Chose it"] = ["withheld" if supp else figures.count(n) for n, supp in zip(results.n_option, suppressed, strict=True)]
    table["Share"] = ["withheld" if supp else figures.percent(share, 1) for share, supp in zip(results.share, suppressed, strict=True)]
    table["Why withheld"] = [
        withheld(reason, threshold) if supp else ""
        for supp, reason, threshold in zip(suppressed, results.suppression_reason, results.disclosure_threshold,
                                           strict=True)
    ]
    return pd.DataFrame(table)


def context_table(context: pd.DataFrame) -> pd.DataFrame:
    def place(geography, period) -> str:
        parts = [p for p in (geography, period) if not figures.missing(p)]
        return ", ".join(parts)

    return pd.DataFrame({
        "Measure": context.measure_label,
        "Unit": context.unit,
        "Area": [figures.measure(v, u) for v, u in zip(context.value, context.unit, strict=True)],
        "Area's figure for": [place(g, p) for g, p in zip(context.geography, context.period, strict=True)],
        "England and Wales": [figures.measure(v, u) for v, u in zip(context.national_value, context.unit, strict=True)],
        "National figure for": [place(g, p) for g, p in zip(context.national_geography, context.national_period,
                                                             strict=True)],
        "Difference": [figures.measure(d, u, signed=True) for d, u in zip(context.difference_from_national, context.unit,
                                                                          strict=True)],
        "Source": context.source.fillna(""),
    })
