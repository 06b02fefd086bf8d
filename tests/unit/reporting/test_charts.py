"""The SVG charts: well-formed, one mark per row, withheld rows drawn as withheld, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flows import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed markup
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    return root


def test_interval_chart_draws_a_dot_and_an_interval_per_scored_row():
    rows = [charts.IntervalRow("Kent <East>", 79, 72, 85, "within limits"), charts.IntervalRow("Essex", None, None, None)]
    root = parse(charts.interval_chart("Assisting sentencing", rows, 80, "group"))
    assert len(root.findall(f".//{SVG}circle")) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Kent <East>" in texts  # escaped in the markup, intact once parsed
    assert "79% (72-85)" in texts
    assert "no score (no relevant cases)" in texts
    assert "group 80%" in texts


def test_funnel_plot_places_points_by_precision_and_difference():
    points = [charts.FunnelPoint("Kent", 60, -11.0, 3.7, "below 99.8% limit"), charts.FunnelPoint("Essex", 85, 1.0, 2.5, "within limits")]
    root = parse(charts.funnel_plot("Outcome 1", points))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 2
    kent, essex = circles
    assert float(kent.get("cx")) < float(essex.get("cx"))  # less precise (smaller sample) further left
    assert float(kent.get("cy")) > float(essex.get("cy"))  # below
    assert kent.get("fill") == charts.POSITION_COLOURS["below 99.8% limit"]
    assert len(root.findall(f".//{SVG}path")) == 4  # 95% and 99.8% limits, above and below


def test_funnel_plot_without_comparisons_says_so():
    root = parse(charts.funnel_plot("Outcome 1", []))
    assert any("No comparison yet" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_heat_map_cells_and_small_samples():
    sections = [charts.HeatSection("1.1 Assessment", (charts.HeatRow("q1.1.1", "Was it done?", (charts.HeatCell(90, 40), charts.HeatCell(50, 4))),)),
                charts.HeatSection("2.1 Delivery", (charts.HeatRow("q2.1.1", "And this?", (charts.HeatCell(None, None), charts.HeatCell(0, 12))),))]
    root = parse(charts.heat_map("Question scores", ["Kent", "A very long area name indeed"], sections))
    cell_titles = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert cell_titles == ["Kent, q1.1.1: 90% of 40 relevant cases", "A very long area name indeed, q1.1.1: 50% of 4 relevant cases",
                           "A very long area name indeed, q2.1.1: 0% of 12 relevant cases"]
    dashed = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(dashed) == 1  # only the cell with fewer than 10 relevant cases


def test_heat_colour_darkens_as_the_score_falls():
    def darkness(pct):
        fill, _ = charts.heat_colour(pct)
        return -sum(int(fill[i:i + 2], 16) for i in (1, 3, 5))
    assert darkness(0) > darkness(50) > darkness(100)
    assert charts.heat_colour(10)[1] == "#ffffff" and charts.heat_colour(90)[1] == charts.INK


def test_share_bars_draw_withheld_rows_without_numbers():
    rows = [charts.ShareRow("Kent", (0.5, 0.3, 0.2), "n = 120"), charts.ShareRow("Essex", None, "withheld: fewer than 10 respondents")]
    root = parse(charts.share_bars("Involved in the plan?", ["yes", "no", "blank"], rows))
    titled = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert titled == ["Kent, yes: 50%", "Kent, no: 30%", "Kent, blank: 20%"]
    assert "withheld: fewer than 10 respondents" in [t.text for t in root.iter(f"{SVG}text")]
