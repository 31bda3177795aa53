"""The page reader of the functional tests (tests/support/html.py): what it returns is what a reader sees."""

from __future__ import annotations

from support.html import rows, texts

PAGE = """<h1>見出し <small>小</small></h1>
<ul><li class="card program-card"><h3><a href="/a">講座<br>A</a></h3></li>
<li class="card"><h3>講座 B</h3><div><div>入れ子</div>後</div></li></ul>
<p class="small">一<br/>二</p><p class="lead small">三</p><p class="smaller">四</p>
<table><thead><tr><th>見出し</th></tr></thead>
<tbody><tr><td>1</td><td><a>x</a> <span>y</span></td></tr><tr><td></td></tr></tbody></table>"""


def test_texts_by_tag_in_page_order_with_nested_markup_and_line_breaks() -> None:
    assert texts(PAGE, "h1") == ["見出し 小"]
    assert texts(PAGE, "h3") == ["講座 A", "講座 B"]
    assert texts(PAGE, "div") == ["入れ子後", "入れ子"]  # nested: the outer one ends at its own end tag


def test_texts_by_one_class_among_several() -> None:
    assert texts(PAGE, "p", "small") == ["一 二", "三"]
    assert texts(PAGE, "li", "program-card") == ["講座 A"]
    assert texts(PAGE, "h2") == []


def test_rows_are_the_body_cells_only() -> None:
    assert rows(PAGE) == [["1", "x y"], [""]]
