"""Returns publish themselves: a real server, worker and landing watcher (tests/integration/conftest.py).

Each test drops returns the way senders do (files first, `_READY` last; a workbook under its
final name) and waits for what the platform promises, with no other action.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from flows import demo
from flows.storage.archive import content_hash
from flows.config import Paths
from flows.sources.base import READY_MARKER
from flows.sources.registry import kind_for
from flows.runtime.services import start_background, stop_background
from flows.storage.warehouse import query, table_exists
from tests.return_edits import flip_an_answer, set_cell, workbook_from_folder
from tests.support import IAOW

TIMEOUT_S = 180
VIOLENT_OFFENDING = "iaow-2013-violent-offending"


def drop(source: Path, p: Paths, transform=None) -> Path:
    """Copy a return folder into landing as a sender would: the files, then `_READY` last."""
    target = p.landing_inspections / source.name
    target.mkdir(parents=True, exist_ok=True)
    (target / READY_MARKER).unlink(missing_ok=True)
    for file in source.iterdir():
        if file.name != READY_MARKER:
            shutil.copy2(file, target / file.name)
    if transform:
        transform(target)
    (target / READY_MARKER).touch()
    return target


def sha_of(path: Path) -> str:
    """The content hash of a return as the watcher computes it (a folder's files, or the workbook)."""
    return content_hash(kind_for(path).locate(path).files)[0]


def wait_for(what: str, predicate, timeout: float = TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def published_hashes(p: Paths) -> list[str]:
    """Content hashes of every return ever published, one entry per publication."""
    if not p.private_db.exists():
        return []
    return [row[0] for row in query(p.private_db, "select return_sha256 from raw.publications where return_sha256 is not null")]


def is_published(p: Paths, sha256: str) -> bool:
    return table_exists(p.published_db, "marts", "dim_inspection") and bool(
        query(p.published_db, "select 1 from marts.dim_inspection where return_sha256 = ?", [sha256])
    )


def flow_runs(name: str, p: Paths) -> list:
    """Runs of this name made by this data directory's deployments (they carry its tag)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName, FlowRunFilterTags

    async def read():
        async with get_client() as client:
            return await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name]), tags=FlowRunFilterTags(all_=[f"home-{p.home_id}"]))
            )

    return asyncio.run(read())


def events_about(event: str, resource_id: str) -> list[dict]:
    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            response = await client._client.post(
                "/events/filter",
                json={"filter": {"event": {"name": [event]}, "resource": {"id": [resource_id]}}, "limit": 50},
            )
            response.raise_for_status()
            return response.json()["events"]

    return asyncio.run(read())


def iaow_status(p: Paths) -> str:
    result = subprocess.run([*IAOW, "status"], capture_output=True, text=True, env={**os.environ, "IAOW_HOME": str(p.home)})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_dropped_return_publishes_itself(served, demo_returns):
    folder = drop(demo_returns / "placeholder-area-a-2013", served)
    sha256 = sha_of(folder)
    wait_for("the return's publication", lambda: is_published(served, sha256))

    # the file is published before the run ends (its event and artifact come after)
    (run,) = wait_for("the run's final state", lambda: [r for r in flow_runs("ingest-placeholder-area-a-2013", served) if r.state.is_final()])
    assert run.state.is_completed(), run.state
    assert "published" in run.state.message
    assert "placeholder-area-a-2013" in iaow_status(served).split("published warehouse")[1]
    wait_for("the published event", lambda: events_about("iaow.scores.published", "iaow.inspection.placeholder-area-a-2013"), 30)
    # the score-sheets deployment reacts to it (the worker, not the ingest run, renders the sheet)
    (sheets,) = wait_for("the score sheets' run", lambda: [
        r for r in flow_runs("score-sheets-iaow-2013-violent-offending", served) if r.state.is_final()])
    assert sheets.state.is_completed(), sheets.state
    assert (served.score_sheets / "placeholder-area-a-2013.html").exists()


def test_the_same_return_is_announced_once_and_a_backlog_is_picked_up_at_start(served, demo_returns):
    a = served.landing_inspections / "placeholder-area-a-2013"
    (a / READY_MARKER).touch()  # the sender marks it ready again: same content, nothing to do

    stop_background(served, "watcher")
    folder = drop(demo_returns / "placeholder-area-c-2014", served)  # lands while the watcher is down
    time.sleep(2)
    assert not is_published(served, sha_of(folder))
    start_background(served, "watcher")
    wait_for("the backlog's publication", lambda: is_published(served, sha_of(folder)))

    time.sleep(3)
    assert len(flow_runs("ingest-placeholder-area-a-2013", served)) == 1
    assert published_hashes(served).count(sha_of(a)) == 1


def test_a_broken_return_is_quarantined_and_announced(served, demo_returns):
    before = sorted(published_hashes(served))
    folder = drop(demo_returns / "london-2014", served, transform=set_cell("answers.csv", 10, "answer", "maybe"))
    sha256 = sha_of(folder)
    summary = wait_for(
        "the quarantine report", lambda: next(iter((served.quarantine / "london-2014").glob(f"{sha256[:12]}/summary.json")), None)
    )
    assert summary.exists()
    run = wait_for("the run's final state", lambda: next((r for r in flow_runs("ingest-london-2014", served) if r.state.is_final()), None))
    assert run.state.name == "Rejected"
    assert "answers.csv, row 10, column answer" in run.state.message
    rejected = wait_for("the rejection event", lambda: events_about("iaow.return.rejected", "iaow.inspection.london-2014"))
    assert rejected[0]["payload"]["return_sha256"] == sha256
    assert sorted(published_hashes(served)) == before
    assert "REJECTED" in iaow_status(served)


def test_twelve_returns_at_once_each_publish_once_and_the_completed_group_reports(served, demo_returns, tmp_path):
    flip_one_answer = flip_an_answer(5)
    remaining = ["placeholder-area-b-2013", "devon-and-cornwall-2013", "hampshire-2013", "northumbria-2013",
                 "northamptonshire-2013", "placeholder-area-d-2014", "placeholder-area-e-2014", "london-2014",
                 "placeholder-area-f-2018"]
    # a workbook lands under its final name: written as .part elsewhere, then renamed
    book = workbook_from_folder(demo_returns / "hampshire-2013", tmp_path / "hampshire-2013.xlsx")
    staged = served.landing_inspections / "hampshire-2013.xlsx.part"
    staged.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(book, staged)

    folders = [drop(demo_returns / name, served) for name in remaining]
    folders.append(drop(demo_returns / "placeholder-area-a-2013", served, transform=flip_one_answer))
    folders.append(drop(demo_returns / "placeholder-area-c-2014", served, transform=flip_one_answer))
    os.replace(staged, served.landing_inspections / "hampshire-2013.xlsx")
    returns = [*folders, served.landing_inspections / "hampshire-2013.xlsx"]
    assert len(returns) == 12
    hashes = [sha_of(r) for r in returns]
    assert len(set(hashes)) == 12

    # one at a time, each with its score-sheets reaction: generous, for a loaded CI machine
    wait_for("all twelve publications", lambda: all(h in published_hashes(served) for h in hashes), timeout=600)
    counts = published_hashes(served)
    assert [counts.count(h) for h in hashes] == [1] * 12

    report = served.reports / VIOLENT_OFFENDING / "index.html"
    wait_for("the group report", report.exists)
    run = wait_for("the report run", lambda: next((r for r in flow_runs(f"report-{VIOLENT_OFFENDING}", served) if r.state.is_final()), None))
    assert run.state.is_completed(), run.state
    assert "Provisional" not in report.read_text()
    wait_for("the group event", lambda: events_about("iaow.group.completed", f"iaow.group.{VIOLENT_OFFENDING}"), 30)
    log = (served.logs / "worker.log").read_text()
    assert "WarehouseBusy" not in log and "Traceback" not in log


def test_a_dropped_survey_delivery_publishes_itself(served, tmp_path):
    """After the twelve returns, every area the demo delivery names is known."""
    staging = tmp_path / "landing"
    (delivery,) = [d for d in demo.write_demo_surveys(staging) if d.name == "noms-offender-survey-2013"]
    target = served.landing_surveys / delivery.name
    target.mkdir(parents=True)
    for file in delivery.iterdir():
        if file.name != READY_MARKER:
            shutil.copy2(file, target / file.name)
    (target / READY_MARKER).touch()

    wait_for("the survey's publication", lambda: table_exists(served.published_db, "marts", "dim_survey") and query(
        served.published_db, "select 1 from marts.dim_survey where survey_id = ?", [delivery.name]))
    run = wait_for("the run's final state", lambda: next((r for r in flow_runs(f"survey-{delivery.name}", served) if r.state.is_final()), None))
    assert run.state.is_completed(), run.state
    assert "responses from 14 areas" in run.state.message
    wait_for("the landed event", lambda: events_about("iaow.survey.landed", f"iaow.survey.{delivery.name}"), 30)
    wait_for("the published event", lambda: events_about("iaow.survey.published", f"iaow.survey.{delivery.name}"), 30)


def test_the_rescore_deployment_runs_on_demand(served):
    from prefect.deployments import run_deployment

    run = run_deployment(f"rescore-programme/nightly-{served.home_id}", timeout=180)  # sync here: waits for the worker
    assert run.state.is_completed(), run.state
    assert run.state.message == "0 outcome score(s) would change"


@pytest.mark.parametrize(
    "deployment",
    ["ingest-return/on-landed", "ingest-survey/on-survey-landed", "group-report/on-completed", "score-sheets/on-published",
     "rescore-programme/nightly", "prune-prefect-history/weekly", "publish-due-releases/calendar",
     "publish-release/by-hand"],
)
def test_every_deployment_is_on_the_server(served, deployment):
    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            return await client.read_deployment_by_name(f"{deployment}-{served.home_id}")

    assert asyncio.run(read()).name.endswith(served.home_id)


def test_the_weekly_pruning_deletes_this_directorys_old_runs_only(served):
    from prefect.deployments import run_deployment

    assert flow_runs("ingest-placeholder-area-a-2013", served)
    run = run_deployment(f"prune-prefect-history/weekly-{served.home_id}", parameters={"retention_days": 0}, timeout=180)
    assert run.state.is_completed(), run.state
    assert run.state.message.startswith("deleted ") and not run.state.message.startswith("deleted 0 ")
    assert flow_runs("ingest-placeholder-area-a-2013", served) == []


def test_an_event_naming_a_path_outside_the_landing_area_is_refused(served, demo_returns, tmp_path):
    """Anyone who can reach the API can emit a landed event: the worker acts on its own landing
    area only, whatever path the event names."""
    from flows.pipeline.events import emit
    from flows.sources.registry import kind_named

    outside = tmp_path / "lincolnshire-2013"
    shutil.copytree(demo_returns / "placeholder-area-b-2013", outside)
    before = sorted(published_hashes(served))
    inspections = kind_named("inspection")
    emit(inspections.landed("lincolnshire-2013", str(outside), "0" * 64,
                            served.home_id))

    (run,) = wait_for("the refused run", lambda: [r for r in flow_runs("ingest-lincolnshire-2013", served) if r.state.is_final()])
    assert run.state.name == "Refused" and "landing area" in run.state.message
    assert sorted(published_hashes(served)) == before
    assert not (served.archive / "inspections").exists() or all(
        "lincolnshire" not in path.read_text() for path in (served.archive / "inspections").glob("*/receipt.json"))


def test_the_calendar_deployment_publishes_a_due_release_once_and_announces_it(served):
    """The scheduled deployment, run as its schedule runs it: a release on today's calendar whose
    time has come is built, announced with iaow.release.published, and not built again."""
    import datetime as dt

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from flows.core.release_calendar import LONDON

    async def deployment():
        async with get_client() as client:
            return await client.read_deployment_by_name(f"publish-due-releases/calendar-{served.home_id}")

    (schedule,) = asyncio.run(deployment()).schedules
    assert schedule.schedule.cron == "*/15 * * * *" and schedule.schedule.timezone == "Europe/London"

    today = dt.datetime.now(LONDON).date().isoformat()
    published = [row[0] for row in query(served.published_db, "select inspection_id from marts.dim_inspection")]
    assert published
    served.releases.mkdir(exist_ok=True)
    (served.releases / "report_dates.csv").write_text(
        "inspection_id,report_published_on\n" + "".join(f"{i},2013-09-01\n" for i in published), encoding="utf-8")
    (served.releases / "calendar.csv").write_text(f"release_date,release_time,cut_off\n{today},00:00,{today}\n", encoding="utf-8")

    run = run_deployment(f"publish-due-releases/calendar-{served.home_id}", timeout=180)
    assert run.state.is_completed(), run.state
    assert run.state.message.startswith(f"release {today} published: "), run.state.message
    assert (served.releases / today / "datapackage.json").exists()
    (event,) = wait_for("the release's event", lambda: [e for e in events_about("iaow.release.published", f"iaow.release.{today}")
                                                       if e["resource"]["iaow.home"] == served.home_id], 30)
    assert event["payload"]["n_inspections"] == len(published)

    again = run_deployment(f"publish-due-releases/calendar-{served.home_id}", timeout=180)
    assert again.state.is_completed() and again.state.message == "no release due"
