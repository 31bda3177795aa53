"""Table-driven tests for renkei.core.jdates (pure Python; runs with ``-p no:django``)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.jdates import (
    ERAS,
    Era,
    JapaneseDateError,
    era_for_date,
    era_year_for_fiscal_year,
    fiscal_year,
    fiscal_year_bounds,
    format_date_ja,
    format_fiscal_year,
    parse_date,
    parse_fiscal_year,
)

ERA = {e.letter: e for e in ERAS}


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (date(2024, 3, 31), 2023),
        (date(2024, 4, 1), 2024),
        (date(2024, 1, 1), 2023),
        (date(2023, 12, 31), 2023),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
        (date(1989, 1, 7), 1988),
        (date(1989, 1, 8), 1988),
    ],
)
def test_fiscal_year(d, fy):
    assert fiscal_year(d) == fy


@pytest.mark.parametrize(
    ("fy", "bounds"),
    [
        (2023, (date(2023, 4, 1), date(2024, 3, 31))),
        (2019, (date(2019, 4, 1), date(2020, 3, 31))),
        (1999, (date(1999, 4, 1), date(2000, 3, 31))),
    ],
)
def test_fiscal_year_bounds(fy, bounds):
    assert fiscal_year_bounds(fy) == bounds


@pytest.mark.parametrize(
    ("letter", "name_ja", "name_en", "start"),
    [
        ("M", "明治", "Meiji", date(1868, 10, 23)),
        ("T", "大正", "Taisho", date(1912, 7, 30)),
        ("S", "昭和", "Showa", date(1926, 12, 25)),
        ("H", "平成", "Heisei", date(1989, 1, 8)),
        ("R", "令和", "Reiwa", date(2019, 5, 1)),
    ],
)
def test_eras(letter, name_ja, name_en, start):
    assert ERA[letter] == Era(name_ja, name_en, letter, start)


def test_eras_are_ordered_and_frozen():
    assert [e.letter for e in ERAS] == ["M", "T", "S", "H", "R"]
    assert all(a.start < b.start for a, b in pairwise(ERAS))
    with pytest.raises(AttributeError):
        ERAS[0].letter = "X"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("d", "letter", "year"),
    [
        (date(1868, 10, 23), "M", 1),
        (date(1912, 7, 29), "M", 45),
        (date(1912, 7, 30), "T", 1),
        (date(1926, 12, 24), "T", 15),
        (date(1926, 12, 25), "S", 1),
        (date(1989, 1, 7), "S", 64),
        (date(1989, 1, 8), "H", 1),
        (date(2013, 4, 1), "H", 25),
        (date(2019, 4, 30), "H", 31),
        (date(2019, 5, 1), "R", 1),
        (date(2021, 3, 17), "R", 3),
        (date(2023, 4, 1), "R", 5),
    ],
)
def test_era_for_date(d, letter, year):
    assert era_for_date(d) == (ERA[letter], year)


def test_era_for_date_before_meiji():
    with pytest.raises(JapaneseDateError):
        era_for_date(date(1868, 10, 22))


@pytest.mark.parametrize(
    ("fy", "letter", "year"),
    [
        (1868, "M", 1),
        (1912, "T", 1),
        (1926, "S", 1),
        (1988, "S", 63),
        (1989, "H", 1),
        (2013, "H", 25),
        (2018, "H", 30),
        (2019, "R", 1),
        (2023, "R", 5),
    ],
)
def test_era_year_for_fiscal_year(fy, letter, year):
    assert era_year_for_fiscal_year(fy) == (ERA[letter], year)


def test_era_year_for_fiscal_year_before_meiji():
    with pytest.raises(JapaneseDateError):
        era_year_for_fiscal_year(1867)


@pytest.mark.parametrize(
    ("fy", "style", "expected"),
    [
        (2023, "ja", "令和5年度"),
        (2019, "ja", "令和元年度"),
        (2018, "ja", "平成30年度"),
        (2013, "ja", "平成25年度"),
        (1989, "ja", "平成元年度"),
        (1988, "ja", "昭和63年度"),
        (2023, "ja_digits", "令和5年度"),
        (2019, "ja_digits", "令和1年度"),
        (1989, "ja_digits", "平成1年度"),
        (2023, "short", "R5"),
        (2013, "short", "H25"),
        (2019, "short", "R1"),
        (1988, "short", "S63"),
        (2023, "en", "FY2023"),
        (2019, "en", "FY2019"),
        (2023, "ja_western", "2023年度"),
    ],
)
def test_format_fiscal_year(fy, style, expected):
    assert format_fiscal_year(fy, style=style) == expected


def test_format_fiscal_year_default_style_is_ja():
    assert format_fiscal_year(2019) == "令和元年度"


def test_format_fiscal_year_unknown_style():
    with pytest.raises(ValueError, match="bogus"):
        format_fiscal_year(2023, style="bogus")


@pytest.mark.parametrize(
    ("d", "era", "expected"),
    [
        (date(2021, 3, 17), True, "令和3年3月17日"),
        (date(2019, 5, 1), True, "令和元年5月1日"),
        (date(2019, 4, 30), True, "平成31年4月30日"),
        (date(1989, 1, 8), True, "平成元年1月8日"),
        (date(1989, 1, 7), True, "昭和64年1月7日"),
        (date(2013, 4, 1), True, "平成25年4月1日"),
        (date(2021, 3, 17), False, "2021年3月17日"),
        (date(2019, 5, 1), False, "2019年5月1日"),
    ],
)
def test_format_date_ja(d, era, expected):
    assert format_date_ja(d, era=era) == expected


PARSE_DATE_CASES = [
    ("令和3年3月17日", date(2021, 3, 17)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("令和1年5月1日", date(2019, 5, 1)),
    ("令和３年３月１７日", date(2021, 3, 17)),
    ("令和 3 年 3 月 17 日", date(2021, 3, 17)),
    ("　令和３年　３月１７日　", date(2021, 3, 17)),
    ("平成25年4月1日", date(2013, 4, 1)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("平成元年1月8日", date(1989, 1, 8)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("㍻25年4月1日", date(2013, 4, 1)),
    ("R3.3.17", date(2021, 3, 17)),
    ("R3/3/17", date(2021, 3, 17)),
    ("R3-3-17", date(2021, 3, 17)),
    ("r3.03.17", date(2021, 3, 17)),
    ("Ｒ３．３．１７", date(2021, 3, 17)),
    ("H25.4.1", date(2013, 4, 1)),
    ("S63.12.31", date(1988, 12, 31)),
    ("2021/3/17", date(2021, 3, 17)),
    ("２０２１／３／１７", date(2021, 3, 17)),
    ("2021-03-17", date(2021, 3, 17)),
    ("2021.3.17", date(2021, 3, 17)),
    ("2021年3月17日", date(2021, 3, 17)),
    ("20210317", date(2021, 3, 17)),
    (" 2024/2/29 ", date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_DATE_CASES)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "xx",
        "",
        "   ",
        "令和3年3月",
        "R3.3/17",
        "2021/03-17",
        "2021317",
        "X3.3.17",
        "令和3年3月17",
        "2021年3月17",
        "令和元年4月30日",  # before Reiwa started
        "平成31年5月1日",  # after Heisei ended
        "平成32年1月1日",  # beyond Heisei's last year
        "昭和64年1月8日",
        "令和0年5月1日",
        "R1.4.30",
        "2021/2/30",
        "2023/2/29",
        "2021/13/1",
        "20210230",
        "00000101",
        "令和3年2月30日",
    ],
)
def test_parse_date_rejects(text):
    with pytest.raises(JapaneseDateError):
        parse_date(text)


def test_error_messages():
    with pytest.raises(ValueError, match="Not a recognisable date") as excinfo:
        parse_date("xx")
    err = excinfo.value
    assert err.message_ja == "日付として読み取れません: 'xx'"
    assert err.message_en == "Not a recognisable date: 'xx'"
    assert str(err) == "日付として読み取れません: 'xx' / Not a recognisable date: 'xx'"


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和5年度", 2023),
        ("令和元年度", 2019),
        ("令和1年度", 2019),
        ("平成25年度", 2013),
        ("平成元年度", 1989),
        ("平成31年度", 2019),  # label used for FY2019 before the era change
        ("昭和63年度", 1988),
        ("R5", 2023),
        ("R1", 2019),
        ("H25", 2013),
        ("r5", 2023),
        ("R5年度", 2023),
        ("FY2023", 2023),
        ("fy2023", 2023),
        ("2023年度", 2023),
        ("2023", 2023),
        ("令和５年度", 2023),
        ("Ｒ５", 2023),
        ("ＦＹ２０２３", 2023),
        ("２０２３年度", 2023),
        ("２０２３", 2023),
        (" 令和 5 年度 ", 2023),
    ],
)
def test_parse_fiscal_year(text, fy):
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    "text",
    ["", "xx", "令和5年", "令和0年度", "平成32年度", "昭和64年度", "R0", "FY23", "23", "20231", "X5"],
)
def test_parse_fiscal_year_rejects(text):
    with pytest.raises(JapaneseDateError):
        parse_fiscal_year(text)


@pytest.mark.parametrize("fy", [1868, 1912, 1926, 1988, 1989, 2013, 2018, 2019, 2023, 2099])
@pytest.mark.parametrize("style", ["ja", "ja_digits", "short", "en", "ja_western"])
def test_fiscal_year_round_trip(fy, style):
    assert parse_fiscal_year(format_fiscal_year(fy, style=style)) == fy


@pytest.mark.parametrize(
    "d",
    [
        date(1868, 10, 23),
        date(1912, 7, 29),
        date(1912, 7, 30),
        date(1926, 12, 24),
        date(1926, 12, 25),
        date(1989, 1, 7),
        date(1989, 1, 8),
        date(2019, 4, 30),
        date(2019, 5, 1),
        date(2024, 2, 29),
    ],
)
def test_date_round_trip_at_era_boundaries(d):
    assert parse_date(format_date_ja(d)) == d
    assert parse_date(format_date_ja(d, era=False)) == d


dates = st.dates(min_value=date(1989, 1, 8), max_value=date(2099, 12, 31))


@given(dates)
def test_property_format_parse_round_trip(d):
    assert parse_date(format_date_ja(d)) == d
    assert parse_date(format_date_ja(d, era=False)) == d
    era, year = era_for_date(d)
    assert parse_date(f"{era.letter}{year}.{d.month}.{d.day}") == d
    assert parse_date(d.strftime("%Y%m%d")) == d


@given(dates)
def test_property_fiscal_year_within_bounds(d):
    first, last = fiscal_year_bounds(fiscal_year(d))
    assert first <= d <= last
    assert last - first in (timedelta(days=364), timedelta(days=365))
    assert parse_fiscal_year(format_fiscal_year(fiscal_year(d))) == fiscal_year(d)
