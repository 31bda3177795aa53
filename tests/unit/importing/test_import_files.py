"""Reading files: the encoding ladder, the .xlsx pre-check, and the readers."""

from __future__ import annotations

import codecs
import io
import time
import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.import_files import csv_bytes, rezip, with_cells, with_dimension, xlsx_bytes

from renkei.importing import ImportRejected, Limits
from renkei.importing.decoding import decode
from renkei.importing.readers import open_table
from renkei.importing.xlsx_formulas import FormulaResult
from renkei.importing.xlsx_guard import check_xlsx

JAPANESE = [["key", "name_ja"], ["a", "髙橋①ｶﾀｶﾅ大学"], ["b", "東北大学"]]


def codes(exc: pytest.ExceptionInfo[ImportRejected]) -> set[str]:
    return {p.code for p in exc.value.problems}


# --- the encoding ladder ------------------------------------------------------------------------------


def test_utf8_with_and_without_bom() -> None:
    plain = csv_bytes(JAPANESE)
    assert decode(plain).encoding == "utf-8"
    assert decode(codecs.BOM_UTF8 + plain).text == plain.decode()
    assert decode(codecs.BOM_UTF8 + plain).encoding == "utf-8-sig"


def test_cp932_with_nec_and_ibm_extensions_and_half_width_kana() -> None:
    # given: a file as Excel saves it in Japan (shift_jis cannot even encode 髙)
    data = csv_bytes(JAPANESE, encoding="cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("shift_jis")
    # then
    decoded = decode(data)
    assert decoded.encoding == "cp932"
    assert "髙橋①ｶﾀｶﾅ大学" in decoded.text


def test_euc_jp_is_refused_with_a_request_for_the_encoding() -> None:
    data = csv_bytes([["key", "name_ja"], ["a", "東北大学工学部"], ["b", "山形大学"]], encoding="euc_jp")
    with pytest.raises(ImportRejected) as exc:
        decode(data)
    problem = next(iter(exc.value.problems))
    assert "文字コード" in problem.text("ja")
    assert "encoding" in problem.text("en")
    # and stating it works
    assert "東北大学工学部" in decode(data, "EUC-JP").text


def test_euc_jp_that_also_reads_as_cp932_is_ambiguous() -> None:
    # 「ﾃｽﾄ」 in CP932 is C3 BD C4; these bytes are also valid EUC-JP, as is everything else here
    data = "key,name\r\na,ｱｲ\r\n".encode("cp932")
    data.decode("euc_jp")
    with pytest.raises(ImportRejected) as exc:
        decode(data)
    assert "ambiguous" in next(iter(exc.value.problems)).text("en")
    assert decode(data, "cp932").text.endswith("ｱｲ\r\n")


def test_invalid_in_both_utf8_and_cp932() -> None:
    data = b"key,name\r\na,\xff\xfe\xfd\x80\r\n"
    with pytest.raises(ImportRejected) as exc:
        decode(data)
    assert codes(exc) == {"encoding"}
    assert "2行目" in next(iter(exc.value.problems)).text("ja")


def test_utf16_with_bom_is_decoded_explicitly() -> None:
    text = "key\tname_ja\r\na\t東北大学\r\n"
    assert decode(text.encode("utf-16")).text == text
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be")).text == text


def test_utf16_without_bom_and_nul_bytes_are_refused() -> None:
    with pytest.raises(ImportRejected) as exc:
        decode("key,name\r\na,東北\r\n".encode("utf-16-le"))
    assert codes(exc) == {"nul"}
    with pytest.raises(ImportRejected):
        decode(b"key,name\r\na,b\x00c\r\n")
    assert "UTF-16" in next(iter(exc.value.problems)).text("en")


def test_stated_encoding_is_strict_and_shift_jis_means_cp932() -> None:
    data = csv_bytes(JAPANESE, encoding="cp932")
    assert decode(data, "Shift_JIS").encoding == "cp932"
    with pytest.raises(ImportRejected):
        decode(data, "utf-8")
    with pytest.raises(ImportRejected):
        decode(data, "klingon")


# --- the .xlsx pre-check ----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_its_declared_size_in_milliseconds() -> None:
    # given: a small upload declaring 60 MB of sheet XML
    bomb = rezip(xlsx_bytes(JAPANESE), add={"xl/worksheets/sheet2.xml": b" " * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    # when
    started = time.perf_counter()
    with pytest.raises(ImportRejected) as exc:
        check_xlsx(bomb, Limits())
    elapsed = time.perf_counter() - started
    # then
    assert codes(exc) == {"xlsx_size"}
    assert elapsed < 0.1


def test_declared_size_and_entry_limits_are_settable(settings: object) -> None:
    data = xlsx_bytes(JAPANESE)
    check_xlsx(data, Limits())
    with pytest.raises(ImportRejected):
        check_xlsx(data, Limits(xlsx_max_uncompressed_bytes=1000))
    with pytest.raises(ImportRejected) as exc:
        check_xlsx(data, Limits(xlsx_max_entries=3))
    assert codes(exc) == {"xlsx_entries"}


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True
    from openpyxl.xml import functions

    assert functions.iterparse.__module__.startswith("defusedxml")


def test_xlsx_table_reads_typed_cells() -> None:
    table = open_table(xlsx_bytes([["key", "n"], ["a", 12], [None, None], ["b", "x"]]), filename="t.xlsx")
    assert table.format == "xlsx"
    assert table.header == ["key", "n"]
    assert [r for _n, r in table.rows] == [["a", 12], [], ["b", "x"]]  # rows end at their last cell


def numbered_rows(count: int) -> list[list[object]]:
    return [["key", "kind", "name_ja"]] + [[f"o{i}", "university", f"大学{i}"] for i in range(count)]


@pytest.mark.parametrize("count", [5, 3000])
def test_an_xlsx_whose_dimension_understates_its_rows_is_read_whole(count: int) -> None:
    # given: the workbook says its cells end at C2 (one data row)
    data = with_dimension(xlsx_bytes(numbered_rows(count)), "A1:C2")
    # when
    table = open_table(data, filename="stale.xlsx")
    rows = list(table.rows)
    # then: every row is read, numbered as the spreadsheet shows it
    assert table.header == ["key", "kind", "name_ja"]
    assert len(rows) == count
    assert rows[-1] == (count + 1, [f"o{count - 1}", "university", f"大学{count - 1}"])


def test_an_xlsx_whose_dimension_understates_its_columns_is_read_whole() -> None:
    data = with_dimension(xlsx_bytes(numbered_rows(2)), "A1:A1")
    table = open_table(data, filename="narrow.xlsx")
    assert table.header == ["key", "kind", "name_ja"]
    assert [values for _n, values in table.rows] == [
        ["o0", "university", "大学0"],
        ["o1", "university", "大学1"],
    ]


@pytest.mark.parametrize("ref", [None, "A1:Z900"])
def test_an_xlsx_without_a_dimension_or_with_a_larger_one_is_read_as_it_is(ref: str | None) -> None:
    table = open_table(with_dimension(xlsx_bytes(numbered_rows(3)), ref), filename="t.xlsx")
    assert [values[:3] for _n, values in table.rows if any(values)] == numbered_rows(3)[1:]


def test_rows_beyond_the_limit_are_refused_whatever_the_dimension_says() -> None:
    data = with_dimension(xlsx_bytes(numbered_rows(10)), "A1:C2")
    table = open_table(data, filename="stale.xlsx", limits=Limits(max_rows=5))
    with pytest.raises(ImportRejected) as exc:
        list(table.rows)
    assert codes(exc) == {"too_many_rows"}


# --- formulas: imported by their computed value, refused without one ---------------------------------


def formula_book(cells: dict[str, str]) -> bytes:
    return with_cells(xlsx_bytes(numbered_rows(2)), cells)


def test_formulas_are_read_as_their_computed_values() -> None:
    # given: a text result, an empty text result (=IF(...,"",...)) and a number, as Excel saves them
    data = formula_book({
        "C2": '<c r="C2" t="str"><f>A2&amp;"大学"</f><v>o0大学</v></c>',
        "C3": '<c r="C3" t="str"><f>IF(A3="o1","",A3)</f><v></v></c>',
        "B3": '<c r="B3"><f>1+1</f><v>2</v></c>',
        "A3": '<c r="A3" t="inlineStr"><f>"o1"</f><is><t>o1</t></is></c>',
    })  # fmt: skip
    # when
    rows = [values for _n, values in open_table(data, filename="f.xlsx").rows]
    # then
    assert rows == [["o0", "university", "o0大学"], ["o1", 2, None]]


@pytest.mark.parametrize(
    "xml",
    [
        '<c r="C3"><f>A3&amp;"大学"</f></c>',  # no value at all (Apache POI)
        '<c r="C3"><f>A3&amp;"大学"</f><v/></c>',  # an empty number (openpyxl)
        '<c r="C3"><f t="shared" si="0"/></c>',  # a shared formula, not computed
    ],
)
def test_a_formula_without_a_computed_value_is_named_as_such(xml: str) -> None:
    rows = dict(open_table(formula_book({"C3": xml}), filename="f.xlsx").rows)
    assert rows[2] == ["o0", "university", "大学0"]
    assert rows[3][:2] == ["o1", "university"]
    assert isinstance(rows[3][2], FormulaResult)
    assert rows[3][2].error == ""


def test_a_formula_whose_result_is_an_error_is_named_as_such() -> None:
    rows = dict(open_table(formula_book({"C2": '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'}),
                           filename="f.xlsx").rows)  # fmt: skip
    assert rows[2][2] == FormulaResult("#DIV/0!")


def test_too_many_formulas_without_values_refuse_the_file() -> None:
    rows = [["key", "name_ja"]] + [[f"o{i}", f"=A{i + 2}"] for i in range(30)]  # openpyxl saves no values
    with pytest.raises(ImportRejected) as exc:
        open_table(xlsx_bytes(rows), filename="f.xlsx", limits=Limits(xlsx_max_formula_problems=20))
    assert codes(exc) == {"formula"}
    assert next(iter(exc.value.problems)).row is None  # the file, not a row


@pytest.mark.parametrize(
    "data", [b"key,name_ja\r\na,\xe6\x9d\xb1\r\xe5\x8c\x97\r\n", b"key,name_ja\na,A\rb,B\n"]
)
def test_a_lone_carriage_return_is_named_as_such(data: bytes) -> None:
    with pytest.raises(ImportRejected) as exc:
        list(open_table(data, filename="t.csv").rows)
    (problem,) = exc.value.problems
    assert problem.code == "csv_cr"
    assert "CR（復帰）" in problem.text("ja")
    assert "carriage return (CR)" in problem.text("en")


def test_csv_table_numbers_rows_as_a_spreadsheet_does() -> None:
    table = open_table(csv_bytes([["key", "n"], ["a", "1"], ["b", "2"]]), filename="t.csv")
    assert table.total == 2
    assert [n for n, _r in table.rows] == [2, 3]


def test_tab_separated_text_is_read() -> None:
    table = open_table("key\tn\r\na\t1\r\n".encode("utf-16"), filename="t.txt")
    assert table.header == ["key", "n"]
    assert list(table.rows) == [(2, ["a", "1"])]


def test_a_workbook_named_csv_is_refused() -> None:
    with pytest.raises(ImportRejected) as exc:
        open_table(xlsx_bytes(JAPANESE), filename="t.csv")
    assert codes(exc) == {"csv_is_xlsx"}


def test_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportRejected) as exc:
        open_table(buffer.getvalue(), filename="t.xlsx")
    assert codes(exc) == {"xlsx_invalid"}


JAPANESE_TEXT = st.text(
    alphabet=st.sampled_from(list('あいうえおカタカナ漢字髙﨑①②ｱｲｳｴｵﾊﾟ東北大学山形、。「」ー・abcXYZ0123 ,"')),
    max_size=40,
)


@given(JAPANESE_TEXT)
def test_utf8_round_trips(text: str) -> None:
    assert decode(("東北," + text).encode()).text == "東北," + text


@given(JAPANESE_TEXT)
def test_cp932_round_trips(text: str) -> None:
    # a file with at least one ordinary kanji, as Excel writes it in Japan
    content = "東北大学," + text
    assert decode(content.encode("cp932")).text == content
