"""Reasons of a match and the reason line in Japanese or English (docs/algorithms/matching.md)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from renkei.engine.model import LEVEL_RANK, TIMES, Match, Need, Params, ProgramDoc, Reason, Taxonomy
from renkei.engine.terms import STOPWORDS, pieces
from renkei.text.tokens import runs

if TYPE_CHECKING:
    from renkei.engine.index import Index

__all__ = ["KINDS", "explain", "reason_line", "shared_stretches", "skill_credits"]

KINDS = (
    "skill",
    "skill_narrower",
    "skill_broader",
    "skill_related",
    "text",
    "precedent",
    "mode",
    "distance",
    "fee",
    "level",
    "schedule",
    "time",
)
_ORDER = {k: i for i, k in enumerate(KINDS)}
_KATAKANA = re.compile(r"[\u30a1-\u30fa]")
_MAX_TERMS = 3
_BODY_CHARS = 2000


def shared_stretches(source: str, need_norm: str, limit: int = _MAX_TERMS) -> tuple[str, ...]:
    """The longest stretches of ``source`` (already normalised) that occur in the normalised need text.

    Japanese runs are cut at hiragana (particles and endings: 工場の品質管理 gives 工場 and 品質管理),
    and each piece is read greedily from the left for the longest stretch of two or more characters
    that the need contains; other words count when the need has them as words (not stop words).
    """
    return stretches_of_pieces(pieces(source), need_norm, limit)


def stretches_of_pieces(
    prepared: Sequence[tuple[bool, str]], need_norm: str, limit: int = _MAX_TERMS
) -> tuple[str, ...]:
    """:func:`shared_stretches` over pieces prepared by the index."""
    if not need_norm:
        return ()
    global _memo
    memo_norm, memo = _memo  # one read: the memo belongs to this need text
    if memo_norm != need_norm:
        memo = {}
        _memo = (need_norm, memo)
    found: list[str] = []
    for piece in prepared:
        got = memo.get(piece)
        if got is None:
            got = memo[piece] = _piece_stretches(piece, need_norm)
        for stretch in got:
            if stretch not in found:
                found.append(stretch)
    if len(found) <= 1:
        return tuple(found)
    # the longest first, then in order of appearance; drop a stretch inside a longer one
    ranked = sorted(range(len(found)), key=lambda n: (-len(found[n]), n))
    kept: list[int] = []
    for n in ranked:
        if not any(found[n] in found[m] for m in kept):
            kept.append(n)
        if len(kept) == limit:
            break
    return tuple(found[n] for n in sorted(kept))


# The stretches of each piece for the last need text: a need's ten matches share many pieces.
_memo: tuple[str, dict[tuple[bool, str], tuple[str, ...]]] = ("", {})


def _piece_stretches(prepared: tuple[bool, str], need_norm: str) -> tuple[str, ...]:
    """The stretches of one piece found in the need text, in reading order (see shared_stretches)."""
    is_jp, piece = prepared
    if not is_jp:
        if piece in STOPWORDS or piece not in {run for jp, run in runs(need_norm) if not jp}:
            return ()
        return (piece,)
    out: list[str] = []
    i = 0
    while i < len(piece) - 1:
        j = i + 2
        if piece[i:j] not in need_norm:
            i += 1
            continue
        while j < len(piece) and piece[i : j + 1] in need_norm:
            j += 1
        out.append(piece[i:j])
        i = j
    return tuple(out)


def _text_terms(index: Index, p: int, terms: Sequence[tuple[int, float]], need_norm: str) -> tuple[str, ...]:
    program = index.programs[p]
    found = stretches_of_pieces(index.heads[p], need_norm)
    if not found and program.body:
        found = stretches_of_pieces(index.body_pieces(p, _BODY_CHARS), need_norm)
    if not found:  # words shared only through Sudachi's normalised forms (シュミレーション) or stems
        return index.text.shared_words(p, terms, _MAX_TERMS)
    if not any(_KATAKANA.search(f) for f in found):
        return found
    # a katakana stretch inside a longer shared word gives way to it (レーション → シミュレーション)
    words = index.text.shared_words(p, terms, 2 * _MAX_TERMS)
    better = [next((w for w in words if f in w and len(w) > len(f)), f) for f in found]
    return tuple(dict.fromkeys(better))


def explain(
    index: Index,
    need: Need,
    need_norm: str,
    p: int,
    need_terms: Sequence[tuple[int, float]],
    credits: Mapping[int, Sequence[tuple[int, float, str]]],
    values: Mapping[str, float],
    contributions: Mapping[str, float],
    precedent_hits: int,
    distance_km: float,
) -> tuple[Reason, ...]:
    """The reasons of one match: one per active component (skills split by how they matched), in the
    display order of KINDS."""
    program = index.programs[p]
    reasons: list[Reason] = []
    value = values.get("skills")
    if value is not None:
        reasons.extend(_skill_reasons(credits, program, contributions["skills"], value))
    value = values.get("text")
    if value is not None:
        terms = _text_terms(index, p, need_terms, need_norm) if value > 0 else ()
        reasons.append(Reason("text", contributions["text"], terms, (), value))
    if "precedent" in values:
        reasons.append(Reason("precedent", contributions["precedent"], (), (), float(precedent_hits)))
    value = values.get("mode")
    if value is not None:
        reasons.append(Reason("mode", contributions["mode"], (), (), value, program.mode))
    if "distance" in values:
        km = None if math.isnan(distance_km) else round(distance_km, 1)
        reasons.append(Reason("distance", contributions["distance"], (), (), km, program.mode))
    value = values.get("fee")
    if value is not None:
        fee = None if program.fee_yen is None else float(program.fee_yen)
        verdict = "" if fee is None else "within" if value >= 1 else "over"
        reasons.append(Reason("fee", contributions["fee"], (), (), fee, verdict))
    value = values.get("level")
    if value is not None:
        reasons.append(Reason("level", contributions["level"], (), (), value, program.level))
    value = values.get("schedule")
    if value is not None:
        start = _first_start(program, need) if program.starts else None
        text = start.isoformat() if start else ""
        reasons.append(Reason("schedule", contributions["schedule"], (), (), value, text))
    value = values.get("time")
    if value is not None:
        shared = tuple(t for t in TIMES if t in program.times and t in need.times)
        reasons.append(Reason("time", contributions["time"], shared, (), value))
    return tuple(reasons)


def _first_start(program: ProgramDoc, need: Need) -> date | None:
    lo = need.start_from or date.min
    hi = need.start_until or date.max
    inside = sorted(d for d in program.starts if lo <= d <= hi)
    return inside[0] if inside else None


def _skill_reasons(
    credits: Mapping[int, Sequence[tuple[int, float, str]]],
    program: ProgramDoc,
    contribution: float,
    value: float,
) -> list[Reason]:
    """For each need skill, the program's concept of best credit (the lowest id among equals); the
    credits summed by kind (in the order of the need's skills) share the contribution."""
    best: dict[int, tuple[float, int, str]] = {}
    inverted = _inverted(credits)
    for c in program.skills:
        for s, credit, kind in inverted.get(c, ()):
            got = best.get(s)
            if got is None or credit > got[0] or (credit == got[0] and c < got[1]):
                best[s] = (credit, c, kind)
    if not best:
        return [Reason("skill", 0.0, (), (), 0.0)]
    by_kind: dict[str, list[int]] = {}
    credit_by_kind: dict[str, float] = {}
    for s in sorted(best):
        credit, c, kind = best[s]
        if c not in by_kind.setdefault(kind, []):
            by_kind[kind].append(c)
        credit_by_kind[kind] = credit_by_kind.get(kind, 0.0) + credit
    total = sum(credit_by_kind.values())
    out = [
        Reason(kind, contribution * credit_by_kind[kind] / total, (), tuple(cs), value)
        for kind, cs in by_kind.items()
    ]
    if len(out) > 1:
        out.sort(key=lambda r: _ORDER[r.kind])
    return out


def _inverted(
    credits: Mapping[int, Sequence[tuple[int, float, str]]],
) -> Mapping[int, list[tuple[int, float, str]]]:
    """concept -> (need skill, credit, kind): the need's credits the other way round (memoised for the
    last need: its matches are explained one after the other)."""
    global _inverted_memo
    held, inverted = _inverted_memo
    if held is credits:
        return inverted
    inverted = {}
    for s, entries in credits.items():
        for c, credit, kind in entries:
            inverted.setdefault(c, []).append((s, credit, kind))
    _inverted_memo = (credits, inverted)
    return inverted


_inverted_memo: tuple[object, dict[int, list[tuple[int, float, str]]]] = (None, {})


def skill_credits(skill: int, taxonomy: Taxonomy, params: Params) -> list[tuple[int, float, str]]:
    """(concept, credit, reason kind) for one need skill, best credit per concept."""
    best: dict[int, tuple[float, str]] = {skill: (1.0, "skill")}
    for group, credit, kind in (
        (taxonomy.narrower.get(skill, frozenset()), params.narrower, "skill_narrower"),
        (taxonomy.broader.get(skill, frozenset()), params.broader, "skill_broader"),
        (taxonomy.related.get(skill, frozenset()), params.related, "skill_related"),
    ):
        for c in group:
            if credit > best.get(c, (0.0, ""))[0]:
                best[c] = (credit, kind)
    return [(c, v, k) for c, (v, k) in sorted(best.items())]


# --- the reason line ------------------------------------------------------------------------------

_MODE = {
    "onsite": ("対面", "on site"),
    "online": ("オンライン", "online"),
    "hybrid": ("ハイブリッド", "hybrid"),
    "on_demand": ("オンデマンド", "on demand"),
}
_TIME = {
    "morning": ("午前", "morning"),
    "daytime": ("平日昼", "weekday daytime"),
    "evening": ("夜間", "evening"),
    "weekend": ("週末", "weekend"),
}
_SKILL_HEAD = {
    "skill": ("スキル", "skills"),
    "skill_narrower": ("関連スキル(下位)", "related skills (narrower)"),
    "skill_broader": ("関連スキル(上位)", "related skills (broader)"),
    "skill_related": ("関連スキル(関連)", "related skills (related)"),
}


def _yen(amount: float, lang: str) -> str:
    n = round(amount)
    if lang == "en":
        return "free" if n == 0 else f"¥{n:,}"
    if n == 0:
        return "無料"
    return f"{n // 10_000}万円" if n % 10_000 == 0 else f"{n:,}円"


def _part(reason: Reason, lang: str, taxonomy: Taxonomy) -> str:
    en = lang == "en"
    kind = reason.kind
    if kind in _SKILL_HEAD:
        if not reason.concepts:
            return ""
        labels = ", ".join(taxonomy.label(c, lang) for c in reason.concepts)
        return f"{_SKILL_HEAD[kind][en]}: {labels}"
    if kind == "text":
        return f"{'text' if en else '本文'}: {', '.join(reason.terms)}" if reason.terms else ""
    if kind == "precedent":
        n = int(reason.value or 0)
        if not n:
            return ""
        return f"{n} similar need{'s' if n > 1 else ''}" if en else f"類似ニーズ {n}件"
    if kind == "mode":
        return _MODE[reason.text][en] if reason.value == 1 and reason.text in _MODE else ""
    if kind == "distance":
        if reason.value is None:
            return ""
        km = reason.value
        return f"{km:.0f} km" if km >= 1 else ("under 1 km" if en else "1 km未満")
    if kind == "fee":
        if reason.value is None:
            return ""
        fee = _yen(reason.value, lang)
        if en:
            return f"fee {fee} ({'within budget' if reason.text == 'within' else 'over budget'})"
        return f"受講料 {fee} ({'予算内' if reason.text == 'within' else '予算超過'})"
    if kind == "level":
        if reason.text not in LEVEL_RANK or not reason.value:
            return ""
        same = reason.value >= 1
        return (
            ("level matches" if same else "level close") if en else ("レベル一致" if same else "レベル近い")
        )
    if kind == "schedule":
        return f"{'starts' if en else '開始'} {reason.text}" if reason.text and reason.value == 1 else ""
    if kind == "time":
        return ", ".join(_TIME[t][en] for t in reason.terms if t in _TIME)
    return ""


def reason_line(match: Match, lang: str = "ja", taxonomy: Taxonomy | None = None) -> str:
    """The match's reasons as one line (``lang`` "ja" or "en"), parts joined with " / "."""
    tax = taxonomy or Taxonomy()
    parts = (_part(r, lang, tax) for r in sorted(match.reasons, key=lambda r: _ORDER.get(r.kind, 99)))
    return " / ".join(p for p in parts if p)
