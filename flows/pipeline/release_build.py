"""Building one statistical release, pure of Prefect: the flows in `flows.pipeline.release` (the
scheduled deployment, `iaow release`) are thin wrappers over `publish_release`.

1. read the calendar and the report dates (`releases/calendar.csv`, `releases/report_dates.csv`),
   refusing either with a finding per bad row;
2. the embargo: of the published inspections, those whose report came out by the cut-off;
3. a scratch warehouse without the others, rebuilt by dbt (`flows.storage.release_scope`);
4. the release's tables from it, compared with the previous release for revisions;
5. the pack written into a staging folder of the owner's, validated as a Data Package, then
   published once as `releases/<release_id>/`, read-only.

One builder at a time (a lock file). A crash leaves no release folder (the staging folder is
discarded by the next run) and a rerun builds it; a release already published is never rebuilt.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import Paths, disclosure_threshold
from flows.core.events import EventRecord, resource
from flows.core.findings import Finding
from flows.core.release_calendar import (
    LONDON,
    MAX_FILE_BYTES,
    ReleaseInputRejected,
    ReleaseSlot,
    next_slot,
    parse_calendar,
    parse_report_dates,
    released_inspections,
    slot_for,
)
from flows.reporting.release.model import ReleaseInfo, ReleaseNote, ReleaseTable
from flows.reporting.release.pack import write_pack
from flows.reporting.release.revisions import Published, RevisionContext, mark_revisions, revisions_table
from flows.reporting import sql
from flows.reporting.release.tables import read_release_tables
from flows.sources.registry import INSPECTIONS
from flows.storage.archive import Refused, read_regular
from flows.storage.faults import crash_point
from flows.storage.files import publish_folder_once, published_folder
from flows.storage.published import PublishedFile
from flows.storage.release_scope import build_release_scope, discard_release_scope
from flows.storage.warehouse import query

RELEASE_PUBLISHED = "iaow.release.published"
STAGING_PREFIX = ".staging-"
CONTACT = "The inspectorate's research team (see the programme's web page)"


class ReleaseRefused(Exception):
    """The release cannot be built as asked (a date in the future, before its time, out of order)."""


@dataclass
class ReleaseOutcome:
    release_id: str
    folder: Path
    status: str  # "published" or "already published"
    cut_off: dt.date | None = None
    files: list[tuple[str, int]] = field(default_factory=list)
    n_inspections: int = 0
    n_embargoed: int = 0
    provisional_groups: list[str] = field(default_factory=list)
    n_revisions: int = 0
    seconds: float = 0.0

    def event(self, home_id: str | None = None) -> EventRecord:
        return EventRecord(RELEASE_PUBLISHED, resource("release", self.release_id, home_id), {
            "release_id": self.release_id, "folder": str(self.folder), "cut_off": self.cut_off.isoformat() if self.cut_off else None,
            "n_inspections": self.n_inspections, "provisional_groups": self.provisional_groups,
            "n_revisions": self.n_revisions, "files": [name for name, _ in self.files]})

    @property
    def summary(self) -> str:
        if self.status != "published":
            return f"release {self.release_id} is already published: {self.folder}"
        provisional = f", provisional groups: {', '.join(self.provisional_groups)}" if self.provisional_groups else ""
        return (f"release {self.release_id} published: {self.folder} ({len(self.files)} files, "
                f"{self.n_inspections} inspections, {self.n_embargoed} under embargo{provisional}, "
                f"{self.n_revisions} revised values; {self.seconds:.1f} s)")


def _read(path: Path) -> str:
    """The text of one of the research team's files, or "" when there is none; never through a
    link, never more than MAX_FILE_BYTES, and UTF-8 or a finding."""
    if not path.exists() and not path.is_symlink():
        return ""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except Refused as refused:
        raise ReleaseInputRejected([Finding(path.name, f"must be a plain file of at most {MAX_FILE_BYTES:,} bytes", "release.file.regular",
                                            detail=refused.what)]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReleaseInputRejected([Finding(path.name, "must be UTF-8 text", "release.file.encoding",
                                            detail=f"byte {error.start}")]) from None


def read_calendar(p: Paths) -> list[ReleaseSlot]:
    text = _read(p.release_calendar)
    return parse_calendar(text, p.release_calendar.name) if text else []


def read_report_dates(p: Paths) -> dict[str, dt.date]:
    text = _read(p.report_dates)
    return parse_report_dates(text, p.report_dates.name) if text else {}


def published_releases(p: Paths) -> list[str]:
    """Release ids published so far, oldest first."""
    if not p.releases.is_dir():
        return []
    return sorted(path.name for path in p.releases.iterdir()
                  if path.is_dir() and not path.name.startswith(".") and (path / "datapackage.json").exists())


@contextmanager
def release_lock(p: Paths) -> Iterator[None]:
    published_folder(p.releases, p.home)
    with open(p.releases / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # the scheduled run and a hand-made one wait for each other
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _discard_staging(p: Paths) -> None:
    for leftover in p.releases.glob(f"{STAGING_PREFIX}*"):
        _remove_staging(leftover)


def _remove_staging(folder: Path) -> None:
    """A staging folder, even one already made read-only on its way to being published."""
    folder.chmod(0o700)
    shutil.rmtree(folder, ignore_errors=True)


def _check_may_build(slot: ReleaseSlot, on_calendar: bool, now: dt.datetime, existing: list[str]) -> None:
    if slot.release_date > now.date():
        raise ReleaseRefused(f"release {slot.release_id} is in the future: a release is built on or after its date, "
                             "never before (its reports may not be published yet)")
    if on_calendar and slot.due_at > now:
        raise ReleaseRefused(f"release {slot.release_id} is due at {slot.release_time:%H:%M} (UK time): "
                             "it is not built before then")
    later = [release for release in existing if release > slot.release_id]
    if later:
        raise ReleaseRefused(f"release {later[-1]} is already published: releases are published in date order, "
                             f"so {slot.release_id} can no longer be built")


def publish_release(p: Paths, as_of: dt.date | None = None, now: dt.datetime | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> ReleaseOutcome:
    """Build and publish the release of `as_of` (default: today in London), unless it exists."""
    started = time.perf_counter()
    now = (now or dt.datetime.now(LONDON)).astimezone(LONDON)
    calendar = read_calendar(p)
    report_dates = read_report_dates(p)
    slot = slot_for(calendar, as_of or now.date())
    target = p.releases / slot.release_id
    with release_lock(p):
        _discard_staging(p)
        existing = published_releases(p)
        if slot.release_id in existing:
            return ReleaseOutcome(slot.release_id, target, "already published", slot.cut_off)
        _check_may_build(slot, slot in calendar, now, existing)
        published = {row[0] for row in query(p.private_db, "select inspection_id from raw.inspections")} \
            if p.private_db.exists() else set()
        released = released_inspections(report_dates, slot.cut_off, published)
        if not released:
            raise ReleaseRefused(f"no published inspection had its report published by {slot.cut_off.isoformat()} "
                                 f"(the cut-off): there is nothing to release. Record report dates in {p.report_dates}")
        previous_id = existing[-1] if existing else None
        staging = p.releases / f"{STAGING_PREFIX}{slot.release_id}-{secrets.token_hex(4)}"
        try:
            scope = build_release_scope(p, published - released, INSPECTIONS.id_key, INSPECTIONS.raw_tables, on_progress)
            threshold = disclosure_threshold()
            with PublishedFile(scope) as built:
                tables = read_release_tables(built, threshold, report_dates)
                context = _revision_context(p, built, previous_id, tables)
                is_synthetic = bool(built.rows("select bool_or(is_synthetic) from marts.dim_inspection")[0][0]) or \
                    bool(built.rows("select coalesce(bool_or(is_synthetic), false) from marts.dim_survey")[0][0])
            tables, log = mark_revisions(tables, p.releases / previous_id if previous_id else None, context)
            provisional = provisional_groups(tables)
            upcoming = next_slot(calendar, slot.release_date)
            info = ReleaseInfo(
                release_id=slot.release_id,
                title=f"Inspection of adult offending work: case assessment scores, release of {slot.release_date:%-d %B %Y}",
                published_at=now, cut_off=slot.cut_off,
                next_release=upcoming.release_date if upcoming else None,
                next_release_time=upcoming.release_time if upcoming else None,
                is_synthetic=is_synthetic,
                summary=("Scores of the inspection of adult offending work (probation): outcome and question scores of "
                         f"each inspected area with their intervals, group aggregates and funnel comparisons, offender "
                         f"survey and victim questionnaire results under disclosure control, and area context. "
                         f"{len(released)} inspections whose reports were published by {slot.cut_off.isoformat()}."),
                contact=CONTACT,
                notes=_notes(threshold, provisional),
                previous_release_id=previous_id,
            )
            changes = _changes(log, previous_id, context, released)
            staging.mkdir(mode=0o700)
            files = write_pack(staging, info, [*tables, revisions_table(log, previous_id)], threshold, changes)
            crash_point("release-before-rename")
            publish_folder_once(staging, target)
            crash_point("release-after-rename")
        finally:
            discard_release_scope(p)
            if staging.exists():
                _remove_staging(staging)
    return ReleaseOutcome(slot.release_id, target, "published", slot.cut_off, files, len(released),
                          len(published - released), provisional, len(log), time.perf_counter() - started)


def _table(tables: list[ReleaseTable], name: str) -> ReleaseTable:
    return next(table for table in tables if table.name == name)


def provisional_groups(tables: list[ReleaseTable]) -> list[str]:
    groups = _table(tables, "group_outcome_scores").rows
    return sorted({row.group_id for row in groups.itertuples() if "[p]" in row.status})


def _notes(threshold: int, provisional: list[str]) -> tuple[ReleaseNote, ...]:
    return (
        ReleaseNote(1, "Percentages are rounded half up, once, from their exact values; intervals are 95% unless "
                       "the column says otherwise."),
        ReleaseNote(2, f"Disclosure control: counts of people below {threshold} are withheld and marked [c]."),
        ReleaseNote(3, "Group aggregates are provisional [p] until all six of the group's inspections are in the release"
                       + (f"; provisional now: {', '.join(provisional)}." if provisional else ".")),
        ReleaseNote(4, "Revised values are marked [r] and listed, with the reason, in the revisions table."),
    )


def _revision_context(p: Paths, built: PublishedFile, previous_id: str | None,
                      tables: list[ReleaseTable]) -> RevisionContext | None:
    if previous_id is None:
        return None
    descriptor = json.loads((p.releases / previous_id / "datapackage.json").read_text(encoding="utf-8"))
    since = dt.datetime.fromisoformat(descriptor["iaow_release"]["published_at"])
    published = [Published(row[0], row[1], row[2]) for row in built.rows(sql.load("release/publications"), [since, since])]
    previous_inspections = set()
    old = p.releases / previous_id / "inspections.csv"
    if old.exists():
        with open(old, encoding="utf-8", newline="") as handle:
            previous_inspections = {row["inspection_id"] for row in csv.DictReader(handle)}
    members: dict[str, set[str]] = {}
    for row in _table(tables, "inspections").rows.itertuples():
        members.setdefault(row.group_id, set()).add(row.inspection_id)
    return RevisionContext(previous_id, published, previous_inspections, members)


def _changes(log: list[dict[str, str]], previous_id: str | None, context: RevisionContext | None,
             released: set[str]) -> list[str]:
    if previous_id is None or context is None:
        return []
    new = sorted(released - context.previous_inspections)
    lines = [f"Compared with the release of {previous_id}: {len(new)} inspection(s) added"
             + (f" ({', '.join(new)})" if new else "") + f", {len(log)} value(s) revised (listed in revisions.csv)."]
    by_table = Counter(line["table_name"] for line in log)
    lines += [f"{table}: {count} value(s) revised" for table, count in sorted(by_table.items())]
    return lines

