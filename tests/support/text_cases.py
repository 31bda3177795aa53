"""Cases shared by the text pipeline tests on Python and SQLite FTS5 (tests/unit/test_text.py) and on
PostgreSQL (tests/integration/test_text_postgres.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from renkei.text.tokens import JP_CHARS

# (query, document, whether the query finds the document): every back-end must agree.
VARIANTS = [
    ("シュミレーション", "コンピュータシミュレーション入門", True),
    ("シミュレーション", "シュミレーション演習", True),
    ("サーバ", "サーバー構築", True),
    ("サーバー", "Webサーバ管理", True),
    ("ＤＸ", "DX推進", True),
    ("dx", "ＤＸ推進", True),
    ("品質", "品質管理", True),
    ("経営", "経営戦略論", True),
    ("農", "農業経済学", True),
    ("医", "医療情報", True),
    ("データ分析", "データの分析", True),
    ("Data Science", "Introduction to data science", True),
    ("data　science", "DATA SCIENCE", True),
    ("pyth", "Python入門", True),
    ("python入門", "Python入門", True),
    ('"データ 分析"', "分析とデータ", False),  # phrase: adjacent and in order
    ('"データ分析"', "データの分析", False),
    ('"データ分析"', "ビッグデータ分析入門", True),
    ("「データ分析」", "データ分析基礎", True),
    ("“品質 管理”", "品質の管理", False),
    ("“品質 管理”", "総合品質管理", True),
    ('"シュミレーション"', "シミュレーション演習", True),  # a one-word variant is still the phrase
    ("コンピュータ", "コンピュータ演習", True),
    ("コンピュータ", "コンピ、ピュータ", False),  # every bigram, but apart: no contiguous run
    ("コンピュータ", "コンピューター演習", True),
    ("コンピューター", "コンピュータ演習", True),  # variants find the same programs
    ("サーバー", "サーバ構築", True),
    ("しみゅれーしょん", "シミュレーション演習", True),  # hiragana finds katakana
    ("シミュレーション", "しみゅれーしょん", True),
    ("やまがた", "ヤマガタダイガク", True),
    ("ヤマガタ", "やまがた", True),
    ("データ分析", "分析のためのデータ", True),  # unquoted: Sudachi words apart still match (ranked lower)
    ("データ -入門", "データ分析入門", False),
    ("データ －入門", "データ分析入門", False),
    ("データ -入門", "データ分析応用", True),
    ("経営 OR 農業", "農業経済学", True),
    ("経営 OR 農業", "医療情報", False),
    ("品管", "品質管理", False),
    ("ai", "aichi", False),  # short ASCII words are whole words
    ("データ", "data", False),  # no cross-script transliteration
    ("空き缶", "空きカンのリサイクル", True),
]


def jp_chars() -> Iterator[str]:
    """Every character that renkei.text treats as Japanese (the ranges and the single ones of JP_CHARS)."""
    for a, b in re.findall(r"(.)-(.)", JP_CHARS):
        yield from map(chr, range(ord(a), ord(b) + 1))
    yield from re.sub(r".-.", "", JP_CHARS)


# words of every script we index, adjacent in one text: one pair term per two of them (tokens.pair_terms)
PAIR_TEXT = "Data science 2024 edition; café crème, Ελληνικά κείμενα, Русский текст, 한국어 강좌"
