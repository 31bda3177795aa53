"""Server-side SVG charts (renkei.core.charts): well-formed, proportional, honest about missing values,
escaped, and printed by templates as markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template

from renkei.core import charts
from renkei.core.charts import Series, Target

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 1.0),
        (-3, 1.0),
        (1, 1.0),
        (7, 10.0),
        (11, 20.0),
        (21, 25.0),
        (3548, 5000.0),
        (0.3, 0.5),
        (100, 100.0),
    ],
)
def test_nice_ceiling(value: float, expected: float) -> None:
    assert charts.nice_ceiling(value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3548, "3,548"), (2.5, "2.5"), (0.126, "0.13"), (1000000.0, "1,000,000"), (0, "0")],
)
def test_format_number(value: float, expected: str) -> None:
    assert charts.format_number(value) == expected


def test_full_width_characters_count_as_one_em() -> None:
    assert charts.text_width("データ") == pytest.approx(3 * charts.FONT_SIZE)
    assert charts.text_width("AB") == pytest.approx(2 * 0.6 * charts.FONT_SIZE)


def test_bars_are_proportional_to_their_values_and_skip_missing_ones() -> None:
    svg = charts.bars(
        ["データ分析", "看護"],
        [Series("需要", [40, 10]), Series("供給", [20, None])],
        title="需要と供給",
        unit="人",
    )
    root = parse(svg)
    widths = [
        float(rect.get("width", "0"))
        for rect in root.findall("svg:rect", NS)
        if rect.find("svg:title", NS) is not None
    ]
    assert len(widths) == 3  # the missing value draws no bar
    assert widths[0] == pytest.approx(2 * widths[1])  # 40 vs 20
    assert widths[0] == pytest.approx(4 * widths[2])  # 40 vs 10
    assert root.find("svg:title", NS).text == "需要と供給"
    assert "データ分析 40人" in root.find("svg:desc", NS).text


def test_lines_break_at_a_missing_year_bridged_by_a_dashed_line_and_draw_targets() -> None:
    svg = charts.lines(
        ["FY2013", "FY2014", "FY2015", "FY2016"],
        [Series("留学生数", [2048, None, 2500, 3000])],
        title="外国人留学生数",
        targets=[Target("FY2016", 3500, "R5目標")],
    )
    root = parse(svg)
    polylines = root.findall("svg:polyline", NS)
    assert len(polylines) == 1  # FY2013 stands alone; FY2015–FY2016 is the one line
    assert len(polylines[0].get("points", "").split()) == 2
    # FY2013 and FY2015 are joined by a dashed line over the missing FY2014 (no dot there)
    (gap,) = [line for line in root.findall("svg:line", NS) if line.get("class") == "chart-gap"]
    assert gap.get("stroke-dasharray")
    circles = root.findall("svg:circle", NS)
    assert (gap.get("x1"), gap.get("x2")) == (circles[0].get("cx"), circles[1].get("cx"))
    assert (gap.get("y1"), gap.get("y2")) == (circles[0].get("cy"), circles[1].get("cy"))
    assert len(root.findall("svg:circle", NS)) == 3
    diamond = root.find("svg:path", NS)
    assert diamond is not None
    assert "R5目標: 3,500" in diamond.find("svg:title", NS).text
    circles = root.findall("svg:circle", NS)
    assert float(circles[0].get("cy", "0")) > float(circles[2].get("cy", "0"))  # higher value drawn higher


def test_heat_map_prints_each_value_and_leaves_none_blank() -> None:
    svg = charts.heat_map(["製造業", "医療"], ["小", "大"], [[3, None], [0, 12]], title="セグメント")
    root = parse(svg)
    printed = [text.text for text in root.findall("svg:text", NS) if text.get("class") == "chart-value"]
    assert printed == ["3", None, "0", "12"]


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.bars([], [], title="t", empty="データがありません"),
        lambda: charts.lines(["FY2020"], [Series("a", [None])], title="t", empty="データがありません"),
        lambda: charts.heat_map(["a"], ["b"], [[None]], title="t", empty="データがありません"),
    ],
)
def test_no_data_says_so(chart: object) -> None:
    root = parse(chart())
    assert [text.text for text in root.findall("svg:text", NS)] == ["データがありません"]


def test_labels_are_escaped() -> None:
    svg = charts.bars(['<script>"x"</script>'], [Series("a&b", [1])], title="<t>")
    root = parse(svg)  # well-formed only if everything was escaped
    assert root.find("svg:title", NS).text == "<t>"
    assert "<script>" not in svg


def test_templates_print_a_chart_as_markup_and_other_strings_escaped() -> None:
    svg = charts.bars(["a"], [Series("s", [1])], title="t")
    rendered = Template("{{ chart }}|{{ text }}").render(Context({"chart": svg, "text": "<b>"}))
    assert rendered.startswith("<svg ")
    assert rendered.endswith("|&lt;b&gt;")


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(40, [0, 10, 20, 30, 40]), (3548, [0, 1000, 2000, 3000, 4000]), (7, [0, 2, 4, 6, 8]), (0, [0, 1.0])],
)
def test_gridlines_step_by_round_numbers(maximum: float, expected: list[float]) -> None:
    assert charts._ticks(maximum) == pytest.approx(expected)
