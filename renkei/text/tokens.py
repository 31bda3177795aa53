"""Sudachi-backed terms for the full-text index and for matching.

Term encoding (one space-separated FTS column, SQLite FTS5 ``unicode61`` or PostgreSQL
``to_tsvector('simple', ...)``):

* word terms, always *script-homogeneous*: runs of non-Japanese word characters of the normalised
  text (``python``, ``dx``, ``2024``) and the Japanese runs of Sudachi split-mode-A
  ``normalized_form`` of content words (``シミュレーション`` for シュミレーション), plus the
  runs of any form Sudachi changed (``30`` for 三十);
* Japanese bigram: two Japanese characters + ``"b"`` (``品質b``), for every pair in the normalised
  text and in changed Sudachi forms; unigram: one Japanese character + ``"u"`` (``農u``).

Gram terms mix Japanese and ASCII, word terms never do, so the two can never collide, and gram
terms start with a Japanese character, so an ASCII prefix query (``"b"*``) never reaches them.
Both tokenizers keep Japanese characters and ASCII letters inside one token (tested).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from renkei.text.normalise import normalise

__all__ = [
    "BIGRAM_SUFFIX",
    "UNIGRAM_SUFFIX",
    "bigrams",
    "content_forms",
    "index_terms",
    "runs",
    "terms_for_matching",
]

BIGRAM_SUFFIX = "b"
UNIGRAM_SUFFIX = "u"

# Japanese characters: kana (with ー, iteration marks), 々〆〇〻 and assigned CJK ideographs (Unicode 14).
# Every character here is a token character for both FTS5 unicode61 and PostgreSQL's parser (tested).
JP_CHARS = (
    "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3005-\u3007\u303b"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9"
    "\U00020000-\U0002a6df\U0002a700-\U0002b738\U0002b740-\U0002b81d\U0002b820-\U0002cea1"
    "\U0002ceb0-\U0002ebe0\U0002f800-\U0002fa1d\U00030000-\U0003134a"
)
_JP_RUN = re.compile(f"[{JP_CHARS}]+")
_JP_CHAR = re.compile(f"[{JP_CHARS}]")
# Letters and digits of the other scripts we index: Latin (with its extensions), Greek, Cyrillic and
# Hangul. Their categories are the same in SQLite's Unicode 6.1 tables and in Python's, so every word
# stays one FTS5 token; letters of other scripts are treated as separators (not searchable).
WORD_CHARS = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u1100-\u11ff\uac00-\ud7a3"
# A run is Japanese-only or word-characters-only (letters/digits only: no "_", no symbols).
_RUN = re.compile(f"([{JP_CHARS}]+)|((?:(?=[^\\W_])[{WORD_CHARS}])+)")

_DROP_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})
_CHUNK = 12_000  # Sudachi rejects inputs over 49,149 UTF-8 bytes; 12,000 chars x 4 bytes is below.
_CUT = re.compile(r"[ 。、.,!?]")

_lock = threading.Lock()
_local = threading.local()
_dictionary: Any = None
_drop_ids: frozenset[int] = frozenset()


def bigrams(run: str) -> list[str]:
    """Bigram terms of a run of Japanese characters (empty for one character)."""
    return [a + b + BIGRAM_SUFFIX for a, b in pairwise(run)]


def runs(text: str) -> Iterator[tuple[bool, str]]:
    """(is_japanese, run) for each script-homogeneous run of word characters in ``text``."""
    for m in _RUN.finditer(text):
        yield (True, m[1]) if m[1] else (False, m[2])


def _load() -> Any:
    """The Sudachi dictionary, loaded once per process (memory-mapped, shared by all threads)."""
    global _dictionary, _drop_ids
    if _dictionary is not None:
        return _dictionary
    with _lock:
        if _dictionary is None:
            from sudachipy import Dictionary

            d = Dictionary(dict="core")
            ids, i = set(), 0
            while (pos := d.pos_of(i)) is not None:
                if pos[0] in _DROP_POS:
                    ids.add(i)
                i += 1
            _drop_ids = frozenset(ids)
            _dictionary = d
    return _dictionary


def _tokenize(text: str) -> Any:
    """Morphemes of ``text`` (<= _CHUNK chars) with this thread's tokenizer (they are not shareable)."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        from sudachipy import SplitMode

        d = _load()
        tok = _local.tokenizer = d.tokenizer(mode=SplitMode.A)
        _local.out = tok.tokenize("")
    return tok.tokenize(text, out=_local.out)


def _chunks(text: str) -> Iterator[str]:
    while len(text) > _CHUNK:
        cut = max((m.end() for m in _CUT.finditer(text, _CHUNK // 2, _CHUNK)), default=_CHUNK)
        yield text[:cut]
        text = text[cut:]
    if text:
        yield text


def content_forms(normalised: str) -> list[tuple[str, str]]:
    """(surface, folded normalized_form) of content words (no particles, auxiliaries, symbols).

    Sudachi transliterates English words (data→データ, the→ザ); such forms are replaced by the
    surface, so English text never yields Japanese terms.
    """
    out: list[tuple[str, str]] = []
    _load()
    drop = _drop_ids
    for chunk in _chunks(normalised):
        for m in _tokenize(chunk):
            if m.part_of_speech_id() not in drop:
                surface, form = m.surface(), m.normalized_form()
                if form != surface:  # rare: fold it; the surface comes from normalised text already
                    form = normalise(form)
                    if _JP_CHAR.search(form) and not _JP_CHAR.search(surface):
                        form = surface
                out.append((surface, form))
    return out


def terms_for_matching(text: str) -> list[str]:
    """Sudachi normalised content words of ``text`` (lower-case, no grams), for BM25 and tagging."""
    return [form for _, form in content_forms(normalise(text)) if _RUN.search(form)]


def index_terms(text: str) -> list[str]:
    """Terms to store for a document, in the encoding above; duplicates kept (term frequency)."""
    norm = normalise(text)
    terms: list[str] = []
    for is_jp, run in runs(norm):  # surface: non-Japanese words, Japanese unigrams and bigrams
        if is_jp:
            terms.extend([c + UNIGRAM_SUFFIX for c in run])
            terms.extend(bigrams(run))
        else:
            terms.append(run)
    for surface, form in content_forms(norm):  # Sudachi: Japanese words always, others if changed
        if form == surface:
            terms.extend(_JP_RUN.findall(form))
            continue
        for is_jp, run in runs(form):
            terms.append(run)
            if is_jp:
                terms.extend(bigrams(run))
    return terms
