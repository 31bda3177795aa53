"""The matrix people read the source for, checked cell by cell on the page, the CSV, the Excel file
and the API against a table typed here from ../shared/seeds/003 (パートナーシップ校および参画部局一覧
and each partner's detail section), and the tier counts against the stated 9 + 7."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

# Typed from 003, in the source's order: partner key → (tier in phase 3, participating unit codes).
PRIMARY = {
    "princeton": [],  # ＊プリンストン共同研究教育プロジェクトとして活動 (no unit list)
    "pku": ["法", "工", "総文", "数理", "公共", "東文研"],
    "snu": ["法", "医", "工", "農", "総文", "数理", "学環", "公共", "生研"],
    "anu": ["工", "理", "経済", "総文", "公共", "地震", "大海研"],
    "cambridge": ["工", "人文", "薬", "数理", "公共", "生研", "先端研"],
    "ucb": ["工", "理", "総文", "教育", "数理", "社研", "IPMU"],
    "ethz": ["工", "理", "農", "情理", "素粒子"],
    "stockholm-group": ["医", "工", "農", "教育", "新領域", "先端研", "IRCN", "IFI", "高齢"],
    "tsinghua": ["工", "理", "総文", "新領域", "学環", "生研", "物性研", "先端研", "IRCN", "IFI", "産学"],
}
PROSPECTIVE = {
    "tum": ["工", "理", "情理", "学環"],
    "chile-mexico-group": ["工", "人文", "理", "農", "総文", "地震", "東文研", "社研", "生研"],
    "ytu": ["工", "学環", "病院", "生研", "IFI"],
    "vnu-hanoi": ["工", "理", "病院", "IFI"],
    "ntu-tw": ["医", "工", "理", "農", "数理", "情理", "大海研", "情基"],
    "uchicago": ["医", "経済", "薬", "公共", "医科研", "東文研", "宇宙線", "素粒子"],
    "paris-group": ["工", "総文", "数理", "情理", "生研", "先端研"],
}
EXPECTED = {key: ("primary", set(units)) for key, units in PRIMARY.items()} | {
    key: ("prospective", set(units)) for key, units in PROSPECTIVE.items()
}


def _page_cells(html: str) -> dict[str, tuple[str, set[str]]]:
    import re

    rows = re.findall(r'<tr data-partner="([^"]+)" data-tier="([^"]+)">(.*?)</tr>', html, re.S)
    return {key: (tier, set(re.findall(r'class="on" data-code="([^"]+)"', body))) for key, tier, body in rows}


@pytest.fixture
def partner_names(demo_loaded):
    from renkei.organisations.models import Organisation

    return {o.name_ja: o.key for o in Organisation.objects.filter(key__in=EXPECTED)}


def test_the_page_matches_the_source_cell_by_cell(client, demo_loaded) -> None:
    response = client.get("/partnerships/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _page_cells(html) == EXPECTED
    assert 'data-count="primary">9<' in html
    assert 'data-count="prospective">7<' in html
    # unit codes carry their full names (hover) and appear in the legend
    assert '<abbr title="農学生命科学研究科">農</abbr>' in html
    assert "ニューロインテリジェンス国際研究機構" in html or "IRCN" in html


def test_the_csv_matches_the_source_cell_by_cell(client, demo_loaded, partner_names) -> None:
    response = client.get("/partnerships/matrix/download/", {"format": "csv"})
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body, totals = rows[0], rows[1:-1], rows[-1]
    codes = header[3:-1]
    found = {}
    for row in body:
        units = {code for code, cell in zip(codes, row[3:-1], strict=True) if cell == "1"}
        assert int(row[-1]) == len(units)
        found[partner_names[row[0]]] = units
    assert found == {key: units for key, (_tier, units) in EXPECTED.items()}
    for code, total in zip(codes, totals[3:-1], strict=True):
        assert int(total) == sum(code in units for _tier, units in EXPECTED.values())
    assert int(totals[-1]) == sum(len(units) for _tier, units in EXPECTED.values())


def test_the_excel_file_matches_the_csv(client, demo_loaded) -> None:
    as_csv = list(
        csv.reader(
            io.StringIO(
                client.get("/partnerships/matrix/download/", {"format": "csv"}).content.decode("utf-8-sig")
            )
        )
    )
    book = load_workbook(io.BytesIO(client.get("/partnerships/matrix/download/", {"format": "xlsx"}).content))
    as_xlsx = [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]
    assert as_xlsx == as_csv


def test_the_api_matches_the_source_cell_by_cell(client, demo_loaded) -> None:
    data = client.get("/api/v1/partnerships/matrix").json()
    assert data["phase"]["number"] == 3
    assert (data["phase"]["stated_primary"], data["phase"]["stated_prospective"]) == (9, 7)
    assert data["tier_counts"] == {"primary": 9, "prospective": 7}
    found = {p["partner"]: (p["tier"], set(p["units"])) for p in data["partners"]}
    assert found == EXPECTED
    ntu = next(p for p in data["partners"] if p["partner"] == "ntu-tw")
    assert ntu["lead_unit"] == "農"
    totals = {u["code"]: u["total"] for u in data["units"]}
    assert totals == {
        code: sum(code in units for _tier, units in EXPECTED.values())
        for code in set().union(*(units for _tier, units in EXPECTED.values()))
    }
    assert totals["工"] == 14  # every team but Princeton's (no units) and Chicago's


@pytest.mark.parametrize(("tier", "count"), [("primary", 9), ("prospective", 7)])
def test_filtering_by_tier(client, demo_loaded, tier, count) -> None:
    html = client.get("/partnerships/", {"tier": tier, "phase": 3}).content.decode()
    cells = _page_cells(html)
    assert len(cells) == count
    assert {t for t, _units in cells.values()} == {tier}
    api = client.get("/api/v1/partnerships/matrix", {"tier": tier}).json()
    assert len(api["partners"]) == count


def test_the_phases_keep_the_stated_counts(client, demo_loaded) -> None:
    from renkei.partnerships.models import Phase

    stated = {
        p.number: (p.stated_partners, p.stated_primary, p.stated_prospective) for p in Phase.objects.all()
    }
    assert stated == {1: (26, None, None), 2: (19, 10, 9), 3: (16, 9, 7)}
    # phases without tiers in the source show no invented partners
    html = client.get("/partnerships/", {"phase": 1}).content.decode()
    assert _page_cells(html) == {}
    assert "26の海外大学" in html
    # and say why the table is empty, in both languages
    assert "出典は第1期のパートナー校数を 26 校と記載していますが、校名を挙げていないため" in html
    english = client.get("/en/partnerships/", {"phase": 2}).content.decode()
    assert "The source states 19 partner universities for Phase 2 but does not name them" in english


def test_bad_filters_are_refused_in_both_languages(client, demo_loaded) -> None:
    assert client.get("/partnerships/", {"tier": "gold"}).status_code == 400
    response = client.get("/api/v1/partnerships/matrix", {"phase": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "phase"
