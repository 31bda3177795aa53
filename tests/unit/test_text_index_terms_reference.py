"""index_terms memoises the work documents repeat (terms of Japanese runs, of Sudachi words, folded forms);
its terms must stay exactly those of the straightforward algorithm, written out here morpheme by morpheme
with nothing remembered, on varied text, on first calls and repeated ones, and when the memos overflow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.text import index_terms, normalise, terms_for_matching, tokens
from renkei.text.tokens import JP_CHARS, content_forms, runs

_JP_RUN = re.compile(f"[{JP_CHARS}]+")
_JP_CHAR = re.compile(f"[{JP_CHARS}]")


def reference_content_forms(normalised: str) -> list[tuple[str, str]]:
    out = []
    tokens._load()
    for chunk in tokens._chunks(normalised):
        for m in tokens._tokenize(chunk):
            if m.part_of_speech_id() in tokens._drop_ids:
                continue
            surface, form = m.surface(), m.normalized_form()
            if form != surface:
                form = normalise(form)
                if _JP_CHAR.search(form) and not _JP_CHAR.search(surface):
                    form = surface
            out.append((surface, form))
    return out


def _fold(run: str) -> str:
    """Hiragana to katakana, one character at a time."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" or c in "ゝゞ" else c for c in run)


def _grams(run: str) -> list[str]:
    run = _fold(run)
    return [a + b + "b" for a, b in pairwise(run)]


def _substrings(run: str) -> list[str]:
    run = _fold(run)
    return ["x" + run[i : i + 10] for i in range(len(run)) if len(run) - i >= 3]


def reference_index_terms(text: str) -> list[str]:
    norm = normalise(text)
    terms: list[str] = []
    for is_jp, run in runs(norm):
        if is_jp:
            terms += [c + "u" for c in _fold(run)]
            terms += _grams(run)
            terms += _substrings(run)
        else:
            terms.append(run)
    for surface, form in reference_content_forms(norm):
        if form == surface:
            terms += _JP_RUN.findall(form)
            continue
        for is_jp, run in runs(form):
            terms.append(run)
            if is_jp:
                terms += _grams(run)
    # adjacent words of the text (no Japanese run between them): one pair term each
    found = list(runs(norm))
    for (jp_a, a), (jp_b, b) in pairwise(found):
        if not jp_a and not jp_b:
            terms.append(f"ヲ{a}ヲ{b}")
    return terms


def _memos() -> list[dict]:
    return [tokens._folded, tokens._word_terms, tokens._changed_terms, tokens._run_terms]


@pytest.fixture(autouse=True)
def _empty_memos() -> Iterator[None]:
    for memo in _memos():
        memo.clear()
    yield
    for memo in _memos():
        memo.clear()


TEXTS = [
    "",
    "   ",
    "シュミレーションとサーバの品質をＤＸで行いました。",
    "統計の基礎からデータ分析の進め方までを一通り学びます。",
    "学ぶ 学び 学んだ 学びます 学ばない",  # conjugations: normalized_form differs from the surface
    "三十人、二〇二四年度、第3期、2024年4月1日（月）",
    "ｻｰﾊﾞｰ構築とコンピュータ―の基礎、データ――それは",
    "The data science course for working adults (Python 3.11, pandas).",
    "Ελληνικά και Русский текст, 한국어 강좌",
    "Pythonプログラミング入門とExcel業務効率化",
    "〆切は々の後、〇〻も",
    # runs longer than the memo keys (32 Japanese characters, 64-character words)
    "本講座では地域の中小企業の経営者と後継者を対象として事業計画の立て方と資金調達の基本を学びます",
    "ア" * 70 + " " + "x" * 80,
    "品質管理と統計的品質管理の手法、QC七つ道具。" * 1200,  # over one Sudachi chunk
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_terms_first_and_repeated(text: str) -> None:
    expected = reference_index_terms(text)
    assert index_terms(text) == expected  # memos empty
    assert index_terms(text) == expected  # memos filled by the same text
    assert content_forms(normalise(text)) == reference_content_forms(normalise(text))


def test_same_terms_across_a_corpus_in_any_order() -> None:
    expected = [reference_index_terms(t) for t in TEXTS]
    assert [index_terms(t) for t in TEXTS] == expected
    assert [index_terms(t) for t in reversed(TEXTS)] == expected[::-1]


def test_same_terms_when_the_memos_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    for memo in (tokens._folded, tokens._word_terms, tokens._changed_terms):
        monkeypatch.setattr(memo, "limit", 3)
    monkeypatch.setattr(tokens._run_terms, "limit", 2)
    for text in TEXTS * 2:
        assert index_terms(text) == reference_index_terms(text)
    assert all(len(memo) <= 3 for memo in _memos())


def test_changing_the_returned_list_changes_nothing_remembered() -> None:
    text = "シュミレーションの品質を学びました"
    terms = index_terms(text)
    terms.append("x")
    terms[0] = "y"
    assert index_terms(text) == reference_index_terms(text)
    words = [form for _s, form in reference_content_forms(normalise(text)) if next(runs(form), None)]
    assert terms_for_matching(text) == words


_VOCABULARY = [
    "データ", "分析", "シミュレーション", "シュミレーション", "サーバ", "サーバー", "ＤＸ", "dx", "品質",
    "管理", "経営", "農業", "看護", "学びます", "行いました", "進め方", "三十", "二〇二四年", "Python",
    "data science", "の", "を", "と", "、", "。", "（", "）", "－", "ー", " ", "\n", "ｶﾀｶﾅ", "Ａ", "①",
]  # fmt: skip
_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs", "Co", "Cn"))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_VOCABULARY), st.text(alphabet=_ALPHABET, max_size=6)), max_size=30)
)
def test_same_terms_on_generated_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    expected = reference_index_terms(text)
    assert index_terms(text) == expected
    assert index_terms(text) == expected
