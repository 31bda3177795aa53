"""Sudachi-backed terms for the full-text index and for matching.

Term encoding (one space-separated FTS column, SQLite FTS5 ``unicode61`` or PostgreSQL
``to_tsvector('simple', ...)``):

* word terms, always *script-homogeneous*: runs of non-Japanese word characters of the normalised
  text (``python``, ``dx``, ``2024``) and the Japanese runs of Sudachi split-mode-A
  ``normalized_form`` of content words (``シミュレーション`` for シュミレーション), plus the
  runs of any form Sudachi changed (``30`` for 三十);
* Japanese bigram: two Japanese characters + ``"b"`` (``品質b``), for every pair in the normalised
  text and in changed Sudachi forms; unigram: one Japanese character + ``"u"`` (``農u``);
* Japanese substring: ``"x"`` + the first ``SUBSTRING_MAX`` characters of every suffix (of at least
  3 characters) of a Japanese run of the text (``xデータ分析``, ``xータ分析``, ``xタ分析``). A query
  run of 3+ characters is then one *prefix* term (``xデータ分析*``) that matches exactly the texts
  holding it as a contiguous run: no false positive from bigrams that occur apart.

Grams and substrings are made from the run with hiragana folded to katakana (:func:`fold_kana`), so
``しみゅれーしょん`` finds シミュレーション and ``やまがた`` finds ヤマガタ; word terms keep Sudachi's forms.

Gram terms mix Japanese and ASCII, word terms never do, so the two can never collide, and gram
terms start with a Japanese character, so an ASCII prefix query (``"b"*``) never reaches them;
substring terms start with ``x`` and a Japanese character, which no word term or ASCII prefix does.

* word pair: ``"ヲ"`` + a word + ``"ヲ"`` + the next word (``ヲdataヲscience``), for every two adjacent
  non-Japanese runs of one text (nothing between them but spaces or punctuation; a Japanese run between
  them breaks the pair). A quoted phrase of two words is then one term (the last word a prefix if it
  has 3+ characters: ``ヲdataヲsci*``). Pair terms start with a Japanese character, go on with a word
  character and hold a second ``ヲ``, so they equal no word, gram or substring term (the unigram of を,
  ``ヲu``, is shorter) and no other query prefix reaches them; they are made per text (the caller
  indexes each text apart), so two texts never make a pair.
Both tokenizers keep Japanese characters and ASCII letters inside one token (tested).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterator, Sized
from itertools import pairwise
from typing import TYPE_CHECKING, Protocol, TypeVar

from renkei.text.normalise import normalise

if TYPE_CHECKING:  # sudachipy is imported on first use (loading it costs; see _load)
    from sudachipy import Dictionary, MorphemeList, Tokenizer

__all__ = [
    "BIGRAM_SUFFIX",
    "PAIR_MARK",
    "SUBSTRING_MAX",
    "SUBSTRING_MIN",
    "SUBSTRING_PREFIX",
    "UNIGRAM_SUFFIX",
    "bigrams",
    "content_forms",
    "fold_kana",
    "index_terms",
    "pair_term",
    "pair_terms",
    "runs",
    "substrings",
    "terms_for_matching",
]

BIGRAM_SUFFIX = "b"
UNIGRAM_SUFFIX = "u"
SUBSTRING_PREFIX = "x"
PAIR_MARK = "ヲ"  # before each word of a pair term
SUBSTRING_MAX = 10  # characters of a suffix kept: a query run up to this long is matched exactly
SUBSTRING_MIN = 3  # shorter runs are matched by their unigram or bigram
# hiragana ぁ..ゖ and the iteration marks ゝゞ to their katakana (U+30A1.., ヽヾ)
_KANA = {c: c + 0x60 for c in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}

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
_dictionary: Dictionary | None = None
_drop_ids: frozenset[int] = frozenset()


def fold_kana(text: str) -> str:
    """Hiragana folded to katakana (for grams and substrings: かんご and カンゴ match alike)."""
    return text.translate(_KANA)


def substrings(run: str) -> list[str]:
    """Substring terms of a (folded) run of Japanese characters: every suffix of at least
    SUBSTRING_MIN characters, cut to SUBSTRING_MAX (empty for runs shorter than SUBSTRING_MIN)."""
    return [SUBSTRING_PREFIX + run[i : i + SUBSTRING_MAX] for i in range(len(run) - SUBSTRING_MIN + 1)]


def bigrams(run: str) -> list[str]:
    """Bigram terms of a run of Japanese characters (empty for one character)."""
    return [a + b + BIGRAM_SUFFIX for a, b in pairwise(run)]


def pair_term(first: str, second: str) -> str:
    """The term of two adjacent words (runs of non-Japanese word characters) of one text."""
    return PAIR_MARK + first + PAIR_MARK + second


def pair_terms(normalised: str) -> list[str]:
    """The pair terms of one normalised text: every two adjacent runs that are both non-Japanese."""
    found = [(m[1] is not None, m[0]) for m in _RUN.finditer(normalised)]
    return [pair_term(a, b) for (jp_a, a), (jp_b, b) in pairwise(found) if not jp_a and not jp_b]


def runs(text: str) -> Iterator[tuple[bool, str]]:
    """(is_japanese, run) for each script-homogeneous run of word characters in ``text``."""
    for m in _RUN.finditer(text):
        yield (True, m[1]) if m[1] else (False, m[2])


def _load() -> Dictionary:
    """The Sudachi dictionary, loaded once per process (memory-mapped, shared by all threads)."""
    global _dictionary, _drop_ids
    if _dictionary is not None:
        return _dictionary
    with _lock:
        if _dictionary is None:
            from sudachipy import Dictionary

            d = Dictionary(dict="core")
            ids: set[int] = set()
            i = 0
            while (pos := d.pos_of(i)) is not None:
                if pos[0] in _DROP_POS:
                    ids.add(i)
                i += 1
            _drop_ids = frozenset(ids)
            _dictionary = d
    return _dictionary


def _tokenize(text: str) -> MorphemeList:
    """Morphemes of ``text`` (<= _CHUNK chars) with this thread's tokenizer (they are not shareable)."""
    tok: Tokenizer | None = getattr(_local, "tokenizer", None)
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


class _Key(Hashable, Sized, Protocol):
    """A memo key: hashable, and with a length (the default size)."""


_K = TypeVar("_K", bound=_Key)
_V = TypeVar("_V")


class _Memo(dict[_K, _V]):
    """A bounded memo of a pure function: ``memo[key]`` is ``compute(key)``, computed on the first
    miss and kept unless ``size(key)`` is over ``key_max``; emptied when it holds ``limit`` entries.
    A hit is a plain dict read (``__missing__`` runs only on a miss). Safe to share between threads:
    a dict get or set is atomic, and a lost entry is only recomputed."""

    def __init__(
        self, compute: Callable[[_K], _V], *, limit: int, key_max: int, size: Callable[[_K], int] = len
    ) -> None:
        super().__init__()
        self.compute, self.limit, self.key_max, self.size = compute, limit, key_max, size

    def __missing__(self, key: _K) -> _V:
        value = self.compute(key)
        if self.size(key) <= self.key_max:
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value


def _folded_form(key: tuple[str, str]) -> str:
    """The form to report for a morpheme whose normalized_form differs from its surface."""
    surface, form = key
    folded = normalise(form)
    return surface if _JP_CHAR.search(folded) and not _JP_CHAR.search(surface) else folded


def _word_terms_of(form: str) -> tuple[str, ...]:
    """Terms of a content word Sudachi left unchanged: its Japanese runs (the surface part has the rest)."""
    return tuple(_JP_RUN.findall(form))


def _changed_terms_of(form: str) -> tuple[str, ...]:
    """Terms of a form Sudachi changed: every run, and the bigrams of its Japanese runs."""
    found: list[str] = []
    for is_jp, run in runs(form):
        found.append(run)
        if is_jp:
            found.extend(bigrams(fold_kana(run)))
    return tuple(found)


def _surface_terms_of(run: str) -> tuple[str, ...]:
    """Unigrams, bigrams and substrings of a run of Japanese characters, hiragana folded."""
    run = fold_kana(run)
    return (*[c + UNIGRAM_SUFFIX for c in run], *bigrams(run), *substrings(run))


# Memos of the per-morpheme work every document repeats (the vocabulary is small next to the text).
# Keys longer than key_max (rare: long unknown-word runs) are computed each time.
_MEMO_LIMIT = 20_000
_MEMO_KEY_MAX = 64  # characters
_folded = _Memo(_folded_form, limit=_MEMO_LIMIT, key_max=_MEMO_KEY_MAX, size=lambda key: len(key[0]))
_word_terms = _Memo(_word_terms_of, limit=_MEMO_LIMIT, key_max=_MEMO_KEY_MAX)  # unchanged form
_changed_terms = _Memo(_changed_terms_of, limit=_MEMO_LIMIT, key_max=_MEMO_KEY_MAX)  # changed form
# runs of Japanese characters (phrases recur): at most 93 terms (~9 kB) per entry, ~45 MB when full
_run_terms = _Memo(_surface_terms_of, limit=5_000, key_max=32)


def _forms(normalised: str) -> Iterator[tuple[str, str]]:
    """(surface, folded normalized_form) of the content words of ``normalised`` (see content_forms)."""
    _load()
    drop = _drop_ids
    for chunk in _chunks(normalised):
        for m in _tokenize(chunk):
            if m.part_of_speech_id() not in drop:
                surface, form = m.surface(), m.normalized_form()
                # rare: fold it; the surface comes from normalised text already
                yield surface, (form if form == surface else _folded[surface, form])


def content_forms(normalised: str) -> list[tuple[str, str]]:
    """(surface, folded normalized_form) of content words (no particles, auxiliaries, symbols).

    Sudachi transliterates English words (data→データ, the→ザ); such forms are replaced by the
    surface, so English text never yields Japanese terms.
    """
    return list(_forms(normalised))


def terms_for_matching(text: str) -> list[str]:
    """Sudachi normalised content words of ``text`` (lower-case, no grams), for BM25 and tagging."""
    return [form for _, form in content_forms(normalise(text)) if _RUN.search(form)]


def index_terms(text: str) -> list[str]:
    """Terms to store for a document, in the encoding above; duplicates kept (term frequency)."""
    norm = normalise(text)
    terms: list[str] = []
    append, extend = terms.append, terms.extend
    run_terms = _run_terms
    for m in _RUN.finditer(norm):  # surface: non-Japanese words, Japanese unigrams and bigrams
        run = m[1]
        if run:
            extend(run_terms[run])
        else:
            append(m[2])
    _load()
    drop, word_terms, changed_terms, folded = _drop_ids, _word_terms, _changed_terms, _folded
    for chunk in _chunks(norm):  # Sudachi: Japanese words always, others if changed (as in _forms)
        for morpheme in _tokenize(chunk):
            if morpheme.part_of_speech_id() in drop:
                continue
            surface, form = morpheme.surface(), morpheme.normalized_form()
            if form != surface:
                form = folded[surface, form]
                if form != surface:
                    extend(changed_terms[form])
                    continue
            extend(word_terms[form])
    extend(pair_terms(norm))
    return terms
