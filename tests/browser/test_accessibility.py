"""WCAG 2.2 AA, checked by axe-core in Chromium: the group report (complete, and provisional while
its group is in progress), a score sheet, the validation report of a rejected return, and every
tab of the analysts' dashboard have no serious or critical violation of a WCAG 2.0/2.1/2.2 A or
AA rule. A failure lists each rule, its impact and the elements at fault (selector and HTML).

The pages are the ones the other browser tests open: the demo programme's reports, a return
rejected through the real command line, and the dashboard started through `iaow dashboard`."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from flows.config import paths
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import watched_page
from tests.browser.test_dashboard import (  # noqa: F401  (dashboard_url: the module's fixture, reused)
    CHARTS_PER_TAB,
    RENDER_TIMEOUT,
    TABLES_PER_TAB,
    TABS,
    _no_exceptions,
    _open,
    _tab,
    _wait_for_charts,
    dashboard_url,
)
from tests.return_edits import set_cell
from tests.support import run_iaow

COMPLETE = "iaow-2013-violent-offending"
IN_PROGRESS = "iaow-2014-protecting-children"
SCORE_SHEET = "hampshire-2013"
VIEWPORTS = {"desktop": (1400, 1000), "phone": (390, 844)}  # a 390 px phone reflows every page to one column


@pytest.fixture(scope="module")
def reports(demo_home):
    return paths().reports


@pytest.fixture(scope="module")
def rejection_report(demo_home, tmp_path_factory):
    """The report.html of a demo return rejected through the real command line (two problems,
    so both its tables have rows: the problems and the checks run)."""
    folder = tmp_path_factory.mktemp("rejected") / SCORE_SHEET
    shutil.copytree(paths().landing_inspections / SCORE_SHEET, folder)
    set_cell("answers.csv", 15, "answer", "perhaps")(folder)
    set_cell("answers.csv", 16, "answer", "possibly")(folder)
    result = run_iaow("ingest", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    found = re.search(r"^Validation report: (.+report\.html)$", result.stderr, re.MULTILINE)
    assert found, result.stderr
    return found.group(1)


def _assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)  # serious and critical, WCAG 2.0-2.2 A and AA
    assert not violations, format_violations(violations, where)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("report", [f"{COMPLETE}/index.html", f"{IN_PROGRESS}/index.html", f"inspections/{SCORE_SHEET}.html"],
                         ids=["group-report-complete", "group-report-provisional", "score-sheet"])
def test_reports_meet_wcag_22_aa(browser, reports, report, viewport):
    width, height = VIEWPORTS[viewport]
    with watched_page(browser, width, height) as (page, problems):
        page.goto((reports / report).as_uri())
        page.wait_for_load_state("load")
        if report.startswith(IN_PROGRESS):
            expect(page.locator(".banner.provisional")).to_be_visible()
        _assert_accessible(page, f"{report} at {width}×{height}")
        assert problems.all() == []


def test_a_report_s_wide_table_scrolls_from_the_keyboard(browser, reports):
    """What scrollable-region-focusable asks for, done by hand: a table too wide for the page is
    reached with Tab and scrolled with the arrow keys, and says what it is."""
    with watched_page(browser, *VIEWPORTS["phone"]) as (page, problems):
        page.goto((reports / COMPLETE / "index.html").as_uri())
        wide = page.locator(".table-wrap").filter(has=page.locator("th", has_text="England and Wales"))
        assert wide.evaluate("e => e.scrollWidth > e.clientWidth"), "the context table fits a phone: pick a wider one"
        expect(wide).to_have_attribute("role", "region")
        expect(wide).to_have_attribute("aria-label", re.compile("^Context"))
        wide.focus()  # reachable: tabindex 0 puts it in the tab order
        expect(wide).to_be_focused()
        page.keyboard.press("ArrowRight")  # scrolls smoothly: wait for it to move
        page.wait_for_function("e => e.scrollLeft > 0", arg=wide.element_handle(), timeout=5000)
        assert problems.all() == []


def test_the_rejection_report_meets_wcag_22_aa(browser, rejection_report):
    with watched_page(browser) as (page, problems):
        page.goto(f"file://{rejection_report}")
        expect(page.get_by_role("heading", name=re.compile("^Validation report: .* rejected$"))).to_be_visible()
        expect(page.get_by_role("heading", name="Checks run")).to_be_visible()
        _assert_accessible(page, "the rejection report")
        assert problems.all() == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_release_readme_meets_wcag_22_aa(browser, demo_home, viewport):
    """The README of the demo's first statistical release, as a web page."""
    [readme] = sorted(paths().releases.glob("*/README.html"))[-1:]
    width, height = VIEWPORTS[viewport]
    with watched_page(browser, width, height) as (page, problems):
        page.goto(readme.as_uri())
        expect(page.get_by_role("heading", name="Disclosure control")).to_be_visible()
        expect(page.locator(".banner")).to_contain_text("SYNTHETIC DEMO DATA")
        _assert_accessible(page, f"the release README at {width}×{height}")
        assert problems.all() == []


def test_every_dashboard_tab_meets_wcag_22_aa(browser, dashboard_url):  # noqa: F811
    """Each tab once its tables and charts are drawn (axe checks only what is shown: a hidden
    tab's content is skipped, so every tab is opened in turn). All tabs are checked before the
    assertion, so one failure lists every tab's violations."""
    found = []
    with watched_page(browser) as (page, problems):
        _open(page, dashboard_url)
        for tab in TABS:
            panel = _tab(page, tab)
            expect(panel.locator('[data-testid="stTable"]:visible')).to_have_count(TABLES_PER_TAB.get(tab, 1),
                                                                                   timeout=RENDER_TIMEOUT)
            charts = _wait_for_charts(panel, CHARTS_PER_TAB.get(tab, 0))
            assert len(charts) == CHARTS_PER_TAB.get(tab, 0), (tab, charts)
            violations = axe_violations(page)
            if violations:
                found.append(format_violations(violations, f"the dashboard's tab {tab!r}"))
        _no_exceptions(page)
        assert not found, "\n\n".join(found)
        assert problems.all() == []
