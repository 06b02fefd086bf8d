"""Where each input's latest version stands, for `iaow status`: landed, published (when) or
rejected (why), per input kind; and what committed publications still owe. Read from the landing
watcher's ledger, the published file, quarantine and the outbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flows.config import Paths
from flows.core import figures
from flows.sources.base import InputKind
from flows.sources.registry import kind_for_files
from flows.storage.publication import Outbox
from flows.storage.published import PublishedFile, PublishedFileMissing
from flows.runtime.watcher import Ledger
from flows.storage.quarantine import quarantine_summaries


@dataclass(frozen=True)
class InputStatus:
    kind: str
    input_id: str
    state: str  # "published", "rejected" or "landed" (announced, not finished yet)
    when: str
    detail: str = ""

    @property
    def inspection_id(self) -> str:  # the name before survey deliveries had a status of their own
        return self.input_id

    def describe(self) -> str:
        if self.state == "published":
            return f"published {self.when}{self.detail}"
        if self.state == "rejected":
            return f"REJECTED {self.when}: {self.detail}"
        return f"landed {self.when}, being validated and published"


def published_inputs(p: Paths, kind: InputKind) -> dict[str, tuple[str, str]]:
    """id -> (content hash, when) of every input of this kind in the published file."""
    try:
        with PublishedFile(p.published_db) as published:
            if not published.has_table(kind.dimension):
                return {}
            rows = published.rows(f"select {kind.id_key}, {kind.sha_column}, published_at from marts.{kind.dimension}")
    except PublishedFileMissing:
        return {}
    return {input_id: (sha, figures.timestamp(at)) for input_id, sha, at in rows}


def rejections(p: Paths) -> dict[tuple[str, str], list[dict]]:
    """(kind name, input id) -> the summaries of its quarantined versions."""
    found: dict[tuple[str, str], list[dict]] = {}
    for input_id, summary, files in quarantine_summaries(p.quarantine):
        kind = summary.get("kind") or kind_for_files(files).name  # summaries written before they named it
        found.setdefault((kind, input_id), []).append(summary)
    return found


def input_statuses(p: Paths, kind: InputKind) -> list[InputStatus]:
    published = published_inputs(p, kind)
    rejected = {input_id: summaries for (name, input_id), summaries in rejections(p).items() if name == kind.name}
    landed = Ledger(p.landed_ledger).latest_by_id(kind.name)
    return [
        _status_of(kind.name, input_id, landed.get(input_id), published.get(input_id), rejected.get(input_id, []))
        for input_id in sorted(published.keys() | rejected.keys() | landed.keys())
    ]


def _status_of(kind: str, input_id: str, latest, published: tuple[str, str] | None, rejections: list[dict]) -> InputStatus:
    """The state of the latest version: the one the watcher saw last, else the newest known."""
    rejected = {r["return_sha256"]: r for r in rejections}
    published_sha, published_at = published or (None, None)
    if latest is not None and latest.sha256 not in rejected and latest.sha256 != published_sha:
        return InputStatus(kind, input_id, "landed", latest.landed_at[:19].replace("T", " "))
    latest_rejection = rejected.get(latest.sha256) if latest is not None else None
    if latest_rejection is None and published_sha is None:
        latest_rejection = max(rejections, key=lambda r: r["received_at"])
    if latest_rejection is None:
        return InputStatus(kind, input_id, "published", published_at)
    note = f" (an earlier version stays published since {published_at})" if published_at else ""
    return InputStatus(
        kind,
        input_id,
        "rejected",
        latest_rejection["received_at"][:19].replace("T", " "),
        f"{latest_rejection['problems']} problem(s), first {latest_rejection['first_problem']}{note}",
    )


def release_status(p: Paths, now: dt.datetime | None = None) -> list[str]:
    """The statistical releases: the latest published, and the next on the calendar (or why the
    calendar cannot be read)."""
    from flows.core.release_calendar import LONDON, ReleaseInputRejected
    from flows.pipeline.release_build import published_releases, read_calendar

    released = published_releases(p)
    lines = [f"{len(released)} published" + (f", latest {released[-1]} ({p.releases / released[-1]})" if released else "")]
    try:
        calendar = read_calendar(p)
    except ReleaseInputRejected as refused:
        return [*lines, f"the calendar is refused: {refused.findings[0].describe()}"]
    today = (now or dt.datetime.now(LONDON)).astimezone(LONDON).date()
    upcoming = next((slot for slot in calendar if slot.release_date >= today and slot.release_id not in released), None)
    if upcoming is None:
        return [*lines, f"no release on the calendar ({p.release_calendar})"]
    return [*lines, f"next: {upcoming.release_id} at {upcoming.release_time:%H:%M} UK time, cut-off {upcoming.cut_off.isoformat()}"]


def serving_status(p: Paths) -> str | None:
    """Whether the serving database holds what is published (None: no serving database)."""
    from flows.config import serving_url
    from flows.storage.serving import ServingFailed, served_publication
    from flows.storage.warehouse import latest_publication_id

    url = serving_url()
    if url is None:
        return None
    current = latest_publication_id(p.published_db) if p.published_db.exists() else None
    try:
        served = served_publication(url)
    except ServingFailed as failed:
        return f"unreachable ({failed}); the next publication or `iaow serve --refresh` brings it up to date"
    if served == current:
        return f"up to date ({served or 'nothing published yet'})"
    return f"BEHIND: holds {served or 'nothing'}, published is {current}; `iaow serve --refresh` brings it up to date"


def owed_steps(p: Paths) -> list[str]:
    """What committed publications still owe (the next writer delivers it), one line each."""
    return [f"{publication_id}: {', '.join(labels)}" for publication_id, labels in Outbox(p).pending() if labels]
