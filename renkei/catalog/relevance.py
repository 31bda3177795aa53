"""Relevance: BM25F over the program's fields, evaluated on bitmaps, for every match (not only a page).

A query word (a `renkei.text.Group`) is found in a program's fields: the **title** (as written, the
whole word contiguous: the *phrase* bonus; or through its Sudachi words, possibly apart), the
**summary** (title + summary), the **tags** (a field or skill of the program whose label or synonym
matches the word) and the **body** (anything else the index holds: description, provider, venue, …;
every match has it). The score is BM25F with a binary term frequency per field:

    tf~(word, program) = Σ_field weight(field) · [word in field]
    score(program)     = Σ_words idf(word) · tf~ / (K1 + tf~)

with idf from the number of programs whose title or summary hold the word (one word: idf does not
change the order, and is not computed). A program's place is fixed by one *state* per word (5 levels
× 4 levels of tags), so the matches fall into at most 20^words classes of equal score: each class is one
bitmap (intersections of the words' field bitmaps), ranked by its score; inside a class, programs
whose title holds the words come shorter title first (BM25's length normalisation of the title field),
then newest; the others newest first. Every page, the 1st or the 50th, is read from the bitmaps. See
docs/decisions/0002-search-index.md.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from renkei.catalog import bitmaps
from renkei.text import Group, Query

if TYPE_CHECKING:
    from renkei.catalog.search import _Backend

K1 = 1.2
WEIGHTS = {"phrase": 2.0, "title": 3.0, "summary": 1.5, "part": 0.75, "tags": 1.0, "body": 0.5}
TAG_WEIGHT = {3: 1.5 * WEIGHTS["tags"], 2: WEIGHTS["tags"], 1: 0.5 * WEIGHTS["tags"], 0: 0.0}
# per level: 4 the word as written in the title, 3 in the title (Sudachi words apart), 2 in the title
# or summary, 1 some of its Sudachi words in the title or summary (a partial match, as BM25 credits
# each term), 0 elsewhere. Title matches count for the title + summary field too.
LEVEL_WEIGHT = {
    4: WEIGHTS["phrase"] + WEIGHTS["title"] + WEIGHTS["summary"],
    3: WEIGHTS["title"] + WEIGHTS["summary"],
    2: WEIGHTS["summary"],
    1: WEIGHTS["part"],
    0: 0.0,
}
STATES = 20  # 5 levels × 4 tag levels
MAX_WORDS = 3  # words beyond these still filter, but do not split the classes (at most 20^3 classes)
REST = -1  # code of "every other match" when the page is full before it (unscored, newest first)


@dataclass(frozen=True, slots=True)
class Tier:
    code: int  # the state of each word, base STATES (a cursor remembers it)
    order: str  # an order of `bitmaps.ORDERS`
    bits: bitmaps.Bits
    score: float


def word_score(level: int, tags: int, idf: float = 1.0) -> float:
    """BM25F saturation of one word's weighted presence in the fields."""
    weight = WEIGHTS["body"] + LEVEL_WEIGHT[level] + TAG_WEIGHT[tags]
    return idf * weight / (K1 + weight)


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


# --- tags: the words of the fields and skills people see on a program ----------------------------------


class _TagIndex:
    """term -> (facet, value) of the field and skill values in the facet bitmaps, from their labels and
    synonyms (the same index terms as the programs'). Built once per bitmaps (per index token)."""

    def __init__(self, maps: bitmaps.FacetBitmaps) -> None:
        from renkei.catalog.search import concept_terms_by_id  # search imports this module

        keys = {(facet, raw) for facet in ("field", "skill") for raw in maps.values.get(facet, {})}
        ids = {int(raw) for _, raw in keys if raw.isdigit()}
        by_term: dict[str, set[tuple[str, str]]] = {}
        for pk, terms in concept_terms_by_id(ids).items():
            for facet in ("field", "skill"):
                if (facet, str(pk)) in keys:
                    for term in terms.split():
                        by_term.setdefault(term, set()).add((facet, str(pk)))
        self.by_term = by_term
        self.vocabulary = sorted(by_term)

    def values(self, group: Group) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for alternative in group.alternatives:
            sets = []
            for term in alternative:
                if term.prefix:
                    start = bisect_left(self.vocabulary, term.text)
                    hit: set[tuple[str, str]] = set()
                    for text in self.vocabulary[start:]:
                        if not text.startswith(term.text):
                            break
                        hit |= self.by_term[text]
                    sets.append(hit)
                else:
                    sets.append(self.by_term.get(term.text, set()))
            found |= set.intersection(*sets) if sets else set()
        return found


def tag_index(maps: bitmaps.FacetBitmaps) -> _TagIndex:
    """The term -> tag index of these bitmaps (one query for the concepts' labels, once per token)."""
    index = maps.memo.get("tags")
    if index is None:
        index = maps.memo["tags"] = _TagIndex(maps)
    assert isinstance(index, _TagIndex)
    return index


def tag_bits(maps: bitmaps.FacetBitmaps, group: Group) -> list[tuple[int, bitmaps.Bits]]:
    """The programs by how their fields and skills match `group`: (3, a label or synonym holds the word
    and another tag holds part of it too), (2, a tag holds the word), (1, a tag holds part of it: one of
    its Sudachi words); disjoint, most first. BM25's term frequency for the tags field, in three steps."""
    index = tag_index(maps)
    full = index.values(group)
    terms = tuple(dict.fromkeys((t,) for alternative in group.alternatives for t in alternative))
    part = index.values(Group(terms, group.text)) | full
    union, twice = bitmaps.EMPTY, bitmaps.EMPTY
    for facet, raw in part:
        bits = maps.values[facet][raw]
        twice |= union & bits
        union |= bits
    whole = bitmaps.Bits.union(bitmaps.EMPTY, *(maps.values[facet][raw] for facet, raw in full))
    return [(3, whole & twice), (2, whole - twice), (1, union - whole)]


# --- the classes -----------------------------------------------------------------------------------------


def tiers(
    engine: _Backend,
    query: Query,
    maps: bitmaps.FacetBitmaps,
    matching: bitmaps.Bits,
    *,
    need: int | None = None,
) -> list[Tier]:
    """The matches in classes of equal score, best first. With `need` (offset + limit of a page) and one
    word, the summary lookup is skipped when the title classes alone fill the page: everything after
    them is one unscored class (`REST`)."""
    groups = query.include[:MAX_WORDS]
    if not groups or not matching:
        return [Tier(0, "newest", matching, 0.0)]
    n = len(maps.universe)
    words: list[tuple[list[tuple[int, bitmaps.Bits]], list[tuple[int, bitmaps.Bits]], float]] = []
    lazy = need is not None and len(groups) == 1
    for group in groups:
        title = engine.group_bits(query, group, "title") & matching
        if not group.exact or group.alternatives == (group.exact,):  # only the word as written
            exact = title
        else:
            exact = engine.group_bits(query, group.as_written(), "title") & title
        levels = [(4, exact), (3, title - exact)]
        tagged = [(level, bits & matching) for level, bits in tag_bits(maps, group)]
        if lazy and need is not None and len(title) >= need:
            tiers_ = _classes([(levels, tagged, 1.0)], matching)
            return [*tiers_, Tier(REST, "newest", matching - title, 0.0)]
        short_all = engine.group_bits(query, group, "short")
        short = short_all & matching
        levels.append((2, short - title))
        rest = matching - short - title
        terms = tuple(dict.fromkeys((t,) for alternative in group.alternatives for t in alternative))
        if len(terms) > len(group.alternatives):  # some alternative has several words
            part = engine.group_bits(query, Group(terms, group.text), "short") & rest
            levels.append((1, part))
            rest = rest - part
        levels.append((0, rest))
        weight = 1.0 if len(groups) == 1 else idf(len(short_all & maps.universe), n)
        words.append((levels, tagged, weight))
    return _classes(words, matching)


def _classes(
    words: list[tuple[list[tuple[int, bitmaps.Bits]], list[tuple[int, bitmaps.Bits]], float]],
    matching: bitmaps.Bits,
) -> list[Tier]:
    # (code, score, in title, bits), split word by word; empty classes are dropped as they appear
    found: list[tuple[int, float, bool, bitmaps.Bits]] = [(0, 0.0, False, matching)]
    for i, (levels, tagged, weight) in enumerate(words):
        split = []
        for code, score, in_title, bits in found:
            for level, level_bits in levels:
                part = bits & level_bits
                if not part:
                    continue
                rest = part
                for tags, tag_bits_ in tagged:
                    tag_part = part & tag_bits_
                    if tag_part:
                        rest = rest - tag_part
                        split.append(_state(i, level, tags, weight, (code, score, in_title), tag_part))
                if rest:
                    split.append(_state(i, level, 0, weight, (code, score, in_title), rest))
        found = split
    found.sort(key=lambda c: (-c[1], c[0]))
    return [
        Tier(code, "focus" if in_title else "newest", bits, score) for code, score, in_title, bits in found
    ]


def _state(
    i: int, level: int, tags: int, weight: float, parent: tuple[int, float, bool], bits: bitmaps.Bits
) -> tuple[int, float, bool, bitmaps.Bits]:
    code, score, in_title = parent
    return (
        code + (level * 4 + tags) * STATES**i,
        score + word_score(level, tags, weight),
        in_title or level >= 3,
        bits,
    )
