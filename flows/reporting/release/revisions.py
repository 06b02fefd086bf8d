"""Revisions: each release compared with the one before it.

A value that differs from the previous release's, for the same row (the table's primary key), is
revised: its row's status gains [r], and the revisions log (`revisions.csv`) has a line with the
old value, the new value and the reason. A value that was withheld or missing is written as its
status marker in the log ("[c]"), so the log says when a figure became withheld or published.

Reasons come from what was published between the two releases: a corrected return of one of the
row's inspections, a rescore, a corrected survey delivery, or (for a provisional group figure) the
group gaining inspections past their embargo. Rows new to this release are not revisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from flows.core.figures import missing
from flows.reporting.release.model import MISSING_MARKERS, STATUS_COLUMN, ReleaseColumn, ReleaseTable
from flows.reporting.release.tables import join_markers, typed_frame

REVISIONS_TABLE = "revisions"
SURVEY_TABLES = {"survey_results"}


@dataclass(frozen=True)
class Published:
    """A publication between the previous release and this one."""

    inspection_id: str | None  # None for a survey delivery or a programme-wide rescore
    reason: str  # "return", "rescore", "survey"
    published_at: dt.datetime


@dataclass
class RevisionContext:
    """What the reasons are found in."""

    previous_release_id: str
    published_since: list[Published]
    previous_inspections: set[str]  # inspections in the previous release
    group_members: dict[str, set[str]] = field(default_factory=dict)  # group -> its inspections in this release


def _text(value: Any, status: str) -> str:
    """A value as the log shows it: the number or text, or the row's status marker when it is empty."""
    if missing(value):
        withheld = [marker for marker in status.split() if marker in MISSING_MARKERS]
        return withheld[0] if withheld else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key_text(table: ReleaseTable, row: pd.Series) -> str:
    return "; ".join(f"{name}={row[name]}" for name in table.primary_key)


def _row_inspections(table: ReleaseTable, row: pd.Series, context: RevisionContext) -> set[str]:
    if "inspection_id" in row.index and isinstance(row["inspection_id"], str):
        return {row["inspection_id"]}
    if "group_id" in row.index and isinstance(row["group_id"], str):
        return context.group_members.get(row["group_id"], set())
    return set()


def reason_for(table: ReleaseTable, row: pd.Series, previous_status: str, context: RevisionContext) -> str:
    reasons: list[str] = []
    inspections = _row_inspections(table, row, context)
    for published in context.published_since:
        day = published.published_at.date().isoformat()
        if published.reason == "return" and published.inspection_id in inspections \
                and published.inspection_id in context.previous_inspections:
            reasons.append(f"corrected return for {published.inspection_id} ({day})")
        elif published.reason == "rescore":
            reasons.append(f"rescore under the current methodology ({day})")
        elif published.reason == "survey" and table.name in SURVEY_TABLES:
            reasons.append(f"corrected offender survey delivery ({day})")
    joined = inspections - context.previous_inspections
    if "[p]" in previous_status and "group_id" in row.index and joined:
        noun = "inspection" if len(joined) == 1 else "inspections"
        reasons.append(f"provisional figure updated: the group gained {len(joined)} {noun} past embargo")
    if not reasons:
        reasons.append("recalculated: a change of method, disclosure threshold or reference data")
    return "; ".join(dict.fromkeys(reasons))


def mark_revisions(tables: Sequence[ReleaseTable], previous: Path | None,
                   context: RevisionContext | None) -> tuple[list[ReleaseTable], list[dict[str, str]]]:
    """The tables with [r] added where a value changed since the previous release's folder
    `previous` (None: the first release), and one log line per changed value."""
    if previous is None or context is None:
        return list(tables), []
    marked, log = [], []
    for table in tables:
        old_file = previous / f"{table.name}.parquet"
        if not old_file.exists():
            marked.append(table)
            continue
        old = pd.read_parquet(old_file)
        old_index = {tuple(_norm(v) for v in key): i for i, key in enumerate(old[list(table.primary_key)].itertuples(index=False))}
        compared = [c.name for c in table.columns if c.name not in table.primary_key and c.name != STATUS_COLUMN]
        statuses = list(table.rows[STATUS_COLUMN])
        for position, row in table.rows.iterrows():
            key = tuple(_norm(row[name]) for name in table.primary_key)
            found = old_index.get(key)
            if found is None:
                continue
            old_row = old.iloc[found]
            old_status = str(old_row.get(STATUS_COLUMN) or "")
            changed = [name for name in compared if name in old_row.index and _norm(old_row[name]) != _norm(row[name])]
            if not changed:
                continue
            reason = reason_for(table, row, old_status, context)
            statuses[position] = join_markers([*statuses[position].split(), "[r]"])
            for name in changed:
                log.append({
                    "table_name": table.name, "record_key": _key_text(table, row), "column_name": name,
                    "previous_value": _text(old_row[name], old_status),
                    "new_value": _text(row[name], row[STATUS_COLUMN]), "reason": reason,
                })
        rows = table.rows.copy()
        rows[STATUS_COLUMN] = statuses
        marked.append(ReleaseTable(table.name, table.title, table.description, table.columns, table.primary_key,
                                   rows, table.sheet_name))
    return marked, log


def _norm(value: Any) -> Any:
    """A value as compared: missing is missing whatever its type; dates and numbers by value."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


REVISION_COLUMNS = (
    ReleaseColumn("table_name", "string", "Table", "The table (file stem) whose value was revised."),
    ReleaseColumn("record_key", "string", "Row", "The row revised, by its primary key: name=value pairs."),
    ReleaseColumn("column_name", "string", "Column", "The column revised."),
    ReleaseColumn("previous_value", "string", "Previous value",
                  "The value in the previous release; a status marker ([c], [x], [z]) where it was empty."),
    ReleaseColumn("new_value", "string", "New value",
                  "The value in this release; a status marker ([c], [x], [z]) where it is empty."),
    ReleaseColumn("reason", "string", "Reason", "Why it changed: a corrected return, a rescore, a corrected survey "
                  "delivery, or a provisional group figure updated as the group filled."),
    ReleaseColumn(STATUS_COLUMN, "string", "Status", "Always empty: a revision is itself final."),
)


def revisions_table(log: list[dict[str, str]], previous_release_id: str | None) -> ReleaseTable:
    frame = pd.DataFrame([{**line, STATUS_COLUMN: ""} for line in log], columns=[c.name for c in REVISION_COLUMNS])
    since = f"since the release of {previous_release_id}" if previous_release_id else "(none: the first release)"
    return ReleaseTable(
        REVISIONS_TABLE, f"Revisions {since}",
        "One row per value that differs from the previous release, with its old and new value and the reason.",
        REVISION_COLUMNS, ("table_name", "record_key", "column_name"), typed_frame(frame, REVISION_COLUMNS),
        "Revisions")
