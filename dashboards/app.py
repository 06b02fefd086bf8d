"""The analysts' dashboard: pick a group, an area and an outcome, and see the published scores
over time, the group of six, the questions behind the score (numerators and denominators), the
offender survey, the victims' questionnaire and the area's context; every table downloads as CSV.

It reads only the published file, `$IAOW_HOME/warehouse/iaow.duckdb`, read-only, one query at a
time, through `flows.storage.published` (dashboards/data.py), and caches results under the
file's identity: a publication swaps the file by atomic rename and the next rerun shows it,
without restarting. Every figure is written by `flows.core.figures`, as in the report. Start it
with `make dashboard` (or `iaow dashboard --port N`).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # `streamlit run` puts only dashboards/ on the path
    sys.path.insert(0, str(REPO_ROOT))

import altair as alt  # noqa: E402
import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from dashboards import data  # noqa: E402
from flows.config import paths  # noqa: E402
from flows.core import figures  # noqa: E402
from flows.core.inert import escape_markdown as md  # noqa: E402
from flows.storage.published import FileIdentity, PublishedFileChanged, PublishedFileMissing, file_identity  # noqa: E402

# Reruns in a row allowed when publications keep replacing the file mid-read.
MAX_CHANGED_RERUNS = 3
SELECTED_COLOUR = "#c0392b"
OTHER_COLOUR = "#5b7083"


@st.cache_data(show_spinner=False, max_entries=512)
def fetch(path: str, identity: tuple, name: str, params: tuple = ()) -> pd.DataFrame:
    """One query's rows from the file with this identity; a new publication is a new key."""
    return data.query(Path(path), name, params, FileIdentity(*identity))


class Published:
    """The published file as it was at the start of this rerun."""

    def __init__(self, path: Path, identity: FileIdentity):
        self.path = path
        self.identity = identity

    def read(self, name: str, *params) -> pd.DataFrame:
        return fetch(str(self.path), tuple(self.identity), name, tuple(params))


# --- Tables and downloads ---------------------------------------------------------------------

def table_with_download(published: Published, display: pd.DataFrame, raw: pd.DataFrame, query: str, file_stem: str,
                        label: str = "Download CSV") -> None:
    """The table as analysts read it, its rows as published for download, and what each column is."""
    if raw.empty:
        st.info("No rows in the published file for this choice.")
        return
    st.table(data.as_plain_text(display), hide_index=True)
    left, right = st.columns([1, 3])
    left.download_button(
        label, data.to_csv(raw), file_name=f"{file_stem}.csv", mime="text/csv",
        key=f"download-{query}", on_click="ignore", icon=":material/download:",
    )
    with right.expander(f"Key to the columns of {file_stem}.csv"):
        key = data.column_key(published.read("column_comments"), list(raw.columns), data.SOURCES[query])
        # The descriptions are the marts' dbt documentation, written in Markdown: rendered as such.
        key["Column"] = data.as_plain_text(key[["Column"]])["Column"]
        st.table(key, hide_index=True)


def score_scale() -> alt.Scale:
    return alt.Scale(domain=[0, 100], nice=False)


def score_axis() -> alt.Axis:
    return alt.Axis(values=list(range(0, 101, 10)))


def as_percent(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Copies of 0-1 columns as 0-100, for charts whose axes read in percent."""
    frame = frame.copy()
    for column in columns:
        frame[f"{column}_x100"] = frame[column].astype(float) * 100
    return frame


def chart(spec: alt.TopLevelMixin) -> None:
    st.altair_chart(spec, width="stretch")


# --- Sidebar: what to look at -----------------------------------------------------------------

def choose(published: Published) -> tuple[pd.Series, pd.Series]:
    """The chosen inspection (a row of dim_inspection) and outcome (a row of dim_outcome)."""
    groups = published.read("groups")
    inspections = published.read("inspections")
    outcomes = published.read("outcomes")
    themes = dict(zip(groups.group_id, groups.group_theme, strict=True))

    st.sidebar.header("Choose")
    group_id = st.sidebar.selectbox(
        "Group of six", list(groups.group_id), format_func=lambda g: f"{themes[g]} ({g})",
        help="Thematic groups in programme order.",
    )
    in_group = inspections[inspections.group_id == group_id].set_index("inspection_id")
    inspection_id = st.sidebar.selectbox(
        "Area", list(in_group.index),
        format_func=lambda i: f"{in_group.at[i, 'area']} ({i})",
        help="The group's inspections, in the order they were inspected.",
    )
    names = dict(zip(outcomes.outcome_code, outcomes.outcome_short_name, strict=True))
    outcome_code = st.sidebar.selectbox("Outcome", list(outcomes.outcome_code), format_func=lambda c: f"{c}. {names[c]}")
    inspection = in_group.loc[inspection_id].copy()
    inspection["inspection_id"] = inspection_id
    outcome = outcomes[outcomes.outcome_code == outcome_code].iloc[0]
    return inspection, outcome


def describe_source(published: Published) -> None:
    latest = published.read("latest_publication")
    st.sidebar.divider()
    st.sidebar.caption(f"Reading `{published.path}` read-only.")
    if not latest.empty:
        row = latest.iloc[0]
        st.sidebar.caption(f"Latest publication: {md(row.publication_id)} ({md(row.reason)}), "
                           f"{figures.timestamp(row.published_at)}.")
    # Any rerun reads a newer publication; the button is there so analysts know they can ask.
    st.sidebar.button("Check for a new publication", icon=":material/refresh:")


# --- Sections ---------------------------------------------------------------------------------

def headline(published: Published, inspection: pd.Series, outcome: pd.Series) -> None:
    score = published.read("outcome_score", inspection.inspection_id, int(outcome.outcome_code))
    pooled = published.read("group_pooled", inspection.group_id, int(outcome.outcome_code))
    areas = published.read("group_areas", inspection.group_id, int(outcome.outcome_code))
    this_area = areas[areas.inspection_id == inspection.inspection_id]
    columns = st.columns([1, 1.1, 1.3, 1, 1.6])
    if score.empty:
        columns[0].metric("Outcome score", "–")
    else:
        row = score.iloc[0]
        rating = f" ({row.rating})" if isinstance(row.rating, str) else ""
        columns[0].metric("Outcome score", md(figures.published_percent(row.score_pct) + rating),
                          help="Mean of the outcome's question scores, as published.")
        columns[1].metric("95% interval", figures.interval(row.ci_low, row.ci_high),
                          help="Case-level bootstrap interval (2,000 resamples).")
        columns[2].metric("Sufficient / relevant",
                          f"{figures.count(row.n_sufficient_pooled)} / {figures.count(row.n_relevant_pooled)}",
                          help=f"Answers judged sufficient over relevant answers, pooled over the outcome's "
                               f"{figures.count(row.n_questions)} questions and {figures.count(row.n_cases)} cases.")
    if not pooled.empty:
        group = pooled.iloc[0]
        columns[3].metric("Group pooled score", figures.published_percent(group.pooled_score_pct),
                          help=f"{data.of_group(group.n_inspections)} inspections published.")
    if not this_area.empty:
        position = this_area.iloc[0].funnel_position
        columns[4].metric("Funnel position", md(position) if isinstance(position, str) else "no comparison",
                          help="The score against the 95% and 99.8% funnel limits around the rest of its group.")


def scores_over_time(published: Published, inspection: pd.Series, outcome: pd.Series) -> None:
    code = int(outcome.outcome_code)
    st.subheader(f"{md(inspection.area)}: published versions of the score")
    st.caption("Every version of the outcome score published for this area: a corrected return or a rescore "
               "publishes a new version and supersedes the old one. Bars are 95% intervals.")
    history = published.read("area_history", inspection.area, code)
    if not history.empty:
        versions = as_percent(history, "ci_low", "ci_high")
        # Versions are events, a few per inspection: an axis of them reads better than a time scale.
        versions["version"] = versions.published_at.map(figures.timestamp) + " · " + versions.inspection_id
        base = alt.Chart(versions).encode(
            x=alt.X("version:N", sort=list(versions.version), title="Version published",
                    axis=alt.Axis(labelAngle=0, labelLimit=260)),
            color=alt.Color("inspection_id:N", title="Inspection"),
        )
        chart(
            (base.mark_line(point=alt.OverlayMarkDef(size=110, filled=True)).encode(
                y=alt.Y("score_pct:Q", title="Score (%)", scale=score_scale(), axis=score_axis()),
                tooltip=["inspection_id", alt.Tooltip("score_pct:Q", title="Score (%)"), "published_at:T", "is_current"],
            )
             + base.mark_rule(strokeWidth=2).encode(y="ci_low_x100:Q", y2="ci_high_x100:Q")).properties(height=300)
        )
    table_with_download(published, data.history_table(history), history, "area_history",
                        f"score_versions_{data.file_name_part(inspection.area)}_outcome{code}")

    st.subheader("The programme: group pooled scores, group by group")
    st.caption("Pooled score of each group's cases, with the range of its areas' scores. A change of "
               "methodology breaks the series: scores either side are not comparable.")
    programme = published.read("programme", code)
    if not programme.empty:
        frame = as_percent(programme, "min_score", "max_score")
        frame["group"] = frame.programme_position.astype(str) + ". " + frame.group_theme
        frame["selected"] = frame.group_id == inspection.group_id
        order = list(frame.group)
        base = alt.Chart(frame).encode(x=alt.X("group:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=220)))
        chart(
            (base.mark_rule(strokeWidth=6, opacity=0.35).encode(
                y=alt.Y("min_score_x100:Q", title="Score (%)", scale=score_scale(), axis=score_axis()), y2="max_score_x100:Q")
             # The line joins groups under one methodology only: it breaks where the methodology changes.
             + base.mark_line(color=OTHER_COLOUR, strokeWidth=1.5).encode(y="pooled_score_pct:Q", detail="methodology_segment:N")
             + base.mark_point(filled=True, size=120).encode(
                 y="pooled_score_pct:Q",
                 shape=alt.Shape("methodology:N", title="Methodology"),
                 color=alt.condition("datum.selected", alt.value(SELECTED_COLOUR), alt.value(OTHER_COLOUR)),
                 tooltip=["group_id", "methodology", alt.Tooltip("pooled_score_pct:Q", title="Pooled score (%)"),
                          "n_inspections"],
             )).properties(height=280)
        )
    table_with_download(published, data.programme_table(programme), programme, "programme", f"programme_outcome{code}")


def group_of_six(published: Published, inspection: pd.Series, outcome: pd.Series) -> None:
    code = int(outcome.outcome_code)
    areas = published.read("group_areas", inspection.group_id, code)
    pooled = published.read("group_pooled", inspection.group_id, code)
    st.subheader(f"{md(inspection.group_theme)}: the areas' scores")
    st.caption("Each area's score with its 95% interval (line) against the 95% funnel limits around the rest of "
               "its group (grey band). The dashed line is the group's pooled score.")
    if not areas.empty:
        frame = as_percent(areas, "ci_low", "ci_high", "lower_95", "upper_95")
        frame["selected"] = frame.inspection_id == inspection.inspection_id
        order = list(frame.area)
        base = alt.Chart(frame).encode(y=alt.Y("area:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)))
        layers = [
            base.mark_bar(height=18, opacity=0.25, color="#9aa5b1").encode(
                x=alt.X("lower_95_x100:Q", title="Score (%)", scale=score_scale(), axis=score_axis()), x2="upper_95_x100:Q"),
            base.mark_rule(strokeWidth=2).encode(x="ci_low_x100:Q", x2="ci_high_x100:Q"),
            base.mark_point(filled=True, size=110).encode(
                x="score_pct:Q",
                color=alt.condition("datum.selected", alt.value(SELECTED_COLOUR), alt.value(OTHER_COLOUR)),
                tooltip=["area", "inspection_id", alt.Tooltip("score_pct:Q", title="Score (%)"), "n_cases", "funnel_position"],
            ),
        ]
        if not pooled.empty and pd.notna(pooled.pooled_score_pct.iloc[0]):
            rule = pd.DataFrame({"pooled": [float(pooled.pooled_score_pct.iloc[0])]})
            layers.append(alt.Chart(rule).mark_rule(strokeDash=[6, 4], color="#222").encode(x="pooled:Q"))
        chart(alt.layer(*layers).properties(height=38 * len(frame) + 90))
    table_with_download(published, data.group_table(areas), areas, "group_areas", f"group_{inspection.group_id}_outcome{code}")

    st.subheader("The group's pooled score")
    if not pooled.empty:
        group = pooled.iloc[0]
        st.markdown(
            f"**{figures.published_percent(group.pooled_score_pct)}** over the pooled cases of "
            f"{figures.count(group.n_inspections)} inspection(s)"
            f"{'' if group.is_complete else ' (group in progress)'}; mean of the areas "
            f"{figures.percent(group.mean_score)}, range {figures.interval(group.min_score, group.max_score)}; "
            f"{figures.count(group.n_areas_outside_95)} area(s) outside the 95% funnel limits, "
            f"{figures.count(group.n_areas_outside_998)} outside 99.8%."
        )
    table_with_download(published, pooled_display(pooled), pooled, "group_pooled",
                        f"group_pooled_{inspection.group_id}_outcome{code}")


def pooled_display(pooled: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Group": pooled.group_theme,
        "Inspections": pooled.n_inspections.map(figures.count),
        "Pooled score": pooled.pooled_score_pct.map(figures.published_percent),
        "Mean of areas": pooled.mean_score.map(figures.percent),
        "Lowest area": pooled.min_score.map(figures.percent),
        "Highest area": pooled.max_score.map(figures.percent),
        "Outside 95% limits": pooled.n_areas_outside_95.map(figures.count),
        "Outside 99.8% limits": pooled.n_areas_outside_998.map(figures.count),
    })


def question_drilldown(published: Published, inspection: pd.Series, outcome: pd.Series) -> None:
    code = int(outcome.outcome_code)
    questions = published.read("question_drilldown", inspection.inspection_id, code)
    st.subheader(f"{md(inspection.area)}: the questions behind outcome {code}")
    st.caption("Each question's score is the cases judged sufficient (yes) over the relevant cases (yes or no); "
               "n/a answers are left out. Intervals are 95% Wilson intervals. The outcome score is the mean of "
               "these question scores.")
    if not questions.empty:
        frame = as_percent(questions, "ci_low", "ci_high")
        frame["label"] = (frame.question_id + " (" + frame.n_sufficient.astype(str) + " / "
                          + frame.n_relevant.astype(str) + ")")
        order = list(frame.label)
        base = alt.Chart(frame).encode(y=alt.Y("label:N", sort=order, title="Question (sufficient / relevant)",
                                               axis=alt.Axis(labelLimit=240)))
        chart(
            (base.mark_rule(strokeWidth=2, color=OTHER_COLOUR).encode(
                x=alt.X("ci_low_x100:Q", title="Score (%)", scale=score_scale(), axis=score_axis()), x2="ci_high_x100:Q")
             + base.mark_point(filled=True, size=90, color=SELECTED_COLOUR).encode(
                 x="score_pct:Q",
                 tooltip=["question_id", "question_text", "n_sufficient", "n_relevant", "n_not_applicable",
                          alt.Tooltip("score_pct:Q", title="Score (%)")],
             )).properties(height=30 * len(frame) + 90)
        )
    table_with_download(published, data.drilldown_table(questions), questions, "question_drilldown",
                        f"questions_{inspection.inspection_id}_outcome{code}")


def offender_survey(published: Published, inspection: pd.Series) -> None:
    results = data.without_withheld_numbers(published.read("survey", inspection.area))
    st.subheader(f"{md(inspection.area)}: offender survey")
    st.caption("Responses of people on probation in the area. Cells withheld by disclosure control say so and "
               "why; they are never shown or downloaded as a number.")
    if results.empty:
        st.info(f"No offender survey results for {md(inspection.area)} in the published file.")
        return
    question_ids = list(dict.fromkeys(results.question_id))
    texts = dict(zip(results.question_id, results.question_text.fillna(results.question_id), strict=True))
    question_id = st.selectbox("Survey question", question_ids, format_func=lambda q: texts[q])
    shown = results[(results.question_id == question_id) & results.share.notna()].copy()
    withheld = int(((results.question_id == question_id) & results.suppressed.fillna(False).astype(bool)).sum())
    if not shown.empty:
        shown["share_x100"] = shown.share.astype(float) * 100  # the bar's length
        shown["share_shown"] = shown.share.map(lambda share: figures.percent(share, 1))  # the figure, as in the table
        shown["answer"] = shown.answer_option.str.replace("_", " ")
        shown["year"] = shown.survey_year.astype(str)
        order = list(dict.fromkeys(shown.sort_values("option_order").answer))
        chart(
            alt.Chart(shown).mark_bar().encode(
                y=alt.Y("answer:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
                yOffset="year:N",
                x=alt.X("share_x100:Q", title="Share of respondents (%)", scale=alt.Scale(domain=[0, 100])),
                color=alt.Color("year:N", title="Survey year"),
                tooltip=["survey_year", "answer", "n_option", "n_respondents",
                         alt.Tooltip("share_shown:N", title="Share")],
            ).properties(height=44 * len(order) + 90)
        )
    if withheld:
        st.caption(f"{figures.count(withheld)} withheld cell(s) of this question are not drawn; the table gives the reason.")
    table_with_download(published, data.responses_table(results[results.question_id == question_id], "survey_year"),
                        results, "survey", f"offender_survey_{data.file_name_part(inspection.area)}",
                        label="Download CSV (all questions)")


def victims(published: Published, inspection: pd.Series) -> None:
    st.subheader("Victims' questionnaire")
    level = st.radio("Respondents", ["This inspection", "The group's pooled respondents"], horizontal=True)
    if level == "This inspection":
        results = published.read("victims_inspection", inspection.inspection_id)
        query, stem = "victims_inspection", f"victims_{inspection.inspection_id}"
    else:
        results = published.read("victims_group", inspection.group_id)
        query, stem = "victims_group", f"victims_group_{inspection.group_id}"
    results = data.without_withheld_numbers(results)
    st.caption("Victims who had contact with the area's victim liaison service. Withheld cells say so and why.")
    if not results.empty and results.suppressed.fillna(False).all():
        st.info("Every cell is withheld: too few respondents. The group's pooled respondents may be enough to report.")
    if results.empty and query == "victims_group":
        st.info("No pooled results for this group in the published file: the victims' answers of a group's areas "
                f"are pooled once the group is complete (all {figures.count(data.group_size())} inspections published).")
        return
    table_with_download(published, data.responses_table(results), results, query, stem)


def area_context(published: Published, inspection: pd.Series) -> None:
    st.subheader(f"{md(inspection.area)} beside England and Wales")
    st.caption("Figures the return carried about the area, with the national comparator; the difference is in "
               "the measure's unit (percentage points for percentages).")
    context = published.read("context", inspection.inspection_id)
    table_with_download(published, data.context_table(context), context, "context", f"context_{inspection.inspection_id}")


# --- Page -------------------------------------------------------------------------------------

def warnings(published: Published, inspection: pd.Series) -> None:
    inspections = published.read("inspections")
    synthetic = int(inspections.is_synthetic.fillna(False).sum())
    if bool(inspection.is_synthetic):
        st.warning(f"Synthetic data: {md(inspection.inspection_id)} is demo or test data "
                   f"({synthetic} of {len(inspections)} published inspections are). Never read it as real findings.",
                   icon=":material/science:")
    elif synthetic:
        st.warning(f"{synthetic} of {len(inspections)} published inspections are synthetic (demo or test) data.",
                   icon=":material/science:")
    methodologies = published.read("methodologies").set_index("methodology_id")
    if inspection.methodology in methodologies.index and methodologies.at[inspection.methodology, "status"] != "confirmed":
        st.info(f"Methodology {md(inspection.methodology)} is not yet confirmed against the inspectorate's manual: "
                "read its scores as provisional.", icon=":material/info:")


def render(published: Published) -> None:
    inspection, outcome = choose(published)
    describe_source(published)
    st.title("Probation inspection scores")
    st.markdown(data.page_heading(inspection, outcome))
    warnings(published, inspection)
    headline(published, inspection, outcome)
    tabs = st.tabs(["Scores over time", "Group of six", "Question drill-down", "Offender survey", "Victims", "Area context"])
    with tabs[0]:
        scores_over_time(published, inspection, outcome)
    with tabs[1]:
        group_of_six(published, inspection, outcome)
    with tabs[2]:
        question_drilldown(published, inspection, outcome)
    with tabs[3]:
        offender_survey(published, inspection)
    with tabs[4]:
        victims(published, inspection)
    with tabs[5]:
        area_context(published, inspection)


def main() -> None:
    st.set_page_config(page_title="IAOW · inspection scores", layout="wide")
    path = paths().published_db
    identity = file_identity(path)
    if identity is None:
        st.error(f"Nothing has been published yet: {path} does not exist. Run `make demo` or `iaow ingest`, "
                 "then reload this page.")
        return
    try:
        render(Published(path, identity))
        st.session_state["changed_reruns"] = 0
    except PublishedFileChanged:
        # A publication swapped the file mid-rerun: start again on the new file.
        reruns = st.session_state.get("changed_reruns", 0) + 1
        st.session_state["changed_reruns"] = reruns
        if reruns > MAX_CHANGED_RERUNS:
            st.error("The published file keeps changing while it is read (publications in progress); reload in a moment.")
            return
        st.rerun()
    except PublishedFileMissing:
        st.error(f"The published file {path} disappeared while it was read; reload this page.")
    except duckdb.Error as error:
        st.error(f"Could not read the published file {path}: {md(error)}")


main()
