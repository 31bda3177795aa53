"""Find taxonomy concepts in free text (program descriptions, needs): dictionary matching.

Every label and synonym of a concept is a *term*. A term is found in a text in either of two ways,
both through ``renkei.text`` (the one normalisation used for indexing, search and tagging):

1. **Surface**: ``normalise(term)`` is a substring of ``normalise(text)`` (NFKC, lower-case ASCII,
   long-vowel marks: ＤＸ = DX = dx). Where a term begins or ends with an ASCII letter or digit, the
   neighbouring character in the text must not be one of the same class, so ``sql`` is not found in
   ``mysql`` nor ``ai`` in ``mail``, while ``python`` is found in ``python3`` and ``AI`` in 生成AI.
2. **Words**: the Sudachi normalised content words of the term (``terms_for_matching``) occur as a
   contiguous run among those of the text. This folds spelling variants and particles:
   シュミレーション finds シミュレーション, サーバ構築 finds サーバー構築, データの分析 finds データ分析.
   Only terms with Japanese characters take this path (for ASCII words it adds nothing).

Terms shorter than two characters after normalisation are ignored. A few compounds in which a term
does not mean what it says (会計年度 is a fiscal year, not accounting) are blanked out first.

Each concept is reported once, with the first term found; concepts found on the surface come first,
in the order they appear in the text. Nested matches are all kept (機械学習 also yields a concept
labelled 機械, if the dictionary has one): callers rank or filter. This module does no database work;
``renkei.taxonomy.selectors.concept_dictionary`` builds and caches dictionaries from the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from renkei.text import normalise, terms_for_matching

MIN_TERM_LENGTH = 2
STOP_COMPOUNDS = ("会計年度", "クラウドファンディング")

_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_STOP = [normalise(c) for c in STOP_COMPOUNDS]


class ConceptMatch(NamedTuple):
    code: str
    term: str  # the label or synonym that was found, as written in the taxonomy


class TaggableConcept(Protocol):
    code: str

    def terms(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class ConceptDictionary:
    """Compiled terms: normalised surface -> [(code, term)], and first word -> [(words, code, term)]."""

    surface: dict[str, tuple[tuple[str, str], ...]]
    words: dict[str, tuple[tuple[tuple[str, ...], str, str], ...]]
    size: int = 0  # number of concepts

    @classmethod
    def build(cls, concepts: Iterable[tuple[str, Iterable[str]]]) -> ConceptDictionary:
        """From (code, terms) pairs, in priority order (the first concept to claim a term reports it first)."""
        surface: dict[str, list[tuple[str, str]]] = defaultdict(list)
        words: dict[str, list[tuple[tuple[str, ...], str, str]]] = defaultdict(list)
        codes: set[str] = set()
        for code, terms in concepts:
            codes.add(code)
            seen_surface: set[str] = set()
            seen_words: set[tuple[str, ...]] = set()
            for term in terms:
                key = normalise(term)
                if len(key) < MIN_TERM_LENGTH:
                    continue
                if key not in seen_surface:
                    seen_surface.add(key)
                    surface[key].append((code, term))
                if _JAPANESE.search(key):
                    forms = tuple(terms_for_matching(key))
                    if forms and forms not in seen_words:
                        seen_words.add(forms)
                        words[forms[0]].append((forms, code, term))
        return cls(
            surface={k: tuple(v) for k, v in surface.items()},
            words={k: tuple(v) for k, v in words.items()},
            size=len(codes),
        )

    @classmethod
    def from_concepts(cls, concepts: Iterable[TaggableConcept]) -> ConceptDictionary:
        return cls.build((c.code, c.terms()) for c in concepts)


def concepts_in_text(
    text: str, *, concepts: ConceptDictionary | Iterable[TaggableConcept]
) -> list[ConceptMatch]:
    """The concepts whose labels or synonyms occur in ``text``, as (concept code, matched term)."""
    dictionary = (
        concepts if isinstance(concepts, ConceptDictionary) else ConceptDictionary.from_concepts(concepts)
    )
    norm = normalise(text)
    for compound in _STOP:
        norm = norm.replace(compound, " ")
    if not norm.strip():
        return []
    found: dict[str, tuple[int, int, str]] = {}  # code -> (position, -length of the key, term)
    for key, owners in dictionary.surface.items():
        position = _find(norm, key)
        if position < 0:
            continue
        for code, term in owners:  # the earliest occurrence; at the same place, the longest term
            if code not in found or (position, -len(key)) < found[code][:2]:
                found[code] = (position, -len(key), term)
    matches = [
        ConceptMatch(code, hit[2]) for code, hit in sorted(found.items(), key=lambda item: item[1][:2])
    ]
    if dictionary.words and _JAPANESE.search(norm):
        text_words = terms_for_matching(norm)
        for index, word in enumerate(text_words):
            for forms, code, term in dictionary.words.get(word, ()):
                if code not in found and tuple(text_words[index : index + len(forms)]) == forms:
                    found[code] = (len(norm) + index, 0, term)
                    matches.append(ConceptMatch(code, term))
    return matches


def _find(text: str, key: str) -> int:
    """First position of ``key`` in ``text`` that respects ASCII word edges; -1 if none."""
    start = text.find(key)
    while start >= 0:
        end = start + len(key)
        if _edge_ok(text[start - 1] if start else "", key[0]) and _edge_ok(
            text[end] if end < len(text) else "", key[-1]
        ):
            return start
        start = text.find(key, start + 1)
    return -1


def _edge_ok(neighbour: str, edge: str) -> bool:
    """A term edge that is an ASCII letter (digit) must not touch an ASCII letter (digit) in the text."""
    if not neighbour or not edge.isascii() or not neighbour.isascii():
        return True
    if edge.isalpha():
        return not neighbour.isalpha()
    if edge.isdigit():
        return not neighbour.isdigit()
    return True
