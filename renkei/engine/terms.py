"""The engine's text terms: Sudachi normalised forms, Japanese bigrams and crude English stems.

Word terms are script-homogeneous runs (``品質``, ``python``); bigram terms are two Japanese characters
plus ``"b"`` (``品質b``, as in the search index), so the two kinds never collide. A non-Japanese word
longer than ``stem`` characters also yields its first ``stem`` characters (``management`` → ``manage``).
"""

from __future__ import annotations

import re

from renkei.text.normalise import normalise
from renkei.text.tokens import BIGRAM_SUFFIX, bigrams, content_forms, runs

__all__ = ["STOPWORDS", "is_bigram", "pieces", "split_terms"]

_HIRAGANA = re.compile(r"[\u3041-\u309f]+")  # hiragana (no ー: it belongs to katakana words)
_ALL_HIRAGANA = re.compile(r"[\u3041-\u309f]+")

# Japanese function words that Sudachi keeps as content words (formal nouns, light verbs), by surface:
# 「案内するための英語」 shares 為 and 為る with 「教員のための…」, which says nothing of what either is about.
JA_STOPWORDS = frozenset(
    [
        "ため",
        "する",
        "こと",
        "もの",
        "よう",
        "とき",
        "ところ",
        "ある",
        "いる",
        "なる",
        "できる",
        "など",
        "ほう",
    ]
)

# English function words: Sudachi keeps them as nouns of unknown words, and they carry nothing.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
        "within",
    ]
)


def is_bigram(term: str) -> bool:
    return len(term) == 3 and term[2] == BIGRAM_SUFFIX and not term[0].isascii()


def split_terms(text: str, stem: int) -> tuple[list[str], list[str], str]:
    """(word terms, bigram terms, normalised text) of ``text``; duplicates kept (term frequency)."""
    norm = normalise(text)
    if not norm:
        return [], [], norm
    words: list[str] = []
    for surface, form in content_forms(norm):
        if surface in JA_STOPWORDS:
            continue
        for is_jp, run in runs(form):
            if is_jp:
                words.append(run)
            elif run not in STOPWORDS:
                words.append(run)
                if stem and len(run) > stem and not run.isdigit():
                    words.append(run[:stem])
    grams: list[str] = []
    for is_jp, run in runs(norm):
        if is_jp:  # not two kana of grammar (のた, ため, する): particles and endings match everywhere
            grams.extend(g for g in bigrams(run) if not _ALL_HIRAGANA.fullmatch(g[:2]))
    return words, grams, norm


def pieces(norm: str) -> tuple[tuple[bool, str], ...]:
    """(is_japanese, piece) of normalised text: Japanese runs cut at hiragana, and other words."""
    out: list[tuple[bool, str]] = []
    for is_jp, run in runs(norm):
        if is_jp:
            out.extend((True, piece) for piece in _HIRAGANA.split(run) if len(piece) > 1)
        elif len(run) > 1:
            out.append((False, run))
    return tuple(out)
