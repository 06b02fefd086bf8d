"""The SVG charts: well-formed, one mark per row, withheld rows drawn as withheld, text escaped,
and every figure written on them rounded half up once from its exact value."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flows.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed markup
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0
    return root


def test_interval_chart_draws_a_dot_and_an_interval_per_scored_row():
    rows = [charts.IntervalRow("Kent <East>", 79, 0.72, 0.85, "within limits"), charts.IntervalRow("Essex", None, None, None)]
    root = parse(charts.interval_chart("Assisting sentencing", rows, 80, "group"))
    assert len(root.findall(f".//{SVG}circle")) == 1
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Kent <East>" in texts  # escaped in the markup, intact once parsed
    assert "79% (72-85)" in texts
    assert "no score (no relevant cases)" in texts
    assert "group 80%" in texts
    line = root.find(f".//{SVG}line[@stroke-width='2']")
    assert float(line.get("x1")) == 190 + 420 * 0.72 and float(line.get("x2")) == 190 + 420 * 0.85  # drawn at the exact ends


def test_interval_chart_rounds_each_end_once_half_up():
    # 0.72451 would read 73 rounded through 72.5; 0.625 would read 62 rounded half to even; 0.725 is
    # stored as 0.72499999999999997779..., so it reads 72 (100 * 0.725 is the float 72.5).
    rows = [charts.IntervalRow("A", 80, 0.72451, 0.625), charts.IntervalRow("B", 75, 0.725, 0.875)]
    texts = [t.text for t in parse(charts.interval_chart("Outcome", rows)).iter(f"{SVG}text")]
    assert "80% (72-63)" in texts and "75% (72-88)" in texts


def test_funnel_plot_places_points_by_precision_and_difference():
    points = [charts.FunnelPoint("Kent", 60, -0.11, 0.037, "below 99.8% limit"), charts.FunnelPoint("Essex", 85, 0.01, 0.025, "within limits")]
    root = parse(charts.funnel_plot("Outcome 1", points))
    circles = root.findall(f".//{SVG}circle")
    assert len(circles) == 2
    kent, essex = circles
    assert float(kent.get("cx")) < float(essex.get("cx"))  # less precise (smaller sample) further left
    assert float(kent.get("cy")) > float(essex.get("cy"))  # below
    assert kent.get("fill") == charts.POSITION_COLOURS["below 99.8% limit"]
    assert len(root.findall(f".//{SVG}path")) == 4  # 95% and 99.8% limits, above and below
    assert kent.find(f"{SVG}title").text == "Kent: -11.0 points, 60 cases, below 99.8% limit"
    assert essex.find(f"{SVG}title").text == "Essex: +1.0 points, 85 cases, within limits"


def test_funnel_plot_writes_differences_in_points_half_up():
    points = [charts.FunnelPoint("Kent", 60, -0.0125, 0.03, "within limits"), charts.FunnelPoint("Essex", 1234, -0.0004, 0.02, "within limits")]
    titles = [c.find(f"{SVG}title").text for c in parse(charts.funnel_plot("Outcome 1", points)).iter(f"{SVG}circle")]
    # -1.25 points is exactly -0.0125 * 100 only nearly: the double 0.0125 is 0.01250000000000000069..., so -1.3
    assert titles == ["Kent: -1.3 points, 60 cases, within limits", "Essex: +0.0 points, 1,234 cases, within limits"]


def test_funnel_plot_agrees_with_the_limits_at_the_exact_values():
    # an area just outside the 95% limit: |difference| > 1.96 x se, by less than the 0.1 points a rounded
    # difference would lose
    se = 0.03
    just_outside = charts.FunnelPoint("Kent", 60, charts.Z_95 * se + 0.0004, se, "above 95% limit")
    root = parse(charts.funnel_plot("Outcome 1", [just_outside, charts.FunnelPoint("Essex", 85, 0.0, 0.02, "within limits")]))
    circle = root.find(f".//{SVG}circle")
    assert circle.get("fill") == charts.POSITION_COLOURS["above 95% limit"]


def test_funnel_plot_without_comparisons_says_so():
    root = parse(charts.funnel_plot("Outcome 1", []))
    assert any("No comparison yet" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_heat_map_cells_and_small_samples():
    sections = [charts.HeatSection("1.1 Assessment", (charts.HeatRow("q1.1.1", "Was it done?", (charts.HeatCell(90, 40), charts.HeatCell(50, 4))),)),
                charts.HeatSection("2.1 Delivery", (charts.HeatRow("q2.1.1", "And this?", (charts.HeatCell(None, None), charts.HeatCell(0, 1234))),))]
    root = parse(charts.heat_map("Question scores", ["Kent", "A very long area name indeed"], sections))
    cell_titles = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert cell_titles == ["Kent, q1.1.1: 90% of 40 relevant cases", "A very long area name indeed, q1.1.1: 50% of 4 relevant cases",
                           "A very long area name indeed, q2.1.1: 0% of 1,234 relevant cases"]
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


def test_share_bars_write_shares_half_up_from_the_exact_share():
    # 5 of 40 = 0.125 reads 13% (half to even would say 12); 0.1147 reads 11% (through 11.5 it read 12)
    rows = [charts.ShareRow("Kent", (0.125, 0.1147, 0.7603), "n = 40")]
    root = parse(charts.share_bars("Involved in the plan?", ["yes", "no", "blank"], rows))
    titled = [r.find(f"{SVG}title").text for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert titled == ["Kent, yes: 13%", "Kent, no: 11%", "Kent, blank: 76%"]
    assert ["13", "11", "76"] == [t.text for t in root.iter(f"{SVG}text") if t.get("fill") == "#ffffff"]
