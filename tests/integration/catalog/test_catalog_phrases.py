"""Quoted phrases of several words on the database in use (SQLite and PostgreSQL): the words adjacent and in
order within one text, in either language, as the index normalises them (issue 10). The terms find the
candidates; each candidate's phrase text (`ProgramText`) is checked in one statement."""

from __future__ import annotations

import pytest

from renkei.catalog import bitmaps
from renkei.catalog import search as search_index
from renkei.catalog.models import Program, ProgramText
from renkei.text import parse_query

pytestmark = pytest.mark.django_db

ONLINE, ONSITE = Program.Mode.ONLINE, Program.Mode.ONSITE


@pytest.fixture
def phrases(owner_org, other_org, make_program, concepts):
    make = make_program
    make(
        owner_org,
        "ADJ",
        title_ja="データサイエンス入門",
        title_en="Introduction to Data Science",
        mode=ONLINE,
    )
    make(owner_org, "APART", title_ja="政治学", title_en="Data for political science", mode=ONSITE)
    make(owner_org, "REVERSED", title_ja="応用科学", summary_en="Applied science data pipelines", mode=ONSITE)
    # "data" ends one text, "science" starts the next: the title and the summary, the two titles
    make(
        owner_org, "BORDER", title_ja="ビッグ", title_en="Big data", summary_en="Science for all", mode=ONLINE
    )
    make(owner_org, "TITLES", title_ja="統計 data", title_en="Science and society", mode=ONSITE)
    make(owner_org, "PUNCT", title_ja="手法", description_en="We teach data-science methods.", mode=ONLINE)
    make(other_org, "WIDE", title_ja="ＤＡＴＡ　ＳＣＩＥＮＣＥ講座", mode=ONSITE)
    make(other_org, "UPPER", title_ja="統計", summary_ja="DATA SCIENCE の基礎", mode=ONLINE)
    make(other_org, "JA-BETWEEN", title_ja="data の science", mode=ONLINE)
    make(other_org, "BIGDATA", title_ja="bigdata science", mode=ONLINE)  # "data" does not start a word
    make(other_org, "PLURAL", title_ja="data sciences and more", mode=ONLINE)
    make(other_org, "PY", title_ja="Python入門講座", mode=ONLINE)
    make(other_org, "PY-SPACE", title_ja="はじめての Python 入門", mode=ONSITE)
    make(other_org, "PY-APART", title_ja="Pythonによる統計入門", mode=ONLINE)
    make(other_org, "AI", title_ja="統計", summary_en="Data aichi study", mode=ONLINE)
    make(other_org, "DATA-AI", title_ja="統計", summary_en="Big data AI", mode=ONSITE)
    make(other_org, "KANA", title_ja="データ・分析演習", mode=ONSITE)
    make(other_org, "JA-ONE", title_ja="データ分析基礎", mode=ONSITE)
    make(  # the phrase only in a skill's label (a text the search covers)
        other_org, "TAGGED", title_ja="数理", skills=[concepts.python], mode=ONSITE
    )
    # synonyms are one per line: "computer science" then "data science" is no "science data"
    concepts.informatics.synonyms_en = "computer science\ndata science"
    concepts.informatics.save()
    make(other_org, "FIELD", title_ja="情報", fields=[concepts.informatics], mode=ONSITE)
    make(other_org, "LONG", title_ja="データ分析・基礎演習・入門講座", mode=ONSITE)


def _codes(result) -> set[str]:
    return {p.code for p in result.items}


DS = {"ADJ", "PUNCT", "WIDE", "UPPER", "PLURAL", "FIELD"}  # FIELD: a synonym of its field
SCIENCE = DS | {"APART", "REVERSED", "BORDER", "TITLES", "JA-BETWEEN", "BIGDATA"}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('"data science"', DS),  # adjacent, in order; punctuation between; full-width; upper case
        ('"ｄａｔａ　ｓｃｉｅｎｃｅ"', DS),  # full-width input: the same set
        ('"DATA SCIENCE"', DS),
        ("「data science」", DS),
        ('"data, science"', DS),  # punctuation in the query is no word either
        ('"science data"', {"REVERSED"}),  # the order counts
        ('"data scien"', DS),  # the last word is a prefix, as a single word is
        ('"data sciences"', {"PLURAL"}),
        ('"computer science"', {"FIELD"}),
        ('"dat science"', set()),  # a word inside a phrase is a whole word
        ('"data ai"', {"DATA-AI"}),  # a short last word is whole: not "aichi"
        ('"big data ai"', {"DATA-AI"}),  # three words: both pair terms, then the check
        ('"big data science"', set()),  # "big data" and "science…" are two texts (BORDER)
        ('"political science"', {"APART"}),
        ('"python入門"', {"PY", "PY-SPACE"}),  # mixed Japanese and English, with or without a space
        ('"python 入門"', {"PY", "PY-SPACE"}),
        ('"入門 python"', set()),
        ('"データ・分析"', {"KANA", "JA-ONE", "LONG"}),  # two Japanese runs: apart by punctuation, or one
        ('"でーた・分析"', {"KANA", "JA-ONE", "LONG"}),  # hiragana folded
        ('"データ・分析・基礎・演習・入門・講座"', {"LONG"}),  # 32 written forms: checked by the regex
        ('"分析・データ"', set()),
        ('"python programming"', {"TAGGED"}),  # a skill label is a text of its own
        ('"data science" OR "python入門"', DS | {"PY", "PY-SPACE"}),
        ('science -"political science"', SCIENCE - {"APART"}),
        ('science -"data science"', {"APART", "REVERSED", "BORDER", "TITLES", "JA-BETWEEN", "BIGDATA"}),
        ('-"data science"', None),  # every program but those
    ],
)
def test_a_phrase_matches_its_words_adjacent_and_in_order(phrases, search, query, found):
    everything = {p.code for p in Program.objects.all()}
    expected = everything - DS if found is None else found
    assert _codes(search(query)) == expected


def test_unquoted_words_keep_matching_apart(phrases, search):
    both = SCIENCE - {"BIGDATA"}
    assert _codes(search("data science")) == both
    assert _codes(search("python 入門")) == {"PY", "PY-SPACE", "PY-APART"}


def test_facet_counts_agree_with_the_results(phrases, search):
    result = search('"data science"')
    modes = {v.value: v.count for v in result.facet("mode").values}
    assert result.total == len(result.items) == 6
    assert modes == {"online": 4, "onsite": 2}
    online = search('"data science"', facets={"mode": ["online"]})
    assert _codes(online) == {"ADJ", "PUNCT", "UPPER", "PLURAL"}
    # the mode facet counts apply the other facets only: the same counts with a mode chosen
    assert {v.value: v.count for v in online.facet("mode").values} == modes


def test_pages_and_cursors_give_the_same_set(phrases, search):
    from renkei.catalog.selectors import program_search_page

    by_page = [p.code for n in (1, 2, 3) for p in search('"data science"', page=n, page_size=2).items]
    by_cursor, cursor = [], None
    while True:
        page = program_search_page(user=None, query='"data science"', cursor=cursor, limit=2)
        by_cursor += [p.code for p in page.items]
        if not (cursor := page.next_cursor):
            break
    assert sorted(by_page) == sorted(by_cursor) == sorted(DS)
    assert by_page == by_cursor


def test_an_edit_is_checked_at_once(phrases, search):
    # the first search remembers which programs it checked (for this index token); an edit makes a new one
    assert "APART" not in _codes(search('"data science"'))
    assert _codes(search('"data science"', facets={"mode": ["onsite"]})) == {"WIDE", "FIELD"}
    program = Program.objects.get(code="APART")
    program.title_en = "Political data science"
    from renkei.catalog import services

    services.program_save(program=program, actor=None)
    assert "APART" in _codes(search('"data science"'))
    assert _codes(search('"data science"', facets={"mode": ["onsite"]})) == {"WIDE", "FIELD", "APART"}
    assert ProgramText.objects.get(pk=program.pk).text.count("political data science") == 1


def test_the_phrase_text_keeps_each_text_apart(phrases):
    text = ProgramText.objects.get(program__code="BORDER").text
    assert "|big data|" in text
    assert "|science for all|" in text


def test_match_bits_equal_a_check_of_every_program(phrases):
    # the back-end (candidates by terms, then one statement) against the check in Python on every text
    queries = (
        '"data science"',  # two words: decided by the pair term alone
        '"science data"',
        '"data sc"',
        '"data ai"',
        '"big data ai"',  # three words: pair terms, then the check
        '"python入門"',
        '"データ・分析"',
        '"データ・分析・基礎・演習・入門・講座"',
    )
    assert not parse_query(queries[-1]).include[0].check.needles  # the regex, in SQL
    for query in queries:
        parsed = parse_query(query)
        (group,) = parsed.include
        assert group.check is not None
        by_python = {
            program_id
            for program_id, text in ProgramText.objects.values_list("program_id", "text")
            if group.check.search(text)
        }
        assert set(bitmaps.ids_from_bits(search_index.backend().match_bits(parsed))) == by_python


def test_a_phrase_of_two_words_checks_no_text(phrases):
    # its pair term decides: no candidate's text is read (nothing checked is remembered)
    memo = bitmaps.facet_bitmaps().memo
    memo.clear()
    parsed = parse_query('"data science"')
    assert not parsed.checked
    found = search_index.backend().match_bits(parsed)
    assert (
        set(Program.objects.filter(pk__in=bitmaps.ids_from_bits(found)).values_list("code", flat=True)) == DS
    )
    assert not [key for key in memo if key.startswith(search_index.PHRASE_MEMO)]
    search_index.backend().match_bits(parse_query('"big data ai"'))  # three words are checked
    assert [key for key in memo if key.startswith(search_index.PHRASE_MEMO)]
