"""Search queries: model, parser, term expansion and renderers for SQLite FTS5 and PostgreSQL.

Contract for back-ends. A :class:`Query` is an AND of ``include`` groups minus documents that match
any ``exclude`` group. A :class:`Group` (one query word or phrase) matches if ANY alternative
matches; an alternative matches if ALL its terms are in the document's :func:`index_terms`.
A :class:`Term` with ``prefix=True`` matches any index term starting with it.

* No positive group means "no text filter": exclusions then apply to all documents, and a query
  with neither (empty, or only punctuation) filters nothing. :attr:`Query.is_empty` says so.
* A Japanese run (hiragana folded to katakana) of one character needs its unigram, of two its
  bigram, of three or more its substring term (a prefix term, ``xデータ分析*``): the run must occur
  contiguously, never a false negative nor a false positive against :func:`contains_normalised`
  (after folding; runs longer than SUBSTRING_MAX need each of their windows of that length). A
  katakana run ending in ー is looked up without it (サーバー finds サーバ, コンピューター finds
  コンピュータ). A Sudachi alternative (normalized forms of the content words, anywhere in the
  document) is ORed in for runs of 3+ characters or when Sudachi changes a form, so シュミレーション
  finds シミュレーション and データの分析 finds データ分析.
* Other words (ASCII etc.) match whole index words; runs of 3+ characters are prefix terms
  (``pyth`` finds ``python``), shorter ones are exact (``ai`` does not find ``aichi``). So for
  them the oracle is "substring starting at a word start" (and ending at a word end if < 3 chars).
* A phrase (``"データ分析"``, 「データ 分析」, “…”) is one group whose Japanese runs are joined (spaces
  between Japanese characters dropped) and must occur contiguously; its Sudachi alternative is kept
  only when it is a single word (a variant spelling), never words apart. A phrase of several runs
  (``"data science"``, ``"python入門"``) also carries a :class:`Phrase`: the back-end keeps only the
  candidates whose :func:`phrase_text` holds the runs adjacent and in order within one text
  (punctuation and spaces between them ignored, never across two texts). Its first word starts a
  word, the words inside are whole, and its last word keeps the rule of a single word (a prefix if
  3+ characters); a Japanese run at either end may continue a longer run, as a single run does.
* ``-word`` / ``－word`` excludes; ``a OR b`` (upper-case OR) merges two positive words into one group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise, product

from renkei.text.normalise import normalise
from renkei.text.tokens import (
    JP_CHARS,
    SUBSTRING_MAX,
    SUBSTRING_MIN,
    SUBSTRING_PREFIX,
    UNIGRAM_SUFFIX,
    bigrams,
    content_forms,
    fold_kana,
    pair_term,
    runs,
)

__all__ = [
    "Group",
    "Phrase",
    "Query",
    "Term",
    "japanese_run_terms",
    "matches",
    "parse_query",
    "phrase_text",
    "query_terms",
    "to_fts5",
    "to_fts5_exclusions",
    "to_tsquery",
    "word_group",
]

PREFIX_MIN = 3  # non-Japanese runs at least this long are prefix terms


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """The check of a quoted phrase of several runs on a document's :func:`phrase_text`.

    ``pattern`` is a regular expression in the syntax Python's ``re`` and PostgreSQL's ``~`` share
    (literals, ``[ |]``, ``?``); ``literal`` is a substring every match contains (a cheap filter first);
    ``needles`` spell out the pattern's few written forms (``" data science"``, ``"|data science"``), so a
    back-end can check with plain substring searches in C instead of a regex (empty when there are more
    than NEEDLES_MAX).
    """

    pattern: str
    literal: str
    needles: tuple[str, ...] = ()  # every way the phrase can stand in the text (when few): plain substrings

    def search(self, text: str) -> bool:
        """Does ``text`` (a :func:`phrase_text`) hold the phrase? (What the back-ends compute in SQL.)"""
        if self.needles:
            return any(needle in text for needle in self.needles)
        return self.literal in text and re.search(self.pattern, text) is not None


@dataclass(frozen=True, slots=True)
class Group:
    """OR of alternatives, each an AND of terms; ``text`` is the normalised source, for display.

    ``check``: a quoted phrase of several runs, whose matches must also hold it in order (the terms
    find the candidates). ``members``: the groups an ``OR`` joined, when one of them has a check (the
    group then matches where any member does, each with its own check).
    """

    alternatives: tuple[tuple[Term, ...], ...]
    text: str = ""
    phrase: bool = False  # quoted: its Japanese runs contiguous, no Sudachi words apart
    exact: tuple[Term, ...] = ()  # the word as written (contiguous runs), for the phrase bonus in ranking
    check: Phrase | None = None
    members: tuple[Group, ...] = ()
    decided: bool = False  # the phrase's pair terms decide it: ``check`` is the reference, not needed

    @property
    def checked(self) -> bool:
        """True when the terms alone do not decide a match (a phrase to check, here or in a member)."""
        return (self.check is not None and not self.decided) or any(m.checked for m in self.members)

    def as_written(self) -> Group:
        """The group of the word as written only (its surface terms), or itself when it has none."""
        return Group((self.exact,), self.text, True, self.exact) if self.exact else self


@dataclass(frozen=True, slots=True)
class Query:
    include: tuple[Group, ...] = ()
    exclude: tuple[Group, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when the query constrains nothing (no text filter at all)."""
        return not self.include and not self.exclude

    @property
    def checked(self) -> bool:
        """True when a group has a phrase to check beyond its terms."""
        return any(g.checked for g in (*self.include, *self.exclude))


# --- term expansion -------------------------------------------------------------------------------


def _word(run: str) -> Term:
    return Term(run, prefix=len(run) >= PREFIX_MIN)


def japanese_run_terms(run: str) -> list[Term]:
    """The terms that find a run of Japanese characters contiguously (see the module docstring)."""
    run = fold_kana(run)
    if len(run) > SUBSTRING_MIN and run.endswith("ー") and run[-2] != "ー":
        run = run[:-1]
    if len(run) == 1:
        return [Term(run + UNIGRAM_SUFFIX)]
    if len(run) < SUBSTRING_MIN:
        return [Term(t) for t in bigrams(run)]
    last = max(len(run) - SUBSTRING_MAX, 0)
    return [Term(SUBSTRING_PREFIX + run[i : i + SUBSTRING_MAX], prefix=True) for i in range(last + 1)]


def _surface_alternative(norm: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    for is_jp, run in runs(norm):
        terms.extend(japanese_run_terms(run) if is_jp else [_word(run)])
    return tuple(dict.fromkeys(terms))


def _sudachi_terms(norm: str) -> tuple[Term, ...]:
    forms = content_forms(norm)
    long_jp = any(is_jp and len(run) >= 3 for is_jp, run in runs(norm))
    if not long_jp and all(surface == form for surface, form in forms):
        return ()
    return tuple(
        dict.fromkeys(Term(run) if is_jp else _word(run) for _, form in forms for is_jp, run in runs(form))
    )


def _sudachi_alternative(norm: str, *, phrase: bool = False) -> tuple[Term, ...]:
    """Sudachi's words of the query, or of its katakana folding when that is fewer words (a loanword
    typed in hiragana, しみゅれーしょん, is one word in katakana and nonsense split as hiragana)."""
    terms = _sudachi_terms(norm)
    folded = fold_kana(norm)
    if len(terms) > 1 and _ALL_HIRAGANA.fullmatch(norm):
        terms = min((terms, _sudachi_terms(folded)), key=len) or terms
    if phrase and len(terms) > 1:  # words apart are no phrase
        return ()
    return terms


_ALL_HIRAGANA = re.compile("[\u3041-\u3096\u309d\u309eー ]+")
_JP_SPACE = re.compile(f"(?<=[{JP_CHARS}]) (?=[{JP_CHARS}])")


def _prune(alternatives: Sequence[tuple[Term, ...]]) -> tuple[tuple[Term, ...], ...]:
    """Drop empty and duplicate alternatives and those implied by a smaller one (a superset of terms)."""
    alts = sorted({a for a in alternatives if a}, key=len)
    kept: list[tuple[Term, ...]] = []
    for alt in alts:
        if not any(set(k) <= set(alt) for k in kept):
            kept.append(alt)
    order = {a: i for i, a in enumerate(dict.fromkeys(alternatives))}
    return tuple(sorted(kept, key=order.__getitem__))


# --- phrases: the text they are checked on, and the check -----------------------------------------

TEXT_SEPARATOR = "|"  # between two texts of a document (and around them); never in a run


def _skeleton(text: str) -> str:
    return " ".join(fold_kana(run) for _, run in runs(normalise(text)))


def phrase_text(*texts: str) -> str:
    """What a phrase is checked on: each text's runs of word characters (normalised, hiragana folded)
    joined by one space, the texts joined by ``|`` and framed by it: ``|data science 入門|python|``.
    Punctuation and spaces between words are gone; two texts never run into each other."""
    parts = [part for text in texts if text and (part := _skeleton(text))]
    return TEXT_SEPARATOR + TEXT_SEPARATOR.join(parts) + TEXT_SEPARATOR if parts else ""


NEEDLES_MAX = 16  # written forms of a phrase looked for as plain substrings; more: the regex alone
_REGEX: dict[tuple[str, ...], str] = {(" ", TEXT_SEPARATOR): "[ |]", (" ", ""): " ?", ("ー", ""): "ー?"}
_BOUNDARY = (" ", TEXT_SEPARATOR)


def _phrase(joined: str) -> Phrase | None:
    """The check of a phrase (normalised, Japanese runs joined), or None when it is one run (its terms
    already find it contiguous)."""
    parts = list(runs(joined))
    if len(parts) < 2:
        return None
    pieces: list[tuple[str, ...]] = []  # in order; each the ways it may be written (one: a literal)
    for i, (is_jp, run) in enumerate(parts):
        last = i == len(parts) - 1
        if i:
            # データ・分析: the text may also write two Japanese runs as one
            pieces.append((" ", "") if parts[i - 1][0] and is_jp else (" ",))
        elif not is_jp:
            pieces.append(_BOUNDARY)
        if is_jp:
            run = fold_kana(run)
            long_vowel = len(run) > SUBSTRING_MIN and run.endswith("ー") and run[-2] != "ー"
            if long_vowel:  # サーバー finds サーバ (as its terms do)
                run = run[:-1]
            pieces.append((run,))
            if long_vowel and not last:
                pieces.append(("ー", ""))
        else:
            pieces.append((run,))
            if last and len(run) < PREFIX_MIN:
                pieces.append(_BOUNDARY)
    pattern = "".join(_REGEX[options] if len(options) > 1 else options[0] for options in pieces)
    literals = "".join(options[0] if len(options) == 1 else "\0" for options in pieces).split("\0")
    forms = 1
    for options in pieces:
        forms *= len(options)
    needles = tuple("".join(p) for p in product(*pieces)) if forms <= NEEDLES_MAX else ()
    return Phrase(pattern, max(literals, key=len), needles)


def _pair_terms(joined: str) -> tuple[Term, ...]:
    """The pair terms of a phrase: one per two adjacent non-Japanese runs, the last a prefix when its
    second word would be one alone (3+ characters)."""
    parts = list(runs(joined))
    return tuple(
        Term(pair_term(a, b), prefix=i == len(parts) - 2 and len(b) >= PREFIX_MIN)
        for i, ((jp_a, a), (jp_b, b)) in enumerate(pairwise(parts))
        if not jp_a and not jp_b
    )


def word_group(text: str, *, phrase: bool = False) -> Group | None:
    """The group for one word or a quoted phrase, or None if it yields no terms (e.g. only punctuation).

    A quoted phrase of several runs also needs the pair terms of its adjacent words (each pair within one
    text); a phrase of two words, neither Japanese, is then decided by its terms alone (``decided``),
    any other keeps its check for the candidates the pairs leave.
    """
    norm = normalise(text)
    joined = _JP_SPACE.sub("", norm) if phrase else norm
    surface = _surface_alternative(joined)
    check = _phrase(joined) if phrase else None
    pairs = _pair_terms(joined) if check is not None else ()
    surface = tuple(dict.fromkeys((*surface, *pairs)))
    alternatives = _prune((surface, _sudachi_alternative(joined, phrase=phrase)))
    decided = (
        check is not None
        and len(pairs) == 1
        and len(list(runs(joined))) == 2
        and all(pairs[0] in alternative for alternative in alternatives)
    )
    return Group(alternatives, norm, phrase, surface, check, decided=decided) if alternatives else None


def query_terms(text: str) -> tuple[Group, ...]:
    """One group per whitespace-separated word of ``text`` (no operators); all must match."""
    return tuple(g for word in normalise(text).split(" ") if (g := word_group(word)))


def matches(query: Query, terms: Iterable[str]) -> bool:
    """Evaluate ``query`` against a document's index terms in Python (reference semantics)."""
    have = set(terms)

    def term_ok(t: Term) -> bool:
        return t.text in have or (t.prefix and any(h.startswith(t.text) for h in have))

    def group_ok(g: Group) -> bool:
        return any(all(term_ok(t) for t in alt) for alt in g.alternatives)

    return all(map(group_ok, query.include)) and not any(map(group_ok, query.exclude))


# --- parser ---------------------------------------------------------------------------------------

_QUOTES = {'"': '"', "＂": "＂", "“": "”", "”": "”", "「": "」", "『": "』"}
_CLOSERS = {'"': '"＂', "＂": '"＂', "”": "”“", "」": "」", "』": "』"}
_MINUS = "-－−"


def _items(text: str) -> list[tuple[str, bool, bool]]:
    """Split raw query text into (text, excluded, quoted) items."""
    items: list[tuple[str, bool, bool]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        neg = text[i] in _MINUS and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in _MINUS
        i += neg
        if text[i] in _QUOTES:
            closers = _CLOSERS[_QUOTES[text[i]]]
            j = next((k for k in range(i + 1, n) if text[k] in closers), n)
            items.append((text[i + 1 : j], neg, True))
            i = j + 1
        else:
            j = next((k for k in range(i, n) if text[k].isspace()), n)
            items.append((text[i:j], neg, False))
            i = j
    return items


def parse_query(text: str) -> Query:
    """Parse user input: words, phrases, ``-`` exclusions, ``OR`` between positive words."""
    include: list[Group] = []
    exclude: list[Group] = []
    pending_or = False
    for raw, neg, quoted in _items(text):
        if not quoted and not neg and raw in ("OR", "ＯＲ") and include and not pending_or:
            pending_or = True
            continue
        group = word_group(raw, phrase=quoted)
        if group is None:
            continue
        if neg:
            exclude.append(group)
        elif pending_or:
            last = include[-1]
            members = (*(last.members or (last,)), group) if last.checked or group.checked else ()
            include[-1] = Group(
                _prune(last.alternatives + group.alternatives),
                f"{last.text} OR {group.text}",
                members=members,
            )
        else:
            include.append(group)
        pending_or = False
    if pending_or:  # trailing OR: it was a word after all
        include.extend(g for g in [word_group("OR")] if g)
    return Query(tuple(include), tuple(exclude))


# --- renderers ------------------------------------------------------------------------------------


def _join(parts: Sequence[str], op: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + f" {op} ".join(parts) + ")"


def _fts5_term(t: Term) -> str:
    return '"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "")


def _fts5_groups(groups: Sequence[Group], op: str) -> str:
    return _join(
        [_join([_join([_fts5_term(t) for t in a], "AND") for a in g.alternatives], "OR") for g in groups], op
    )


def to_fts5(query: Query) -> str:
    """FTS5 MATCH expression for the positive part (with NOT for exclusions); "" if no positive part."""
    if not query.include:
        return ""
    expr = _fts5_groups(query.include, "AND")
    return f"{expr} NOT {_fts5_groups(query.exclude, 'OR')}" if query.exclude else expr


def to_fts5_exclusions(query: Query) -> str:
    """FTS5 MATCH expression matching any excluded group ("" if none), for
    ``rowid NOT IN (SELECT rowid FROM fts WHERE fts MATCH ?)`` when :func:`to_fts5` is empty."""
    return _fts5_groups(query.exclude, "OR") if query.exclude else ""


def _ts_term(t: Term) -> str:
    return "'" + t.text.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if t.prefix else "")


def _ts_groups(groups: Sequence[Group], op: str) -> str:
    return _join(
        [_join([_join([_ts_term(t) for t in a], "&") for a in g.alternatives], "|") for g in groups], op
    )


def to_tsquery(query: Query) -> str:
    """Text for ``to_tsquery('simple', %s)``; "" when the query is empty (no text filter)."""
    parts = [_ts_groups(query.include, "&")] if query.include else []
    if query.exclude:
        parts.append("!" + _ts_groups(query.exclude, "|"))
    return " & ".join(parts)
