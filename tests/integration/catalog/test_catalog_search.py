"""Program search on the database in use (run the suite on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from renkei.catalog import search as search_index
from renkei.catalog import services
from renkei.catalog.models import Program, ProgramIndex

pytestmark = pytest.mark.django_db


def _codes(result) -> set[str]:
    return {p.code for p in result.items}


@pytest.fixture
def corpus(owner_org, other_org, make_program):
    make_program(owner_org, "SIM", title_ja="シミュレーション入門", summary_ja="数値計算と可視化")
    make_program(owner_org, "SRV", title_ja="サーバー構築講座", summary_ja="Linuxサーバーの運用")
    make_program(owner_org, "DX", title_ja="DX推進リーダー養成", summary_ja="デジタル変革の進め方")
    make_program(other_org, "QC", title_ja="品質管理の基礎", summary_ja="製造業の品質保証")
    make_program(other_org, "MGT", title_ja="中小企業の経営戦略", summary_ja="経営計画をつくる")
    make_program(other_org, "AGR", title_ja="スマート農業", summary_ja="農作業のデータ活用")
    make_program(
        other_org,
        "PY",
        title_ja="Pythonによるデータ分析",
        title_en="Data analysis with Python",
        summary_en="Pandas and machine learning basics",
    )
    make_program(
        other_org, "ML", title_ja="機械学習の実践", summary_ja="データ分析の応用", title_en="Machine learning"
    )
    make_program(
        owner_org, "NUR", title_ja="看護実践セミナー", summary_ja="地域医療", summary_en="Community nursing"
    )


# (query, must be found, must not be found)
CASES = [
    ("シュミレーション", {"SIM"}, {"SRV"}),  # common misspelling finds the right word
    ("シミュレーション", {"SIM"}, set()),
    ("サーバ", {"SRV"}, {"SIM"}),  # without the long vowel
    ("サーバー", {"SRV"}, set()),
    ("サーバ－", {"SRV"}, set()),  # full-width hyphen typed for ー
    ("ＤＸ", {"DX"}, {"QC"}),  # full-width letters
    ("dx", {"DX"}, set()),
    ("農", {"AGR"}, {"QC"}),  # one character
    ("品質", {"QC"}, {"MGT"}),  # two characters
    ("経営", {"MGT"}, {"QC"}),
    ("機械学習", {"ML"}, set()),  # 3+ characters
    ("データ分析", {"PY", "ML"}, {"QC"}),
    ("データの分析", {"PY", "ML"}, set()),  # particles do not matter (Sudachi forms)
    ("python", {"PY"}, {"ML"}),  # English
    ("Python", {"PY"}, set()),
    ("ｐｙｔｈｏｎ", {"PY"}, set()),
    ("pyth", {"PY"}, set()),  # prefix of an English word
    ("machine learning", {"PY", "ML"}, {"QC"}),
    ("nursing", {"NUR"}, set()),
    ("データ -python", {"ML", "AGR"}, {"PY"}),  # exclusion
    ("データ －Python", {"ML"}, {"PY"}),  # full-width minus
    ('"データ 分析"', {"PY", "ML"}, {"AGR"}),  # phrase: all its words
    ("「データ分析」", {"PY", "ML"}, set()),
    ("品質 OR 農業", {"QC", "AGR"}, {"MGT"}),
    ("-品質", {"SIM", "MGT"}, {"QC"}),  # only an exclusion: everything else
]


@pytest.mark.parametrize(("query", "found", "absent"), CASES, ids=[c[0] for c in CASES])
def test_queries(corpus, search, query, found, absent):
    # when
    result = search(query)
    # then
    assert found <= _codes(result), f"{query!r} missed {found - _codes(result)}"
    assert not (absent & _codes(result)), f"{query!r} wrongly found {absent & _codes(result)}"
    assert result.total == len(result.items)


def test_empty_and_punctuation_queries_filter_nothing(corpus, search):
    assert search("").total == 9
    assert search("   ").total == 9
    assert search("!!! 、。").total == 9


def test_nothing_found(corpus, search):
    result = search("宇宙開発")
    assert result.total == 0
    assert result.items == ()
    assert result.pages == 1


def test_relevance_puts_title_matches_first(owner_org, make_program, search):
    # given a program with the word only in its description, and one with it in the title
    make_program(owner_org, "BODY", title_ja="入門講座", description_ja="統計の考え方を少し扱う")
    make_program(owner_org, "TITLE", title_ja="統計入門", summary_ja="統計の基礎")
    # when
    result = search("統計")
    # then
    assert result.sort == "relevance"
    assert [p.code for p in result.items] == ["TITLE", "BODY"]


def test_relevance_tiers_title_then_summary_then_the_rest(owner_org, make_program, search):
    # given programs with the word in a long title, a short title, the summary only and the body only
    make_program(owner_org, "BODY", title_ja="入門講座", description_ja="統計を扱う")
    make_program(owner_org, "LONG", title_ja="現場で役立つ統計的品質管理の実践講座")
    make_program(owner_org, "SUMMARY", title_ja="データ活用", summary_ja="統計の基礎から")
    make_program(owner_org, "SHORT", title_ja="統計入門")
    # when / then: short titles are about the word more than long ones; the summary tier comes next
    assert [p.code for p in search("統計").items] == ["SHORT", "LONG", "SUMMARY", "BODY"]
    # and each page continues where the previous one stopped, across the tiers
    pages = [search("統計", page=n, page_size=1).items[0].code for n in (1, 2, 3, 4)]
    assert pages == ["SHORT", "LONG", "SUMMARY", "BODY"]


def test_relevance_with_several_words_needs_all_of_them_in_the_title(owner_org, make_program, search):
    make_program(owner_org, "HALF", title_ja="統計入門", summary_ja="品質のための")
    make_program(owner_org, "BOTH", title_ja="品質管理のための統計手法")
    assert [p.code for p in search("統計 品質").items] == ["BOTH", "HALF"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("fee", ["FREE", "CHEAP", "DEAR", "UNKNOWN"]),
        ("start", ["CHEAP", "DEAR", "FREE", "UNKNOWN"]),
        ("title", ["CHEAP", "DEAR", "FREE", "UNKNOWN"]),
        ("newest", ["DEAR", "CHEAP", "FREE", "UNKNOWN"]),  # UNKNOWN's only run has passed: last
    ],
)
def test_sorting(owner_org, make_program, search, sort, expected):
    # given
    today = timezone.localdate()
    make_program(owner_org, "FREE", title_ja="C講座", fee_yen=0, runs=[today + dt.timedelta(days=90)])
    make_program(owner_org, "CHEAP", title_ja="A講座", fee_yen=3000, runs=[today + dt.timedelta(days=10)])
    make_program(owner_org, "DEAR", title_ja="B講座", fee_yen=90000, runs=[today + dt.timedelta(days=30)])
    make_program(owner_org, "UNKNOWN", title_ja="D講座", runs=[today - dt.timedelta(days=30)])
    # when
    result = search("講座", sort=sort)
    # then
    assert [p.code for p in result.items] == expected


def test_paging(owner_org, make_program, search):
    for i in range(25):
        make_program(owner_org, f"P{i:02d}", title_ja=f"講座{i:02d}")
    first = search("講座", page_size=10, sort="title")
    last = search("講座", page_size=10, page=3, sort="title")
    beyond = search("講座", page_size=10, page=99, sort="title")
    assert (first.total, first.pages, len(first.items)) == (25, 3, 10)
    assert [p.code for p in last.items] == [f"P{i:02d}" for i in range(20, 25)]
    assert beyond.page == 3
    assert not ({p.code for p in first.items} & {p.code for p in last.items})


def test_a_saved_program_is_found_with_its_new_words(owner_org, make_program, search):
    program = make_program(owner_org, "X", title_ja="旧題")
    program.title_ja = "新しい題名"
    services.program_save(program=program, actor=None)
    assert _codes(search("新しい")) == {"X"}
    assert _codes(search("旧題")) == set()


def test_fields_skills_provider_and_venue_are_searchable(owner_org, make_program, concepts, search):
    make_program(
        owner_org, "T", title_ja="夜間講座", skills=[concepts.analysis], venue_name_ja="酒田市民会館"
    )
    assert _codes(search("データ解析")) == {"T"}  # a synonym of the skill
    assert _codes(search("酒田")) == {"T"}
    assert _codes(search("所有大学")) == {"T"}  # the provider's name
    assert _codes(search("owner university")) == {"T"}


def test_deleted_programs_leave_the_index(owner_org, make_program, search):
    program = make_program(owner_org, "GONE", title_ja="消える講座")
    services.program_delete(program=program, actor=None)
    assert search("消える").total == 0
    assert not ProgramIndex.objects.filter(pk=program.pk).exists()


def test_rebuild_and_command(owner_org, make_program, search, capsys):
    make_program(owner_org, "A", title_ja="統計入門")
    make_program(owner_org, "B", title_ja="経営入門")
    ProgramIndex.objects.all().delete()  # the index lost its rows
    assert search("").total == 0
    # when
    call_command("reindex")
    # then
    assert "programs=2 index_rows=2" in capsys.readouterr().out
    assert _codes(search("統計")) == {"A"}
    assert search_index.program_index_rebuild(programs=[Program.objects.get(code="B").pk]) == 1


def test_reindex_check_fails_when_out_of_date(owner_org, make_program):
    make_program(owner_org, "A")
    ProgramIndex.objects.all().delete()
    with pytest.raises(SystemExit):
        call_command("reindex", "--check")


def test_start_month_is_the_next_run(owner_org, make_program):
    today = dt.date(2025, 6, 15)
    program = make_program(
        owner_org, "R", runs=[dt.date(2025, 4, 1), dt.date(2025, 7, 1), dt.date(2025, 10, 1)]
    )
    row = search_index.program_index_row(
        Program.objects.prefetch_related("runs").get(pk=program.pk), today=today
    )
    assert (row.start_month, row.next_start) == ("2025-07", dt.date(2025, 7, 1))
    later = search_index.program_index_row(
        Program.objects.prefetch_related("runs").get(pk=program.pk), today=dt.date(2026, 1, 1)
    )
    assert (later.start_month, later.next_start) == ("2025-04", None)  # no upcoming run: the first one


def test_a_program_with_runs_can_be_deleted(owner_org, make_program, search):
    program = make_program(owner_org, "GONE", title_ja="消える講座", runs=[dt.date(2030, 1, 1)])
    services.program_delete(program=program, actor=None)
    assert search("消える").total == 0
