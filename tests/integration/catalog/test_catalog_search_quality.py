"""Search quality on the database in use (run on SQLite and PostgreSQL): BM25F ranking over title, summary,
tags and body with the word as written as a bonus, phrases adjacent and in order, contiguous Japanese runs,
kana folding, kana names, facet labels and sample notices (issue 10)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from renkei.catalog import relevance, selectors
from renkei.catalog.models import Program
from renkei.catalog.search import without_sample_notice

pytestmark = pytest.mark.django_db


def _codes(result) -> list[str]:
    return [p.code for p in result.items]


@pytest.fixture
def analysis(owner_org, make_program, concepts):
    make_program(owner_org, "BODY", title_ja="経営入門", description_ja="売上のデータ分析を扱う")
    make_program(owner_org, "SUMMARY", title_ja="統計の基礎", summary_ja="データ分析の考え方")
    make_program(owner_org, "APART", title_ja="会計データと財務分析")  # the words apart in the title
    make_program(owner_org, "WHOLE", title_ja="データ分析実践講座")  # the whole query in the title
    make_program(owner_org, "WHOLE-LONG", title_ja="はじめてのビッグデータ分析と可視化の実践講座")
    make_program(  # tagged with the skill データ分析, the words elsewhere only apart
        owner_org,
        "TAGGED",
        title_ja="ビジネス統計",
        description_ja="データを集めて分析する",
        skills=[concepts.analysis],
    )
    make_program(
        owner_org, "DATA", title_ja="データ活用", description_ja="分析の手法"
    )  # part of it in the title


def test_the_whole_query_in_the_title_comes_first(analysis, search):
    # when
    codes = _codes(search("データ分析"))
    # then: as written in the title (shorter first), words apart in the title, the summary, a tag plus the
    # words apart, part of it in the title, the body
    assert codes == ["WHOLE", "WHOLE-LONG", "APART", "SUMMARY", "TAGGED", "DATA", "BODY"]


def test_a_phrase_matches_only_the_words_adjacent_and_in_order(analysis, search):
    # TAGGED has it as written in its skill's label; APART and DATA only apart
    adjacent = {"WHOLE", "WHOLE-LONG", "SUMMARY", "BODY", "TAGGED"}
    assert set(_codes(search('"データ分析"'))) == adjacent
    assert set(_codes(search("「データ 分析」"))) == adjacent
    assert _codes(search('"データ分析"'))[:2] == ["WHOLE", "WHOLE-LONG"]


def test_every_page_follows_the_ranking_with_offsets_and_with_cursors(analysis, search):
    from renkei.catalog.selectors import program_search_page

    ranked = _codes(search("データ分析"))
    assert [search("データ分析", page=n, page_size=2).items for n in (1, 2, 3, 4)]
    by_offset = [p.code for n in (1, 2, 3, 4) for p in search("データ分析", page=n, page_size=2).items]
    assert by_offset == ranked
    by_cursor, cursor = [], None
    while True:
        page = program_search_page(user=None, query="データ分析", cursor=cursor, limit=2)
        by_cursor += _codes(page)
        if not (cursor := page.next_cursor):
            break
    assert by_cursor == ranked


def test_a_page_within_the_title_classes_skips_the_summary_lookup(analysis):
    # the first page of one word needs only the title lookups when the title classes fill it
    plan = selectors._Plan(user=AnonymousUser(), query="データ分析", facets={})
    tiers = plan.tiers("relevance", need=2)
    # current programs' classes, then the ended ones' (coded apart): the unscored rest closes each half
    assert [t.code for t in tiers if t.code in (relevance.REST, relevance.REST + selectors.ENDED)] == [
        relevance.REST,
        relevance.REST + selectors.ENDED,
    ]
    assert (
        plan.page_ids(sort="relevance", offset=0, limit=2)
        == plan.page_ids(sort="relevance", offset=0, limit=7)[:2]
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("コンピュータ", {"PC", "PC-LONG"}),  # the same set for both spellings
        ("コンピューター", {"PC", "PC-LONG"}),
        ("しみゅれーしょん", {"SIM"}),  # hiragana finds katakana
        ("シミュレーション", {"SIM"}),
        ("やまがた", {"PC", "PC-LONG", "SIM", "ICT", "LIT"}),  # the provider's kana name
        ("MDASH", {"LIT"}),  # the level's label
        ("リテラシーレベル", {"LIT"}),
        ("オンデマンド", {"ICT"}),  # the mode's label
        ("サンプルデータ", set()),  # a sample notice is shown, not searched
    ],
)
def test_contiguous_runs_variants_kana_and_labels(owner_org, other_org, make_program, search, query, found):
    # given
    other_org.name_kana = "やまがただいがく"
    other_org.save()
    make_program(other_org, "PC", title_ja="コンピュータ演習")
    make_program(other_org, "PC-LONG", title_ja="コンピューターの仕組み")
    make_program(other_org, "SIM", title_ja="シミュレーション技術")
    make_program(  # every bigram of コンピュータ, none of them in one run
        other_org,
        "ICT",
        title_ja="ICTとコンピテンシー",
        summary_ja="ンピュアなデータ",
        mode=Program.Mode.ON_DEMAND,
    )
    make_program(other_org, "LIT", title_ja="数理・データサイエンス・AI", level=Program.Level.MDASH_LITERACY)
    make_program(
        owner_org,
        "SAMPLE",
        title_ja="【サンプル】品質管理入門",
        description_ja="この講座はデモ用のサンプルデータです。品質管理の考え方を学びます。",
        is_sample=True,
    )
    # when / then
    assert set(_codes(search(query))) == found


def test_sample_notices_leave_the_index_but_not_the_page(owner_org, make_program, search):
    text = "この講座はデモ用のサンプルデータです。品質管理の考え方を学びます。"
    program = make_program(owner_org, "SAMPLE", title_ja="品質管理入門", description_ja=text, is_sample=True)
    assert _codes(search("品質")) == ["SAMPLE"]
    assert search("データ").total == 0
    assert Program.objects.get(pk=program.pk).description_ja == text  # shown as written


def test_a_real_program_keeps_every_sentence(owner_org, make_program, search):
    make_program(owner_org, "REAL", title_ja="統計入門", description_ja="サンプルデータを使って演習します。")
    assert _codes(search("サンプルデータ")) == ["REAL"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("この講座はデモ用のサンプルデータです。品質を学びます。", "品質を学びます。"),
        (
            "学生を対象に学ぶサンプル講座です。実在の講座ではありません。",
            "学生を対象に学ぶサンプル講座です。",
        ),
        ("This course is sample data for the demo, imagined as offered by X. Learn it.", "Learn it."),
        ("A sample course on DX. Not a real offering.", "A sample course on DX."),
        ("", ""),
    ],
)
def test_without_sample_notice(text, kept):
    assert without_sample_notice(text) == kept
