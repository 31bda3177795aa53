"""job tag skills and knowledge: the IPD numeric download file (synthetic, and the real one if present)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from renkei.taxonomy.readers.jobtag import read_jobtag
from renkei.taxonomy.records import TaxonomyFileError

DAY = dt.date(2030, 2, 3)

# --- synthetic files (made-up items, same layout) -----------------------------------------------------


@pytest.mark.parametrize("maker", ["make_ipd_xlsx", "make_ipd_csv"])
def test_reads_skill_and_knowledge_columns_by_ipd_code(maker: str, request: pytest.FixtureRequest) -> None:
    # given
    path = request.getfixturevalue(maker)()
    # when
    data = read_jobtag(path, downloaded_on=DAY)
    # then: the flag column and the occupation columns are not items
    assert [(c.code, c.kind, c.label_ja) for c in data.concepts] == [
        ("IPD_04_03_01_001", "skill", "架空の読み取り"),
        ("IPD_04_03_01_002", "skill", "架空の段取り"),
        ("IPD_04_04_01_001", "knowledge", "架空学"),
    ]
    assert data.concepts[0].label_en == "Reading comprehension"  # Renkei's translation, by IPD code
    assert data.scheme.key == "jobtag-skills"
    assert data.scheme.version == "9.99"
    assert data.notes[0] == "IPD 簡易版数値系ダウンロードデータ ver.9.99 (最終更新日 2030/01/02)"


def test_attribution_is_the_credit_form_of_the_download_page(make_ipd_xlsx: Callable[..., Path]) -> None:
    data = read_jobtag(make_ipd_xlsx(), downloaded_on=DAY)
    assert data.scheme.attribution == (
        "出典：独立行政法人労働政策研究・研修機構（JILPT）作成"
        "「職業情報データベース　簡易版数値系ダウンロードデータ　ver.9.99」"
        "職業情報提供サイト（job tag）より2030年2月3日にダウンロード"
        "（https://shigoto.mhlw.go.jp/User/download）を加工して作成"
    )


def test_download_date_defaults_to_the_file_modification_date(make_ipd_csv: Callable[..., Path]) -> None:
    # given
    path = make_ipd_csv()
    stamp = dt.datetime(2031, 5, 6, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))
    # when
    data = read_jobtag(path)
    # then
    assert "より2031年5月6日にダウンロード" in data.scheme.attribution


def test_a_folder_is_searched_for_the_newest_numeric_file(make_ipd_xlsx: Callable[..., Path]) -> None:
    # given
    old = make_ipd_xlsx("IPD_DL_numeric_9_98.xlsx", version="9.98")
    make_ipd_xlsx("IPD_DL_numeric_9_99.xlsx", version="9.99")
    # when
    data = read_jobtag(old.parent, downloaded_on=DAY)
    # then
    assert data.scheme.version == "9.99"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("収録番号,職業名\n1,架空\n", "no row of IPD codes"),
        ("version 1.00\n,\nIPD_01_01_001,IPD_02_01_001\n1,架空\n", "no skill"),
    ],
)
def test_files_in_another_format_are_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "IPD_DL_description_9_99.csv"
    path.write_text(content, encoding="cp932")
    with pytest.raises(TaxonomyFileError, match=message):
        read_jobtag(path, downloaded_on=DAY)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFileError, match="no IPD_DL_numeric"):
        read_jobtag(tmp_path, downloaded_on=DAY)


# --- the real download files (skipped when ../shared/data is absent) -----------------------------------


def test_official_xlsx_and_csv_give_39_skills_and_33_knowledge_fields(jobtag_official: Path) -> None:
    # when
    from_xlsx = read_jobtag(jobtag_official / "IPD_DL_numeric_6_01.xlsx", downloaded_on=DAY)
    from_csv = read_jobtag(jobtag_official / "IPD_DL_numeric_6_01.csv", downloaded_on=DAY)
    # then
    assert from_xlsx == from_csv
    kinds = [c.kind for c in from_xlsx.concepts]
    assert (kinds.count("skill"), kinds.count("knowledge")) == (39, 33)
    assert from_xlsx.scheme.version == "6.01"
    assert all(c.label_ja and c.label_en for c in from_xlsx.concepts)
    assert all(re.fullmatch(r"IPD_04_0[34]_01_\d{3}", c.code) for c in from_xlsx.concepts)


def test_official_attribution_follows_the_readme(jobtag_official: Path, jobtag_readme: str) -> None:
    # given: the credit form quoted in the README (one line per quoted line, with a date placeholder)
    quoted = "".join(
        line.removeprefix(">").strip() for line in jobtag_readme.splitlines() if line.startswith(">")
    )
    pieces = [
        "出典：独立行政法人労働政策研究・研修機構（JILPT）作成",
        "「職業情報データベース　簡易版数値系ダウンロードデータ　ver.6.01」",
        "職業情報提供サイト（job tag）より",
        "2030年2月3日",
        "にダウンロード",
        "（https://shigoto.mhlw.go.jp/User/download）を加工して作成",
    ]
    # when
    credit = read_jobtag(jobtag_official, downloaded_on=DAY).scheme.attribution
    # then: the README's form, in order, naming the one file Renkei reads, with the date filled in
    assert credit == "".join(pieces)
    assert all(piece in quoted for piece in pieces if piece != "2030年2月3日")
    assert "〈YYYY年M月D日〉にダウンロード" in quoted
