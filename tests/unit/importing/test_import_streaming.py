"""A CSV's rows are read a second time from the bytes, a piece at a time, so that the whole decoded text
is not kept while the plan is made. The pieces must make exactly the decoded text, and the rows must be
those of the whole text read at once, whatever the encoding, byte-order marks and line ends, and wherever
a piece ends (inside a character, a line or a quoted cell)."""

from __future__ import annotations

import codecs
import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.importing.decoding import decode
from renkei.importing.readers import _lines, open_table

TEXT = (
    'key,name_ja,note\r\na,髙橋①ｶﾀｶﾅ大学,"改行を\r\n含む、セル"\r\nb,東北大学,𠮷野家\r\nc,"""引用""",ー\r\n'
)
BOM8, BOM16 = "\ufeff".encode(), codecs.BOM_UTF16_LE

# (bytes, encoding stated or None)
FILES = {
    "utf-8": (TEXT.encode(), None),
    "utf-8 with BOM": (BOM8 + TEXT.encode(), None),
    "utf-8 with two BOMs": (BOM8 + BOM8 + TEXT.encode(), None),
    "utf-8 stated, with three BOMs": (BOM8 * 3 + TEXT.encode(), "utf-8"),
    "cp932": (TEXT.replace("𠮷", "吉").encode("cp932"), None),
    "cp932 stated": (TEXT.replace("𠮷", "吉").encode("cp932"), "Shift_JIS"),
    "euc-jp stated": (
        TEXT.replace("𠮷", "吉").replace("①", "1").replace("髙", "高").encode("euc_jp"),
        "EUC-JP",
    ),
    "utf-16 with BOM": (TEXT.encode("utf-16"), None),
    "utf-16 stated, no BOM": (TEXT.encode("utf-16-le"), "utf-16"),
    "utf-16 stated, BOM twice": (BOM16 + ("\ufeff" + TEXT).encode("utf-16-le"), "utf-16"),
    "classic Mac line ends": (TEXT.replace("\r\n", "\r").encode(), None),
    "Unix line ends, no final one": (TEXT.replace("\r\n", "\n").rstrip("\n").encode(), None),
    "tab separated": (TEXT.replace(",", "\t").encode(), None),
}


def whole_text_rows(data: bytes, encoding: str | None) -> list[list[str]]:
    """The straightforward reading: the whole decoded text, split at its line ends, through csv."""
    text = decode(data, encoding).text.removeprefix("\ufeff")
    end = "\n" if "\n" in text or "\r" not in text else "\r"
    lines = [line + end for line in text.split(end)]
    lines[-1] = lines[-1][:-1]
    delimiter = "\t" if "\t" in text.split(end)[0] else ","
    return [row for row in csv.reader([line for line in lines if line], delimiter=delimiter) if row]


@pytest.mark.parametrize("name", FILES)
def test_pieces_make_the_decoded_text(name: str) -> None:
    data, encoding = FILES[name]
    decoded = decode(data, encoding)
    for size in (1, 2, 3, 5, 7, 64, 1 << 20):
        assert "".join(decoded.chunks(data, size)) == decoded.text, size


@pytest.mark.parametrize("name", FILES)
def test_rows_are_those_of_the_whole_text(name: str) -> None:
    data, encoding = FILES[name]
    table = open_table(data, filename="t.csv", encoding=encoding)
    rows = [table.header] + [cells for _number, cells in table.rows]
    assert [[c for c in row if c] for row in rows if any(row)] == [
        [c for c in row if c] for row in whole_text_rows(data, encoding)
    ]
    assert len(rows) == 4


def test_a_file_over_one_piece_is_read_whole() -> None:
    # given: 2.6 MB of Japanese in UTF-16 (two bytes a character: pieces end inside lines and cells)
    lines = ["key,name_ja,note\r\n"] + [
        f'k{i},大学{i},"セル\r\n{"あ" * (i % 97)}"\r\n' for i in range(20_000)
    ]
    data = "".join(lines).encode("utf-16")
    assert len(data) > 2 * (1 << 20)
    # when
    table = open_table(data, filename="t.csv")
    rows = list(table.rows)
    # then
    assert table.total == len(rows) == 20_000
    assert rows[-1] == (20_001, ["k19999", "大学19999", "セル\r\n" + "あ" * (19999 % 97)])
    assert all(cells[0] == f"k{n - 2}" for n, cells in rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="ab\n\r,あ", max_size=8), max_size=12), st.sampled_from(["\n", "\r"]))
def test_lines_of_pieces_are_the_lines_of_the_text(pieces: list[str], end: str) -> None:
    text = "".join(pieces)
    expected, start = [], 0
    while start < len(text):
        stop = text.find(end, start)
        stop = len(text) if stop == -1 else stop + 1
        expected.append(text[start:stop])
        start = stop
    assert list(_lines(pieces, end)) == expected
    assert list(_lines([text], end)) == expected
