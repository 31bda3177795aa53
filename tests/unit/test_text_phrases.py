"""renkei.text phrases: the text a phrase is checked on and the check itself (pure; the back-ends run the same
pattern in SQL, tests/integration/catalog/test_catalog_phrases.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.text import Phrase, Query, Term, index_terms, matches, parse_query, phrase_text


def _check(query: str):
    (group,) = parse_query(query).include
    return group.check


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (("Data-Science入門",), "|data science 入門|"),
        (("ぱいそん Data", "", "Science"), "|パイソン data|science|"),
        (("ＤＡＴＡ　ＳＣＩＥＮＣＥ",), "|data science|"),
        (("。、!",), ""),  # no word at all: no text
        ((), ""),
    ],
)
def test_phrase_text(texts, expected):
    assert phrase_text(*texts) == expected


@pytest.mark.parametrize(
    ("query", "text", "holds"),
    [
        ('"data science"', "Introduction to Data Science", True),
        ('"data science"', "data-science, at last", True),
        ('"data science"', "science data", False),
        ('"data science"', "bigdata science", False),
        ('"data science"', "data sciences", True),  # the last word is a prefix (3+ characters)
        ('"data ai"', "data aichi", False),  # ... a shorter one is whole
        ('"data ai"', "data ai", True),
        ('"python入門"', "Python入門講座", True),
        ('"python入門"', "はじめてのpython 入門", True),
        ('"python入門"', "Pythonによる入門", False),
        ('"データ・分析"', "ビッグデータ分析", True),  # two Japanese runs may be one
        ('"でーた・ぶんせき"', "データ・ブンセキ", True),  # hiragana folded
        ('"サーバー 構築 python"', "サーバー構築・Python", True),  # the Japanese parts joined: one run
        ('"python サーバー"', "python サーバ管理", True),  # a final ー optional, as for terms
    ],
)
def test_a_phrase_holds_its_words_adjacent_and_in_order(query, text, holds):
    assert _check(query).search(phrase_text(text)) is holds


def test_two_texts_never_run_into_each_other():
    assert not _check('"data science"').search(phrase_text("big data", "science for all"))
    assert _check('"data science"').search(phrase_text("big data", "data science for all"))


def test_one_run_needs_no_check():
    assert _check('"データ分析"') is None
    assert _check('"データ 分析"') is None  # a space between Japanese characters is dropped
    assert _check('"python"') is None
    assert all(g.check is None for g in parse_query("data science").include)  # unquoted: words anywhere


WORDS = st.lists(st.sampled_from(["data", "science", "ai", "aichi", "sci", "big", "dat"]), max_size=6)


@given(
    texts=st.lists(WORDS, max_size=3),
    phrase=st.lists(st.sampled_from(["data", "science", "ai", "sci"]), min_size=2, max_size=3),
)
def test_the_check_is_consecutive_words_within_one_text(texts, phrase):
    def last_ok(word: str) -> bool:
        return word.startswith(phrase[-1]) if len(phrase[-1]) >= 3 else word == phrase[-1]

    def holds(words: list[str]) -> bool:
        n = len(phrase)
        return any(
            words[i : i + n - 1] == phrase[:-1] and last_ok(words[i + n - 1])
            for i in range(len(words) - n + 1)
        )

    expected = any(holds(words) for words in texts)
    check = _check('"' + " ".join(phrase) + '"')
    assert check.search(phrase_text(*(", ".join(words) for words in texts))) is expected


PIECES = st.sampled_from(
    ["data", "science", "ai", "データ", "分析", "サーバー", "サーバ", "python", "・", " ", ", "]
)


@given(
    texts=st.lists(st.lists(PIECES, max_size=8).map("".join), max_size=3),
    query=st.lists(PIECES, min_size=2, max_size=5).map("".join),
)
def test_the_written_forms_and_the_regex_agree(texts, query):
    groups = parse_query(f'"{query}"').include
    if not groups or (check := groups[0].check) is None or not check.needles:
        return
    text = phrase_text(*texts)
    by_regex = Phrase(check.pattern, check.literal)  # no written forms: the regex path
    assert check.search(text) is by_regex.search(text)


# --- pair terms: a term per two adjacent words of one text -----------------------------------------


def test_pair_terms_are_adjacent_words_of_one_text():
    assert index_terms("Data-Science, for all")[-3:] == ["ヲdataヲscience", "ヲscienceヲfor", "ヲforヲall"]
    assert not [t for t in index_terms("data の science") if t.startswith("ヲdata")]  # Japanese between
    assert "ヲpythonヲ3" in index_terms("Python 3.11")
    # each text apart: the caller indexes "big data" and "science for all" as two texts
    assert "ヲdataヲscience" not in {*index_terms("big data"), *index_terms("science for all")}


def test_a_phrase_of_two_words_is_decided_by_its_pair_term():
    (group,) = parse_query('"data science"').include
    assert group.decided
    assert not group.checked
    assert Term("ヲdataヲscience", prefix=True) in group.alternatives[0]
    (short,) = parse_query('"data ai"').include
    assert Term("ヲdataヲai") in short.alternatives[0]  # a short last word is whole
    assert Query((short,)).checked is False


@pytest.mark.parametrize(
    ("query", "pairs"),
    [
        ('"big data science"', ["ヲbigヲdata", "ヲdataヲscience"]),  # both pairs, then the check
        ('"python入門"', []),  # a Japanese run at an end: no pair, the check
        ('"python 3 入門"', ["ヲpythonヲ3"]),
    ],
)
def test_other_phrases_keep_their_check(query, pairs):
    (group,) = parse_query(query).include
    assert group.checked
    assert not group.decided
    assert [t.text for t in group.alternatives[0] if t.text.startswith("ヲ")] == pairs


@given(
    texts=st.lists(WORDS, max_size=3),
    phrase=st.lists(st.sampled_from(["data", "science", "ai", "sci", "big"]), min_size=2, max_size=3),
)
def test_the_pair_terms_agree_with_the_check(texts, phrase):
    # the terms of each text apart (as the index stores them) against the check on the phrase text: a
    # phrase of two words needs no more than its terms, a longer one is never lost by them
    query = parse_query('"' + " ".join(phrase) + '"')
    written = [", ".join(words) for words in texts]
    terms = [term for text in written for term in index_terms(text)]
    holds = query.include[0].check.search(phrase_text(*written))
    if len(phrase) == 2:
        assert matches(query, terms) is holds
    elif holds:
        assert matches(query, terms)
