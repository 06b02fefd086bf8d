"""Revisions between two releases, without a warehouse: a changed value gets [r] and a log line
with its reason; a new row, an unchanged row and a first release get none."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.parquet as pq

from flows.reporting.release.model import ReleaseColumn, ReleaseTable
from flows.reporting.release.pack import parquet_table
from flows.reporting.release.revisions import Published, RevisionContext, mark_revisions, revisions_table
from flows.reporting.release.tables import join_markers, typed_frame

COLUMNS = (
    ReleaseColumn("inspection_id", "string", "Inspection", "Inspection."),
    ReleaseColumn("group_id", "string", "Group", "Group."),
    ReleaseColumn("outcome_code", "integer", "Outcome", "Outcome."),
    ReleaseColumn("score_pct", "integer", "Score", "Score."),
    ReleaseColumn("ci_low_pct", "number", "Low", "Low."),
    ReleaseColumn("status", "string", "Status", "Status."),
)


def scores(rows: list[tuple]) -> ReleaseTable:
    frame = typed_frame(pd.DataFrame(rows, columns=[c.name for c in COLUMNS]), COLUMNS)
    return ReleaseTable("outcome_scores", "Outcome scores", "One row per inspection and outcome.", COLUMNS,
                        ("inspection_id", "outcome_code"), frame)


def write_previous(folder, table: ReleaseTable):
    folder.mkdir()
    pq.write_table(parquet_table(table), folder / f"{table.name}.parquet")
    return folder


def context(published: list[Published], previous: set[str]) -> RevisionContext:
    return RevisionContext("2026-11-01", published, previous, {"g1": {"kent", "hants", "devon"}})


def test_a_corrected_return_marks_its_values_revised_and_logs_old_new_and_reason(tmp_path):
    before = scores([("kent", "g1", 1, 70, 61.5, ""), ("hants", "g1", 1, 80, None, "[x]")])
    after = scores([("kent", "g1", 1, 72, 63.0, ""), ("hants", "g1", 1, 80, None, "[x]"), ("devon", "g1", 1, 65, 55.5, "")])
    corrected = Published("kent", "return", dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc))
    tables, log = mark_revisions([after], write_previous(tmp_path / "2026-11-01", before),
                                 context([corrected], {"kent", "hants"}))
    assert list(tables[0].rows["status"]) == ["[r]", "[x]", ""]  # devon is new, not revised
    assert log == [
        {"table_name": "outcome_scores", "record_key": "inspection_id=kent; outcome_code=1", "column_name": "score_pct",
         "previous_value": "70", "new_value": "72", "reason": "corrected return for kent (2026-11-20)"},
        {"table_name": "outcome_scores", "record_key": "inspection_id=kent; outcome_code=1", "column_name": "ci_low_pct",
         "previous_value": "61.5", "new_value": "63", "reason": "corrected return for kent (2026-11-20)"},
    ]


def test_a_value_withheld_since_is_logged_as_its_marker_and_a_rescore_is_the_reason(tmp_path):
    before = scores([("kent", "g1", 1, 70, 61.5, "")])
    after = scores([("kent", "g1", 1, None, None, "[x]")])
    rescore = Published(None, "rescore", dt.datetime(2026, 11, 21, 2, 30, tzinfo=dt.timezone.utc))
    tables, log = mark_revisions([after], write_previous(tmp_path / "old", before), context([rescore], {"kent"}))
    assert tables[0].rows["status"][0] == "[x] [r]"
    assert [(line["previous_value"], line["new_value"], line["reason"]) for line in log] == [
        ("70", "[x]", "rescore under the current methodology (2026-11-21)"),
        ("61.5", "[x]", "rescore under the current methodology (2026-11-21)"),
    ]


def test_a_provisional_group_figure_updated_as_the_group_fills_says_so(tmp_path):
    group_columns = (ReleaseColumn("group_id", "string", "Group", "Group."),
                     ReleaseColumn("pooled_score_pct", "integer", "Pooled", "Pooled."),
                     ReleaseColumn("status", "string", "Status", "Status."))

    def groups(rows):
        return ReleaseTable("group_outcome_scores", "Groups", "Groups.", group_columns, ("group_id",),
                            typed_frame(pd.DataFrame(rows, columns=["group_id", "pooled_score_pct", "status"]), group_columns))

    old = write_previous(tmp_path / "old", groups([("g1", 75, "[p]")]))
    tables, log = mark_revisions([groups([("g1", 74, "[p]")])], old, context([], {"kent", "hants"}))
    assert tables[0].rows["status"][0] == "[p] [r]"
    assert log[0]["reason"] == "provisional figure updated: the group gained 1 inspection past embargo"


def test_unchanged_values_and_a_first_release_have_no_revisions(tmp_path):
    same = scores([("kent", "g1", 1, 70, 61.5, "")])
    tables, log = mark_revisions([same], write_previous(tmp_path / "old", same), context([], {"kent"}))
    assert log == [] and list(tables[0].rows["status"]) == [""]
    assert mark_revisions([same], None, None) == ([same], [])
    first = revisions_table([], None)
    assert first.title == "Revisions (none: the first release)" and first.rows.empty


def test_markers_are_written_once_in_the_shorthand_order():
    assert join_markers(["[r]", "[p]", "[c]", "[r]"]) == "[c] [p] [r]"
    assert join_markers([]) == ""
