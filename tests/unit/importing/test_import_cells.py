"""Cell parsers: what people type in Japanese spreadsheets, read into values (or refused in ja and en)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.importing import cells
from renkei.importing.problems import CellError
from renkei.organisations.importers import municipality_code, prefecture
from renkei.organisations.models import Organisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", 12000),
        ("12,000", 12000),
        ("¥12,000", 12000),
        ("￥１２，０００", 12000),
        ("12,000円", 12000),
        ("１２，０００円", 12000),
        ("１万２千円", 12000),
        ("1.5万円", 15000),
        ("3千円", 3000),
        ("無料", 0),
        ("0円", 0),
        ("12,000円（税込）", 12000),
        (5000, 5000),
        (5000.0, 5000),
    ],
)
def test_yen_amounts(text: object, expected: int) -> None:
    assert cells.yen()(text) == expected


@pytest.mark.parametrize("text", ["-500", "－500円", "abc", "12.5", "万円", "1万2千3百4十円"])
def test_yen_refuses_negative_fractional_and_garbage(text: str) -> None:
    with pytest.raises(CellError) as error:
        cells.yen()(text)
    assert error.value.message.ja
    assert error.value.message.en


def test_negative_fee_message_says_so_in_both_languages() -> None:
    with pytest.raises(CellError) as error:
        cells.yen()("-500")
    assert "負" in error.value.message.ja
    assert "negative" in error.value.message.en


@pytest.mark.parametrize(
    ("text", "expected"),
    [("○", True), ("〇", True), ("はい", True), ("yes", True), ("TRUE", True), ("1", True), ("ｙｅｓ", True),
     ("×", False), ("いいえ", False), ("no", False), ("false", False), ("0", False), (True, True), (0, False)],
)  # fmt: skip
def test_booleans(text: object, expected: bool) -> None:
    assert cells.boolean()(text) is expected


def test_boolean_refuses_other_words() -> None:
    with pytest.raises(CellError):
        cells.boolean()("maybe")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021/3/17", dt.date(2021, 3, 17)),
        ("２０２１／３／１７", dt.date(2021, 3, 17)),
        ("2021-03-17", dt.date(2021, 3, 17)),
        ("令和3年3月17日", dt.date(2021, 3, 17)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("R3.3.17", dt.date(2021, 3, 17)),
        ("20210317", dt.date(2021, 3, 17)),
        (20210317, dt.date(2021, 3, 17)),
        (dt.datetime(2021, 3, 17, 0, 0), dt.date(2021, 3, 17)),
    ],
)
def test_dates(text: object, expected: dt.date) -> None:
    assert cells.date()(text) == expected


@pytest.mark.parametrize("text", ["令和元年4月30日", "2021/2/30", "平成32年1月1日", "3月17日", "yesterday"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(CellError) as error:
        cells.date()(text)
    assert error.value.message.ja != error.value.message.en


def test_integers_accept_full_width_digits_and_commas() -> None:
    assert cells.integer(min_value=0)("１，２３４") == 1234
    with pytest.raises(CellError):
        cells.integer(min_value=0)("-1")
    with pytest.raises(CellError):
        cells.integer()("12.5")


def test_decimals_are_quantized_and_bounded() -> None:
    parse = cells.decimal(max_digits=9, decimal_places=6, min_value=Decimal(-90), max_value=Decimal(90))
    assert parse("３８．２５５") == Decimal("38.255000")
    assert parse(38.255) == Decimal("38.255000")
    with pytest.raises(CellError):
        parse("91")


def test_lists_split_on_semicolons_and_ideographic_commas() -> None:
    parse = cells.string_list()
    assert parse("a; b；c、d\ne") == ["a", "b", "c", "d", "e"]
    assert parse("a;a; ;b") == ["a", "b"]


def test_choices_accept_value_label_and_full_width() -> None:
    parse = cells.choice(Organisation.Kind.choices)
    assert parse("university") == "university"
    assert parse("ＵＮＩＶＥＲＳＩＴＹ") == "university"
    assert parse("junior college") == "junior_college"
    assert parse("junior-college") == "junior_college"
    with pytest.raises(CellError) as error:
        parse("castle")
    assert "university" in error.value.message.en
    assert "使える値" in error.value.message.ja


def test_prefectures_by_code_number_and_name() -> None:
    parse = prefecture()
    assert (
        parse("06") == parse("6") == parse("山形県") == parse("山形") == parse("Yamagata") == parse(6) == "06"
    )
    assert parse("東京都") == parse("東京") == "13"
    assert parse("北海道") == "01"


def test_municipality_codes() -> None:
    parse = municipality_code()
    assert parse("06201") == parse("062014") == parse("6201") == parse(6201) == parse("０６２０１") == "06201"
    with pytest.raises(CellError):
        parse("62")


def test_keys_are_lower_case_and_restricted() -> None:
    parse = cells.key()
    assert parse("Tohoku-U") == "tohoku-u"
    assert parse("ｔｏｈｏｋｕ－ｕ．ｅｎｇ") == "tohoku-u.eng"
    with pytest.raises(CellError):
        parse("東北大学")
    with pytest.raises(CellError):
        parse("a b")


def test_free_text_is_kept_as_written() -> None:
    assert cells.text()("髙橋①ｶﾀｶﾅ\r\n2行目") == "髙橋①ｶﾀｶﾅ\n2行目"
    with pytest.raises(CellError):
        cells.text(max_length=3)("あいうえ")


def test_email_url_phone() -> None:
    assert cells.email()("ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ") == "info@example.jp"
    with pytest.raises(CellError):
        cells.email()("not an address")
    assert cells.url()("https://example.jp/a") == "https://example.jp/a"
    with pytest.raises(CellError):
        cells.url()("javascript:alert(1)")
    assert cells.phone()("０２３－６２８－４０００") == "023-628-4000"
    with pytest.raises(CellError):
        cells.phone()("call me")


FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(st.integers(min_value=0, max_value=100_000_000))
def test_yen_reads_every_way_of_writing_an_amount(amount: int) -> None:
    parse = cells.yen()
    written = f"{amount:,}"
    for text in (str(amount), written, f"{written}円", f"¥{written}", f"￥{written}".translate(FULL_WIDTH),
                 f"{written}円".translate(FULL_WIDTH)):  # fmt: skip
        assert parse(text) == amount


@given(st.dates(min_value=dt.date(1989, 1, 8), max_value=dt.date(2099, 12, 31)))
def test_dates_read_back_in_every_format_we_write(day: dt.date) -> None:
    from renkei.core.jdates import format_date_ja

    parse = cells.date()
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        format_date_ja(day),
        day.strftime("%Y%m%d"),
    ):
        assert parse(text) == day
