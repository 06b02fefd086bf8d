"""The group report, a provisional one, a score sheet and the PDF, opened for real: Chromium
loads them offline with no console error and draws every chart; the PDF is turned into page
images (pdftoppm) and its text read (pdftotext)."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image, ImageStat

from flows.config import paths
from tests.browser.conftest import rendered_svgs, watched_page

COMPLETE = "iaow-2013-violent-offending"
IN_PROGRESS = "iaow-2014-protecting-children"
OUTCOMES = 5


@pytest.fixture(scope="module")
def reports(demo_home):
    return paths().reports


def test_group_report_opens_offline_with_every_chart_drawn(browser, reports, tmp_path):
    with watched_page(browser) as (page, problems):
        page.goto((reports / COMPLETE / "index.html").as_uri())
        page.wait_for_load_state("load")
        svgs = rendered_svgs(page)
        # an interval chart and a funnel plot per outcome, the heat map, the survey's bar charts
        assert page.locator("svg.interval-chart").count() == OUTCOMES
        assert page.locator("svg.funnel-plot").count() == OUTCOMES
        assert page.locator("svg.heat-map").count() == 1
        assert page.locator("svg.share-bars").count() >= 3
        assert all(s["width"] > 100 and s["height"] > 50 and s["children"] > 10 for s in svgs), svgs
        assert page.locator(".banner.synthetic").is_visible()
        assert page.locator(".banner.provisional").count() == 0
        assert page.get_by_role("heading", name="Strongest and weakest areas of practice").is_visible()
        # the heat map has one coloured cell per area and question, with its numbers on hover
        titles = page.locator("svg.heat-map rect title").all_text_contents()
        assert any(t.startswith("Hampshire, q1.1.1: ") and "relevant cases" in t for t in titles)
        # a CSV download gives exactly the table written beside the report
        with page.expect_download() as download:
            page.get_by_role("link", name="headline_scores.csv").click()
        saved = tmp_path / "headline_scores.csv"
        download.value.save_as(saved)
        assert saved.read_bytes() == (reports / COMPLETE / "tables" / "headline_scores.csv").read_bytes()
        assert problems.all() == []


def test_group_in_progress_is_marked_provisional_in_the_browser(browser, reports):
    with watched_page(browser) as (page, problems):
        page.goto((reports / IN_PROGRESS / "index.html").as_uri())
        banner = page.locator(".banner.provisional")
        assert banner.is_visible()
        assert "4 of 6 inspections" in banner.inner_text()
        assert all(s["width"] > 0 and s["height"] > 0 for s in rendered_svgs(page))
        assert problems.all() == []


def test_score_sheet_opens_and_links_to_its_group_report(browser, reports):
    with watched_page(browser) as (page, problems):
        page.goto((reports / "inspections" / "hampshire-2013.html").as_uri())
        assert page.get_by_role("heading", name="Hampshire: score sheet").is_visible()
        assert page.locator("svg.interval-chart").bounding_box()["height"] > 50
        page.get_by_role("link", name="Violent offending").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("heading", name="Violent offending: aggregate report").is_visible()
        assert problems.all() == []


@pytest.mark.parametrize("group_id", [COMPLETE, IN_PROGRESS])
def test_pdf_pages_render_and_carry_the_report(reports, tmp_path, group_id):
    pdf = reports / group_id / "report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 8 <= pages <= 60
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:  # every page has something on it
        assert ImageStat.Stat(Image.open(image).convert("L")).stddev[0] > 5, f"{image.name} is blank"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("aggregate report", "Synthetic data", "Headline scores", "Funnel plots", "Question scores",
                     "Strongest", "Offender survey", "Victim questionnaire", "Context", "Methodology and data quality"):
        assert expected in text, f"{pdf.name} lacks {expected!r}"
    assert ("Provisional" in text) == (group_id == IN_PROGRESS)
    assert "Hampshire" in text if group_id == COMPLETE else "London" in text
