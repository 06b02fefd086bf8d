"""The analysts' dashboard in a real browser, started through `iaow dashboard` on the demo
programme: its charts and tables render with no console error and no request off the machine,
its tables download as CSV, it follows the sidebar's choices, and it keeps working (and shows
the new figures) when a publication swaps the published file underneath it."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from dashboards import data
from flows.config import REPO_ROOT, paths
from tests.browser.conftest import watched_page

START_TIMEOUT = 60  # seconds for `iaow dashboard` to answer its health check
RENDER_TIMEOUT = 60_000  # milliseconds for the app to render after a page load or a choice
TABS = ["Scores over time", "Group of six", "Question drill-down", "Offender survey", "Victims", "Area context"]
# The charts and tables each tab draws for the demo's first area (Victims and Area context are tables only).
CHARTS_PER_TAB = {"Scores over time": 2, "Group of six": 1, "Question drill-down": 1, "Offender survey": 1}
TABLES_PER_TAB = {"Scores over time": 2, "Group of six": 2}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`iaow dashboard` exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the dashboard did not answer at {url} within {START_TIMEOUT} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    """End `iaow dashboard` and its Streamlit child: the process group this test started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        if _group_ended(process, timeout=15):
            break
    process.wait(timeout=5)


def _group_ended(process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.poll()  # reap the leader, or its zombie keeps the group alive
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def dashboard_url(demo_home, tmp_path_factory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("dashboard") / "dashboard.log"
    port = _free_port()
    iaow = Path(sys.executable).parent / "iaow"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(iaow), "dashboard", "--port", str(port)],
            cwd=REPO_ROOT, env=os.environ.copy(), stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield url
    finally:
        _stop(process)


def _read(name: str, *params) -> list[dict]:
    return data.query(paths().published_db, name, params).to_dict("records")


@pytest.fixture(scope="module")
def first_choice(demo_home) -> dict:
    """What the sidebar shows on opening: the programme's first group, its first area, outcome 1."""
    group = _read("groups")[0]
    inspection = next(row for row in _read("inspections") if row["group_id"] == group["group_id"])
    return inspection


# --- Page helpers -------------------------------------------------------------------------

def _settled(page) -> None:
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=RENDER_TIMEOUT)


def _open(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Probation inspection scores").wait_for(timeout=RENDER_TIMEOUT)
    _settled(page)


def _tab(page, name: str):
    page.get_by_role("tab", name=name).click()
    panel = page.locator('[role="tabpanel"]:visible')
    expect(panel).to_have_count(1)
    return panel


def _rerun_done(page) -> None:
    """Wait for the rerun a choice sets off to start (if it has not come and gone) and finish."""
    try:
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(timeout=2000)
    except PlaywrightTimeoutError:
        pass
    _settled(page)


def _choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label, exact=True)
    for _ in range(5):
        # While a rerun replaces a widget whose options changed, the old one lingers beside the
        # new, and a list opened on the old one closes: open it again on the new one.
        _settled(page)
        expect(box).to_have_count(1, timeout=RENDER_TIMEOUT)
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    expect(box).to_have_value(option, timeout=RENDER_TIMEOUT)
    _rerun_done(page)


def _metric(page, label: str):
    return page.locator('[data-testid="stMetric"]').filter(has_text=label).locator('[data-testid="stMetricValue"]')


def _drawn_charts(panel) -> list[dict]:
    """Size of what each Vega chart of the panel drew (an svg or a canvas)."""
    return panel.locator('[data-testid="stVegaLiteChart"]').evaluate_all(
        "charts => charts.map(c => { const d = c.querySelector('svg.marks, canvas.marks, svg, canvas');"
        " const r = d ? d.getBoundingClientRect() : {width: 0, height: 0};"
        " return {tag: d ? d.tagName : null, width: r.width, height: r.height,"
        " marks: d ? d.querySelectorAll('path, rect, line, circle, text').length : 0}; })"
    )


def _wait_for_charts(panel, expected: int) -> list[dict]:
    deadline = time.monotonic() + RENDER_TIMEOUT / 1000
    charts = _drawn_charts(panel)
    while time.monotonic() < deadline:
        charts = _drawn_charts(panel)
        if len(charts) == expected and all(c["width"] > 0 and c["height"] > 0 and c["marks"] > 0 for c in charts):
            break
        time.sleep(0.25)
    return charts


def _no_exceptions(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').all_inner_texts()


def _table_rows(panel, index: int = 0) -> list[list[str]]:
    """The cells of a visible table of the panel, row by row (a tab's content mounts when the
    tab is first shown, so wait for it)."""
    table = panel.locator('[data-testid="stTable"]:visible').nth(index)
    table.locator("tbody tr").first.wait_for(timeout=RENDER_TIMEOUT)
    return table.locator("tbody tr").evaluate_all("rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))")


# --- Tests ----------------------------------------------------------------------------------

def test_every_area_renders_without_an_error(demo_home):
    """Every area of every group, each outcome several times over, run in-process (Streamlit's
    AppTest, no browser): no exception and no error on any choice. First in the module, before
    the browser fixture's event loop is running in this thread."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO_ROOT / "dashboards" / "app.py"), default_timeout=60).run()
    assert not app.exception and not app.error

    def select(label: str, value) -> None:
        box = next(b for b in app.sidebar.selectbox if b.label == label)
        box.select(value).run()
        assert not app.exception, (label, value, app.exception)
        assert not app.error, (label, value, [e.value for e in app.error])

    outcomes = [row["outcome_code"] for row in _read("outcomes")]
    inspections = _read("inspections")
    for group in _read("groups"):
        select("Group of six", group["group_id"])
        for inspection in (row for row in inspections if row["group_id"] == group["group_id"]):
            select("Area", inspection["inspection_id"])
            # One outcome per area, in turn: with 11 demo areas each outcome is drawn twice or more.
            select("Outcome", outcomes[inspections.index(inspection) % len(outcomes)])
            assert len(app.tabs) == len(TABS)
            assert app.main.markdown[0].value.startswith(f"**{inspection['area']}**")


def test_every_section_renders_its_charts_tables_and_downloads(browser, dashboard_url, first_choice):
    with watched_page(browser) as (page, problems):
        _open(page, dashboard_url)
        expect(page.get_by_text(f"Synthetic data: {first_choice['inspection_id']}")).to_be_visible()
        score = _read("outcome_score", first_choice["inspection_id"], 1)[0]
        expect(_metric(page, "Outcome score")).to_have_text(f"{score['score_pct']}%")
        expect(_metric(page, "Sufficient / relevant")).to_have_text(
            f"{score['n_sufficient_pooled']:,} / {score['n_relevant_pooled']:,}")

        for tab in TABS:
            panel = _tab(page, tab)
            # Every table has its download (the keys to the columns are tables too, folded away).
            tables = TABLES_PER_TAB.get(tab, 1)
            expect(panel.locator('[data-testid="stTable"]:visible')).to_have_count(tables, timeout=RENDER_TIMEOUT)
            expect(panel.locator('[data-testid="stDownloadButton"]')).to_have_count(tables)
            expect(panel.get_by_role("button", name=re.compile("^Download CSV"))).to_have_count(tables)
            charts = _wait_for_charts(panel, CHARTS_PER_TAB.get(tab, 0))
            assert len(charts) == CHARTS_PER_TAB.get(tab, 0), (tab, charts)
            for chart in charts:
                assert chart["tag"] in ("svg", "canvas") and chart["width"] > 0 and chart["height"] > 0, (tab, chart)
                assert chart["marks"] > 10, (tab, chart)

        # A download is the rows as published, with the published columns.
        panel = _tab(page, "Question drill-down")
        with page.expect_download() as download:
            panel.get_by_role("button", name="Download CSV").click()
        assert download.value.suggested_filename == f"questions_{first_choice['inspection_id']}_outcome1.csv"
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
        expected = data.query(paths().published_db, "question_drilldown", (first_choice["inspection_id"], 1))
        assert rows[0] == list(expected.columns)
        assert rows[0][:4] == ["inspection_id", "outcome_code", "question_id", "criterion_code"]
        assert "n_sufficient" in rows[0] and "n_relevant" in rows[0]
        assert rows == list(csv.reader(io.StringIO(data.to_csv(expected).decode())))

        # Each download has a key to its columns, from the marts' documentation.
        panel.get_by_text("Key to the columns").click()
        expect(panel.get_by_text("Cases answered yes or no (the denominator).")).to_be_visible()

        _no_exceptions(page)
        assert problems.all() == []


def test_the_sidebar_choices_drive_every_section(browser, dashboard_url):
    inspections = _read("inspections")
    groups = {row["group_id"]: row["group_theme"] for row in _read("groups")}
    london = next(row for row in inspections if row["area"] == "London")
    outcome = 4
    outcome_name = next(row["outcome_short_name"] for row in _read("outcomes") if row["outcome_code"] == outcome)
    with watched_page(browser) as (page, problems):
        _open(page, dashboard_url)
        _choose(page, "Group of six", f"{groups[london['group_id']]} ({london['group_id']})")
        _choose(page, "Area", f"London ({london['inspection_id']})")
        _choose(page, "Outcome", f"{outcome}. {outcome_name}")
        # A heading only the last choice's run writes; once it shows, that run has started, and
        # once the app is idle again, every section is that run's.
        panel = _tab(page, "Question drill-down")
        expect(panel.get_by_role("heading", name=f"London: the questions behind outcome {outcome}")).to_be_visible(
            timeout=RENDER_TIMEOUT)
        _settled(page)
        score = _read("outcome_score", london["inspection_id"], outcome)[0]
        expect(_metric(page, "Outcome score")).to_have_text(f"{score['score_pct']}%")

        # The drill-down shows London's questions for outcome 4, numerators over denominators.
        questions = _read("question_drilldown", london["inspection_id"], outcome)
        rows = _table_rows(panel)
        assert len(rows) == len(questions) > 0
        for cells, question in zip(rows, questions, strict=True):
            assert cells[0] == question["question_id"]
            assert cells[3] == f"{question['n_sufficient']} / {question['n_relevant']}", cells
            assert cells[5] == f"{question['score_pct']}%", cells

        # The group of six lists London's group, with London's score.
        panel = _tab(page, "Group of six")
        areas = _read("group_areas", london["group_id"], outcome)
        rows = _table_rows(panel)
        assert [row[0] for row in rows] == [area["area"] for area in areas]
        london_row = next(row for row in rows if row[0] == "London")
        assert london_row[3] == f"{score['score_pct']}%"

        # The offender survey is London's: withheld cells say so, never with a number.
        panel = _tab(page, "Offender survey")
        expect(panel.get_by_role("heading", name="London: offender survey")).to_be_visible()
        assert _read("survey", "London"), "the demo publishes offender survey results for London"
        for cells in _table_rows(panel):
            if cells[-1]:  # withheld
                assert cells[4] == cells[5] == "withheld", cells

        # The victims' results switch to the group's pool: London's group is still in progress,
        # so whether there is one depends on the published file.
        panel = _tab(page, "Victims")
        expect(panel.locator('[data-testid="stTable"]:visible')).to_have_count(1)
        panel.get_by_text("The group's pooled respondents").click()
        _rerun_done(page)
        pooled = _read("victims_group", london["group_id"])
        if pooled:
            assert len(_table_rows(panel)) == len(pooled)
        else:
            expect(panel.get_by_text("No pooled results for this group")).to_be_visible()
            expect(panel.locator('[data-testid="stTable"]:visible')).to_have_count(0)

        _no_exceptions(page)
        assert problems.all() == []


def _publish_with_score(published: Path, inspection_id: str, outcome_code: int, score_pct: int) -> None:
    """Publish the way a publication does: an edited copy beside the file, renamed over it."""
    scratch = published.with_name(".dashboard-test-next.duckdb")
    shutil.copy2(published, scratch)
    connection = duckdb.connect(str(scratch))
    try:
        where = "WHERE inspection_id = ? AND outcome_code = ?"
        connection.execute(f"UPDATE marts.fct_outcome_scores SET score_pct = ? {where}", [score_pct, inspection_id, outcome_code])
        connection.execute(f"UPDATE marts.fct_outcome_scores_history SET score_pct = ? {where} AND is_current",
                           [score_pct, inspection_id, outcome_code])
    finally:
        connection.close()
    os.replace(scratch, published)


def test_a_publication_swapping_the_file_shows_on_the_next_rerun(browser, dashboard_url, first_choice):
    published = paths().published_db
    backup = published.with_name(".dashboard-test-backup.duckdb")
    inspection_id = first_choice["inspection_id"]
    original = _read("outcome_score", inspection_id, 1)[0]["score_pct"]
    swapped = 3 if original != 3 else 4
    shutil.copy2(published, backup)
    try:
        with watched_page(browser) as (page, problems):
            _open(page, dashboard_url)
            expect(_metric(page, "Outcome score")).to_have_text(f"{original}%")
            panel = _tab(page, "Scores over time")

            _publish_with_score(published, inspection_id, 1, swapped)
            page.get_by_role("button", name="Check for a new publication").click()
            expect(_metric(page, "Outcome score")).to_have_text(f"{swapped}%", timeout=RENDER_TIMEOUT)
            _settled(page)
            history = _table_rows(panel)
            assert [row[3] for row in history if row[0] == inspection_id] == [f"{swapped}%"]
            assert _wait_for_charts(panel, 2)[0]["width"] > 0

            # Back to the demo's file, again by rename: the page follows without a reload.
            os.replace(backup, published)
            page.keyboard.press("r")  # Streamlit's rerun key
            expect(_metric(page, "Outcome score")).to_have_text(f"{original}%", timeout=RENDER_TIMEOUT)
            _settled(page)
            _no_exceptions(page)
            assert problems.all() == []
    finally:
        if backup.exists():  # the test failed before the file was put back
            os.replace(backup, published)
    assert _read("outcome_score", inspection_id, 1)[0]["score_pct"] == original
