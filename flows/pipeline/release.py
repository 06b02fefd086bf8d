"""The statistical releases' flows: thin wrappers over `flows.pipeline.release_build`.

- `publish-release` builds one release (`iaow release [--as-of DATE]`, or from the Prefect UI);
- `publish-due-releases` is the scheduled deployment: every quarter of an hour (Europe/London) it
  builds each release on the calendar whose time has come and that is not yet built, so a release
  is out at its time (9:30 by default), and one missed while the platform was down is caught up.

Each release published emits `iaow.release.published` once: a marker beside the releases records
that it was emitted, so a rerun after a failed emission emits it, and no rerun emits it twice.
"""

from __future__ import annotations

import datetime as dt

from prefect import flow
from prefect.states import Completed

from flows.config import Paths, paths
from flows.core.release_calendar import LONDON, due_slots
from flows.pipeline.events import emit
from flows.pipeline.release_build import ReleaseOutcome, published_releases, publish_release, read_calendar
from flows.storage.files import write_private

EMITTED_FOLDER = ".events"


def _emitted_marker(p: Paths, release_id: str):
    return p.releases / EMITTED_FOLDER / release_id


def announce(p: Paths, outcome: ReleaseOutcome) -> bool:
    """Emit iaow.release.published for a published release, once. True when emitted now."""
    marker = _emitted_marker(p, outcome.release_id)
    if marker.exists() or not (outcome.folder / "datapackage.json").exists():
        return False
    emit(outcome.event(p.home_id))
    write_private(marker, dt.datetime.now(dt.timezone.utc).isoformat(), p.releases)
    return True


def release_once(p: Paths, as_of: dt.date | None = None) -> ReleaseOutcome:
    outcome = publish_release(p, as_of)
    announce(p, outcome)
    return outcome


# Async, as every flow the worker runs in-process (its engine runs them on its event loop).
@flow(name="publish-release", log_prints=False)
async def release(as_of: str | None = None):
    """Build and publish the release of `as_of` (YYYY-MM-DD; default today, UK time)."""
    outcome = release_once(paths(), dt.date.fromisoformat(as_of) if as_of else None)
    return Completed(message=outcome.summary, data=outcome)


@flow(name="publish-due-releases", log_prints=False)
async def publish_due_releases():
    """Every release on the calendar whose time has come and that is not yet built, oldest first."""
    p = paths()
    built = set(published_releases(p))
    outcomes = [release_once(p, slot.release_date)
                for slot in due_slots(read_calendar(p), dt.datetime.now(LONDON), built)]
    message = "; ".join(outcome.summary for outcome in outcomes) or "no release due"
    return Completed(message=message, data=outcomes)
