"""Index and ranking (docs/algorithms/matching.md): BM25 postings in NumPy arrays, skills through the
taxonomy, precedents, constraints, and the top k with their reasons."""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from renkei.engine.model import (
    DEFAULT_PARAMS,
    LEVEL_RANK,
    TIMES,
    Match,
    Need,
    Params,
    Precedent,
    ProgramDoc,
    Taxonomy,
)
from renkei.engine.reasons import explain, skill_credits
from renkei.engine.terms import pieces, split_terms
from renkei.text.normalise import normalise

__all__ = ["Index", "build_index", "rank_needs", "rank_programs", "rank_programs_batch"]

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
IP = npt.NDArray[np.intp]  # positions used as fancy indices: NumPy indexes without converting them
I8 = npt.NDArray[np.int8]
Progress = Callable[[int, int], None]

_MODE_CODE = {"onsite": 1, "online": 2, "hybrid": 3, "on_demand": 4}
_NO_TRAVEL = (2, 4)  # online, on demand
_TIME_BIT = {t: 1 << i for i, t in enumerate(TIMES)}
_ROUND = 9
_DAY_SPAN = 1 << 22  # above date.max.toordinal()
_EMPTY_TAXONOMY = Taxonomy()


class _Bm25:
    """Term postings over documents of up to three weighted fields, with a title-coverage table."""

    def __init__(self, fields: Sequence[tuple[str, str, str]], params: Params) -> None:
        self.params = params
        self.vocab: dict[str, int] = {}
        vocab = self.vocab
        kind: list[float] = []
        docs, tids, tfs = array("i"), array("i"), array("d")
        t_docs, t_tids = array("i"), array("i")
        w_tids, w_offsets = array("i"), array("q", [0])
        lengths = array("d")
        tw, sw = params.title_weight, params.summary_weight
        for d, (title, summary, body) in enumerate(fields):
            tf: dict[str, float] = {}
            title_terms: set[str] = set()
            for text, weight, is_title in ((title, tw, True), (summary, sw, False), (body, 1.0, False)):
                if not text:
                    continue
                words, grams, _ = split_terms(text, params.stem)
                for term in words:
                    tf[term] = tf.get(term, 0.0) + weight
                for term in grams:
                    tf[term] = tf.get(term, 0.0) + weight
                if is_title:
                    title_terms.update(words)
                    title_terms.update(grams)
            length = 0.0
            for term, f in tf.items():
                tid = vocab.get(term)
                if tid is None:
                    tid = vocab[term] = len(vocab)
                    kind.append(params.bigram_weight if _is_gram(term) else params.word_weight)
                docs.append(d)
                tids.append(tid)
                tfs.append(f)
                length += f
            lengths.append(length)
            for term in title_terms:
                t_docs.append(d)
                t_tids.append(vocab[term])
            w_tids.extend(sorted(vocab[t] for t in tf if not _is_gram(t)))
            w_offsets.append(len(w_tids))
        n = len(fields)
        self.n = n
        self.terms = list(vocab)  # term id -> term
        # forward index of word terms (not bigrams), for the words shown in a reason
        self.word_offsets = np.frombuffer(w_offsets, dtype=np.int64).copy()
        self.word_tids: I32 = (
            np.frombuffer(w_tids, dtype=np.int32).copy() if w_tids else np.zeros(0, np.int32)
        )
        v = len(vocab)
        doc_arr = np.frombuffer(docs, dtype=np.int32) if docs else np.zeros(0, np.int32)
        tid_arr = np.frombuffer(tids, dtype=np.int32) if tids else np.zeros(0, np.int32)
        tf_arr = np.frombuffer(tfs, dtype=np.float64) if tfs else np.zeros(0, np.float64)
        len_arr = np.frombuffer(lengths, dtype=np.float64) if lengths else np.zeros(0, np.float64)
        df = np.bincount(tid_arr, minlength=v).astype(np.float64)
        self.df = df
        idf = np.log1p((n - df + 0.5) / (df + 0.5))
        self.kind = np.asarray(kind, dtype=np.float64)
        self.idf = idf * self.kind  # kind weights folded in
        self.active = df <= max(
            float(params.stop_min_df), params.max_df * n
        )  # terms in too many documents are stop terms
        avg = float(len_arr.mean()) if n and len_arr.mean() > 0 else 1.0
        k1, b = params.k1, params.b
        doc_norm = k1 * (1 - b + b * len_arr / avg)
        post_weight = self.idf[tid_arr] * tf_arr * (k1 + 1) / (tf_arr + doc_norm[doc_arr])
        order = np.argsort(tid_arr, kind="stable")
        self.post_docs: IP = doc_arr[order].astype(np.intp)
        self.post_w: F32 = post_weight[order].astype(np.float32)
        self.offsets = np.zeros(v + 1, dtype=np.int64)
        self.offsets[1:] = np.cumsum(df.astype(np.int64))
        self.term_max = np.zeros(v, dtype=np.float64)  # each term's largest weight (scoring order)
        if self.post_w.size:
            np.maximum.at(self.term_max, tid_arr[order], self.post_w.astype(np.float64))
        # title coverage: for each document, its title terms weighted by idf / the title's idf mass
        t_doc = np.frombuffer(t_docs, dtype=np.int32) if t_docs else np.zeros(0, np.int32)
        t_tid = np.frombuffer(t_tids, dtype=np.int32) if t_tids else np.zeros(0, np.int32)
        t_idf = self.idf[t_tid] * self.active[t_tid]
        mass = np.bincount(t_doc, weights=t_idf, minlength=n)
        t_w = np.divide(t_idf, mass[t_doc], out=np.zeros_like(t_idf), where=mass[t_doc] > 0)
        t_order = np.argsort(t_tid, kind="stable")
        self.title_docs: IP = t_doc[t_order].astype(np.intp)
        self.title_w: F32 = t_w[t_order].astype(np.float32)
        self.title_offsets = np.zeros(v + 1, dtype=np.int64)
        self.title_offsets[1:] = np.cumsum(np.bincount(t_tid, minlength=v))
        # the same values as Python lists, for the per-term lookups of a query (no NumPy scalars)
        self.idf_list: list[float] = self.idf.tolist()
        self.active_list: list[bool] = self.active.tolist()
        self.term_max_list: list[float] = self.term_max.tolist()

    def shared_words(self, doc: int, terms: Sequence[tuple[int, float]], limit: int) -> tuple[str, ...]:
        """The document's word terms found among the query terms, highest idf first."""
        mine = self.word_tids[self.word_offsets[doc] : self.word_offsets[doc + 1]].tolist()
        wanted = {t for t, _ in terms}
        idf = self.idf_list
        best = sorted((t for t in mine if t in wanted), key=lambda t: (-idf[t], t))
        return tuple(self.terms[t] for t in best if len(self.terms[t]) > 1)[:limit]

    def query(self, words: Sequence[str], grams: Sequence[str]) -> tuple[list[tuple[int, float]], float]:
        """(term id, query weight) of the known, active terms, in scoring order (highest possible
        contribution first, then term id), and their mass (the normaliser of the raw score)."""
        counts = Counter(words)
        counts.update(grams)
        k3, k1 = self.params.k3, self.params.k1
        vocab, active, idf = self.vocab, self.active_list, self.idf_list
        terms: list[tuple[int, float]] = []
        mass = 0.0
        for term, qtf in counts.items():
            tid = vocab.get(term)
            if tid is None or not active[tid]:
                continue
            q = qtf * (k3 + 1) / (qtf + k3)
            terms.append((tid, q))
            mass += q * idf[tid] * (k1 + 1)
        term_max = self.term_max_list
        terms.sort(key=lambda t: (-t[1] * term_max[t[0]], t[0]))
        return terms, mass

    def value(self, raw: F64, cov: F64, mass: float) -> F64:
        """The text value in [0, 1] from the raw BM25 sum and the title coverage."""
        if mass <= 0:
            return np.zeros_like(raw)
        x = raw / mass
        value: F64 = x / (x + self.params.text_half)
        mix = self.params.coverage_mix
        if mix:
            value = (1 - mix) * value + mix * np.minimum(cov, 1.0)
        return value

    def add(self, raw: F64, cov: F64, tid: int, q: float) -> None:
        """Add one query term's contributions to ``raw`` and ``cov``."""
        lo, hi = self.offsets[tid], self.offsets[tid + 1]
        t_lo, t_hi = self.title_offsets[tid], self.title_offsets[tid + 1]
        raw[self.post_docs[lo:hi]] += q * self.post_w[lo:hi]
        if t_hi > t_lo:
            cov[self.title_docs[t_lo:t_hi]] += self.title_w[t_lo:t_hi]

    def scores(self, terms: Sequence[tuple[int, float]], mass: float) -> F64:
        """Text value for every document (all terms, in scoring order)."""
        raw = np.zeros(self.n, dtype=np.float64)
        cov = np.zeros(self.n, dtype=np.float64)
        for tid, q in terms:
            self.add(raw, cov, tid, q)
        return self.value(raw, cov, mass)


def _is_gram(term: str) -> bool:
    return len(term) == 3 and term[2] == "b" and not term[0].isascii()


@dataclass(frozen=True, slots=True)
class _Precedents:
    bm25: _Bm25
    offsets: npt.NDArray[np.int64]
    programs: I32
    grades: F64


class Index:
    """Programs prepared for ranking; build it with :func:`build_index` (immutable once built)."""

    def __init__(
        self,
        programs: Iterable[ProgramDoc],
        *,
        taxonomy: Taxonomy = _EMPTY_TAXONOMY,
        params: Params = DEFAULT_PARAMS,
        precedents: Iterable[Precedent] = (),
    ) -> None:
        progs = sorted(programs, key=lambda p: p.id)
        ids = [p.id for p in progs]
        if len(set(ids)) != len(ids):
            seen: set[int] = set()
            dup = next(i for i in ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
            raise ValueError(f"duplicate program id {dup}")
        self.programs: tuple[ProgramDoc, ...] = tuple(progs)
        self.params = params
        self.taxonomy = taxonomy
        self.ids = np.asarray(ids, dtype=np.int64)
        self.position: dict[int, int] = {pid: i for i, pid in enumerate(ids)}
        self.text = _Bm25([(p.title, p.summary, p.body) for p in progs], params)
        n = len(progs)
        # skills: concept -> program positions
        by_skill: dict[int, list[int]] = {}
        for i, p in enumerate(progs):
            for c in p.skills:
                by_skill.setdefault(c, []).append(i)
        self.by_skill = {c: np.asarray(v, dtype=np.intp) for c, v in by_skill.items()}
        # constraint data as arrays
        self.mode: I8 = np.asarray([_MODE_CODE.get(p.mode, 0) for p in progs], dtype=np.int8)
        self.level: I8 = np.asarray([LEVEL_RANK.get(p.level, 0) for p in progs], dtype=np.int8)
        self.lat = np.asarray([p.place.lat if p.place else np.nan for p in progs], dtype=np.float64)
        self.lon = np.asarray([p.place.lon if p.place else np.nan for p in progs], dtype=np.float64)
        self.fee = np.asarray(
            [np.nan if p.fee_yen is None else float(p.fee_yen) for p in progs], dtype=np.float64
        )
        self.times: I8 = np.asarray([sum(_TIME_BIT.get(t, 0) for t in p.times) for p in progs], dtype=np.int8)
        start_prog = [i for i, p in enumerate(progs) for _ in p.starts]
        self.start_prog = np.asarray(start_prog, dtype=np.int32)
        self.start_day = np.asarray([d.toordinal() for p in progs for d in p.starts], dtype=np.int64)
        self.start_offsets = np.zeros(n + 1, dtype=np.int64)
        self.start_offsets[1:] = np.cumsum(np.bincount(self.start_prog, minlength=n))
        # the same starts as sorted keys position * _DAY_SPAN + day: "a start of p in [lo, hi]" is one
        # searchsorted for any number of (program, window) pairs at once
        by_day = np.lexsort((self.start_day, self.start_prog))
        self.start_key = self.start_prog[by_day].astype(np.int64) * _DAY_SPAN + self.start_day[by_day]
        # title + summary normalised, for the words shown in a reason
        self.heads = [pieces(normalise(f"{p.title} {p.summary}")) for p in progs]
        self._body_pieces: dict[int, tuple[tuple[bool, str], ...]] = {}  # filled on demand
        # precedents
        precs = [pr for pr in precedents if any(g > 0 for g in pr.grades.values())]
        self.precedents: _Precedents | None = None
        if precs:
            bm = _Bm25([("", "", pr.text) for pr in precs], params)
            offs = [0]
            pp: list[int] = []
            gg: list[float] = []
            for pr in precs:
                for pid, g in sorted(pr.grades.items()):
                    if g > 0 and pid in self.position:
                        pp.append(self.position[pid])
                        gg.append(float(g))
                offs.append(len(pp))
            grades = np.asarray(gg, dtype=np.float64)
            if grades.size:
                grades /= grades.max()
            self.precedents = _Precedents(
                bm, np.asarray(offs, dtype=np.int64), np.asarray(pp, dtype=np.int32), grades
            )

    def __len__(self) -> int:
        return len(self.programs)

    def body_pieces(self, p: int, chars: int) -> tuple[tuple[bool, str], ...]:
        """The pieces of the normalised first ``chars`` characters of program ``p``'s body, kept once
        computed (the reasons of a program that matches only by its body need them again and again)."""
        got = self._body_pieces.get(p)
        if got is None:
            got = self._body_pieces[p] = pieces(normalise(self.programs[p].body[:chars]))
        return got


def build_index(
    programs: Iterable[ProgramDoc],
    *,
    taxonomy: Taxonomy = _EMPTY_TAXONOMY,
    params: Params = DEFAULT_PARAMS,
    precedents: Iterable[Precedent] = (),
) -> Index:
    """An index over ``programs`` (any order; ids must be unique)."""
    return Index(programs, taxonomy=taxonomy, params=params, precedents=precedents)


# --- scoring --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scored:
    """One need's relevance components (dense over the programs) and what the reasons need."""

    need: Need
    norm: str
    terms: list[tuple[int, float]]  # text terms in scoring order
    mass: float
    values: dict[str, F64]  # relevance components by name, dense; "text" filled by _text or _top
    active: dict[str, float]  # weight of every active relevance component
    credits: dict[int, list[tuple[int, float, str]]]  # need skill -> (concept, credit, kind)
    precedent_hits: npt.NDArray[np.int64] | None


def _relevance(index: Index, need: Need, *, dense_text: bool, dense_skills: bool = True) -> _Scored:
    """A need's terms and relevance components (dense over the programs; the text only with
    ``dense_text``, the skills only with ``dense_skills``: the sparse path computes them itself)."""
    params, w = index.params, index.params.weights
    n = len(index.programs)
    has_text = bool(need.text.strip())
    words, grams, norm = split_terms(need.text, params.stem) if has_text else ([], [], "")
    if params.head_repeat > 0 and "\n" in need.text.strip():
        # the first line (a need's headline, an occupation's name) counts head_repeat more times
        h_words, h_grams, _ = split_terms(need.text.strip().split("\n", 1)[0], params.stem)
        words = words + h_words * params.head_repeat
        grams = grams + h_grams * params.head_repeat
    terms, mass = index.text.query(words, grams)
    values: dict[str, F64] = {}
    active: dict[str, float] = {}
    if has_text and w.text > 0:
        active["text"] = w.text
        if dense_text:
            values["text"] = index.text.scores(terms, mass)
    credits: dict[int, list[tuple[int, float, str]]] = {}
    if need.skills and w.skills > 0 and not dense_skills:
        for s in sorted(need.skills):
            credits[s] = skill_credits(s, index.taxonomy, params)
        active["skills"] = w.skills
    elif need.skills and w.skills > 0:
        total = np.zeros(n, dtype=np.float64)
        for s in sorted(need.skills):
            credits[s] = skill_credits(s, index.taxonomy, params)
            best = np.zeros(n, dtype=np.float64)
            for c, credit, _ in credits[s]:
                pos = index.by_skill.get(c)
                if pos is not None:
                    best[pos] = np.maximum(best[pos], credit)
            total += best
        values["skills"] = total / len(need.skills)
        active["skills"] = w.skills
    hits = None
    prec = index.precedents
    if prec is not None and w.precedent > 0 and has_text:
        p_terms, p_mass = prec.bm25.query(words, grams)
        sims = prec.bm25.scores(p_terms, p_mass)
        m = min(params.neighbours, sims.size)
        order = np.lexsort((np.arange(sims.size), -np.round(sims, _ROUND)))[:m]
        order = order[sims[order] > 0]
        value = np.zeros(n, dtype=np.float64)
        hits = np.zeros(n, dtype=np.int64)
        weights = sims[order] ** params.precedent_power
        total_w = float(weights.sum())
        if total_w > 0:
            for j, sw in zip(order.tolist(), weights.tolist(), strict=True):
                lo, hi = prec.offsets[j], prec.offsets[j + 1]
                judged = prec.programs[lo:hi]
                value[judged] += sw * prec.grades[lo:hi]
                hits[judged] += 1
            value /= total_w
        values["precedent"] = np.minimum(value, 1.0)
        active["precedent"] = w.precedent
    return _Scored(need, norm, terms, mass, values, active, credits, hits)


def _haversine(lat: float, lon: float, lats: F64, lons: F64) -> F64:
    p1, p2 = math.radians(lat), np.radians(lats)
    dphi = p2 - p1
    dl = np.radians(lons) - math.radians(lon)
    a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    result: F64 = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


def _window(need: Need) -> tuple[int, int] | None:
    if need.start_from is None and need.start_until is None:
        return None
    lo = need.start_from.toordinal() if need.start_from else date.min.toordinal()
    hi = need.start_until.toordinal() if need.start_until else date.max.toordinal()
    return lo, hi


def _time_mask(times: Iterable[str]) -> int:
    return sum(_TIME_BIT.get(t, 0) for t in set(times))


def _constraint_weights(index: Index, need: Need) -> dict[str, float]:
    """The weight of every active constraint (the need asks for it and its weight is above zero)."""
    w = index.params.weights
    on = {
        "mode": (bool(need.modes), w.mode),
        "distance": (need.place is not None, w.distance),
        "fee": (need.budget_yen is not None, w.fee),
        "level": (LEVEL_RANK.get(need.level, 0) > 0, w.level),
        "schedule": (_window(need) is not None, w.schedule),
        "time": (_time_mask(need.times) > 0, w.time),
    }
    return {name: weight for name, (asked, weight) in on.items() if asked and weight > 0}


@dataclass(slots=True)
class _Exact:
    score: F64
    parts: dict[str, F64]
    excluded: npt.NDArray[np.bool_]
    distance: F64  # km, NaN when unknown or no travel


def _constraints(index: Index, need: Need, pos: I32) -> tuple[dict[str, F64], npt.NDArray[np.bool_], F64]:
    """Constraint values of programs ``pos``, their hard exclusions and distances (km, NaN unknown)."""
    params = index.params
    unknown, hard = params.unknown, params.hard
    m = pos.size
    parts: dict[str, F64] = {}
    excluded = np.zeros(m, dtype=bool)
    dist = np.full(m, np.nan)
    mode = index.mode[pos]
    if need.modes:
        ok = np.zeros(5, dtype=np.float64)
        ok[0] = unknown
        for name in need.modes:
            code = _MODE_CODE.get(name, 0)
            if code:
                ok[code] = 1.0
            if name in ("onsite", "online"):
                ok[3] = 1.0  # hybrid offers both
        v = ok[mode]
        parts["mode"] = v
        if "mode" in hard:
            excluded |= (mode > 0) & (v == 0)
    if need.place is not None:
        far = need.max_km if need.max_km is not None else params.max_km
        near = min(params.near_km, far)
        travel = (mode != _NO_TRAVEL[0]) & (mode != _NO_TRAVEL[1])
        d = _haversine(need.place.lat, need.place.lon, index.lat[pos], index.lon[pos])
        dist = np.where(travel, d, np.nan)
        span = max(far - near, 1e-9)
        v = np.where(np.isnan(dist), unknown, np.clip((far - dist) / span, 0.0, 1.0))
        parts["distance"] = np.where(travel, v, 1.0)
        if "distance" in hard:
            excluded |= dist > far
    if need.budget_yen is not None:
        fee = index.fee[pos]
        budget = float(need.budget_yen)
        safe = np.where(np.isnan(fee) | (fee <= 0), 1.0, fee)
        v = np.where(fee <= budget, 1.0, np.clip(budget / safe, 0.0, 1.0))
        parts["fee"] = np.where(np.isnan(fee), unknown, v)
        if "fee" in hard:
            excluded |= fee > budget
    rank = LEVEL_RANK.get(need.level, 0)
    if rank:
        lv = index.level[pos].astype(np.int64)
        diff = np.abs(lv - rank)
        v = np.where(diff == 0, 1.0, np.where(diff == 1, 0.5, 0.0))
        parts["level"] = np.where(lv == 0, unknown, v)
        if "level" in hard:
            excluded |= (lv > 0) & (diff >= 2)
    window = _window(need)
    if window is not None:
        starts_lo, starts_hi = index.start_offsets[pos], index.start_offsets[pos + 1]
        counts = starts_hi - starts_lo
        known = counts > 0
        any_in = np.zeros(m, dtype=bool)
        if known.any():  # the starts of these programs only: owner j, day
            owner = np.repeat(np.arange(m), counts)
            first = np.repeat(starts_lo - np.cumsum(counts) + counts, counts)
            days = index.start_day[first + np.arange(owner.size)]
            inside = (days >= window[0]) & (days <= window[1])
            any_in = np.bincount(owner, weights=inside, minlength=m) > 0
        parts["schedule"] = np.where(known, np.where(any_in, 1.0, 0.0), unknown)
        if "schedule" in hard:
            excluded |= known & ~any_in
    mask = _time_mask(need.times)
    if mask:
        tm = index.times[pos].astype(np.int64)
        parts["time"] = np.where(tm == 0, unknown, np.where((tm & mask) > 0, 1.0, 0.0))
        if "time" in hard:
            excluded |= (tm > 0) & ((tm & mask) == 0)
    return parts, excluded, dist


def _exact(index: Index, scored: _Scored, pos: I32, c_active: Mapping[str, float]) -> _Exact:
    """Exact scores of programs ``pos``, with every component's value and the hard exclusions."""
    parts = {k: v[pos] for k, v in scored.values.items()}
    c_parts, excluded, dist = _constraints(index, scored.need, pos)
    parts.update(c_parts)
    active = {**scored.active, **c_active}
    total = sum(active.values())
    score = np.zeros(pos.size, dtype=np.float64)
    parts = {k: v for k, v in parts.items() if k in active}
    if total > 0:
        for k, v in parts.items():
            score += active[k] * v
        score /= total
    return _Exact(np.round(score, _ROUND), parts, excluded, dist)


def _text(index: Index, scored: _Scored) -> None:
    """Fill ``scored.values["text"]``: every term's postings added in scoring order (the reference)."""
    text, n = index.text, len(index.programs)
    raw = np.zeros(n, dtype=np.float64)
    cov = np.zeros(n, dtype=np.float64)
    for tid, q in scored.terms:
        text.add(raw, cov, tid, q)
    touched = np.flatnonzero((raw > 0) | (cov > 0)).astype(np.int32)
    value = np.zeros(n, dtype=np.float64)
    value[touched] = text.value(raw[touched], cov[touched], scored.mass)
    scored.values["text"] = value


def _top(index: Index, scored: _Scored, k: int) -> list[Match]:
    """The reference ranking of one need: every candidate scored exactly, no pruning, one need at a
    time (``rank_programs(..., exhaustive=True)``); the block path below must give exactly this."""
    n = len(index.programs)
    if k <= 0 or n == 0:
        return []
    c_active = _constraint_weights(index, scored.need)
    total_w = sum(scored.active.values()) + sum(c_active.values())
    if "text" in scored.active and "text" not in scored.values:
        _text(index, scored)
    relevance = np.zeros(n, dtype=np.float64)
    for name, v in scored.values.items():
        relevance += scored.active[name] * v
    cand = np.flatnonzero(relevance > 0).astype(np.int32)
    if cand.size == 0:
        return []
    ex = _exact(index, scored, cand, c_active)
    keep = np.flatnonzero(~ex.excluded)
    order = keep[np.lexsort((index.ids[cand[keep]], -ex.score[keep]))][:k]
    active = {**scored.active, **c_active}
    return [
        _match(index, scored, int(cand[j]), ex, int(j), rank, active, total_w)
        for rank, j in enumerate(order.tolist(), start=1)
    ]


def _match(
    index: Index,
    scored: _Scored,
    p: int,
    ex: _Exact,
    j: int,
    rank: int,
    active: Mapping[str, float],
    total_w: float,
) -> Match:
    program = index.programs[p]
    values = {k: float(v[j]) for k, v in ex.parts.items()}
    contributions = {k: active[k] * v / total_w for k, v in values.items()}
    hits = int(scored.precedent_hits[p]) if scored.precedent_hits is not None else 0
    dist = float(ex.distance[j])
    reasons = explain(
        index, scored.need, scored.norm, p, scored.terms, scored.credits, values, contributions, hits, dist
    )
    return Match(scored.need.id, program.id, float(ex.score[j]), rank, reasons)


# --- public ranking functions ---------------------------------------------------------------------


def rank_programs(index: Index, need: Need, *, k: int = 10, exhaustive: bool = False) -> list[Match]:
    """The top ``k`` programs for ``need``: score descending, then program id ascending.

    ``exhaustive=True`` scores every program one by one without pruning (the reference path): the same
    result, slower (for checking).
    """
    if exhaustive:
        return _top(index, _relevance(index, need, dense_text=False), k)
    return rank_programs_batch(index, [need], k=k)[0]


def rank_programs_batch(
    index: Index, needs: Sequence[Need], *, k: int = 10, progress: Progress | None = None, every: int = 100
) -> list[list[Match]]:
    """:func:`rank_programs` for each need, in order; ``progress(done, total)`` every ``every`` needs."""
    out: list[list[Match]] = []
    total = len(needs)
    n = len(index.programs)
    sparse = n > _BLOCK_MAX_PROGRAMS
    block = _SPARSE_NEEDS if sparse else max(1, min(_BLOCK_NEEDS, _BLOCK_CELLS // max(n, 1)))
    scratch = _Scratch(n) if sparse and k > 0 else None
    done = 0
    for start in range(0, total, block):
        chunk = [
            _relevance(index, need, dense_text=False, dense_skills=not sparse)
            for need in needs[start : start + block]
        ]
        if k <= 0 or n == 0:
            found: list[list[Match]] = [[] for _ in chunk]
        elif scratch is not None:
            found = _sparse_top(index, chunk, k, scratch)
        else:
            _block_text(index, chunk)
            found = _block_top(index, chunk, k)
        for matches in found:
            out.append(matches)
            done += 1
            if progress is not None and (done % every == 0 or done == total):
                progress(done, total)
    return out


class _Scratch:
    """Dense per-program arrays of the sparse path, all zero (False) between needs: a need writes only
    where its postings and skills fall, and resets those cells after it."""

    def __init__(self, n: int) -> None:
        self.raw = np.zeros(n, dtype=np.float64)
        self.cov = np.zeros(n, dtype=np.float64)
        self.best = np.zeros(n, dtype=np.float64)
        self.total = np.zeros(n, dtype=np.float64)
        self.mark = np.zeros(n, dtype=bool)


def _kth_scores(ex: _Pairs, rows: npt.NDArray[np.int64], b: int, k: int) -> F64:
    """θ per need of the block: the k-th best exact score among its scored candidates that no hard
    constraint excludes (0 where it has fewer than k: no pruning for that need)."""
    ok = np.flatnonzero(~ex.excluded)
    order = ok[np.lexsort((-ex.score[ok], rows[ok]))]
    sorted_rows = rows[order]
    every = np.arange(b)
    first = np.searchsorted(sorted_rows, every, side="left")
    last = np.searchsorted(sorted_rows, every, side="right")
    enough = last - first >= k
    theta = np.zeros(b)
    theta[enough] = ex.score[order[first[enough] + k - 1]]
    return theta


def _sparse_relevance(index: Index, scored: _Scored, scratch: _Scratch) -> tuple[I32, dict[str, F64], F64]:
    """The programs a need can reach (relevance above zero, by position ascending), their relevance
    components and their relevance: the same values, added in the same order, as the dense path, on
    the cells its postings and skills touch only (a cell no posting or skill touches is 0 there)."""
    mark = scratch.mark
    text = index.text
    if "text" in scored.active:
        raw, cov = scratch.raw, scratch.cov
        offsets, post_docs, post_w = text.offsets, text.post_docs, text.post_w
        t_offsets, t_docs, t_w = text.title_offsets, text.title_docs, text.title_w
        for tid, q in scored.terms:  # as _Bm25.add, term by term in scoring order
            lo, hi = offsets[tid], offsets[tid + 1]
            docs = post_docs[lo:hi]
            raw[docs] += q * post_w[lo:hi]
            mark[docs] = True
            t_lo, t_hi = t_offsets[tid], t_offsets[tid + 1]
            if t_hi > t_lo:
                docs = t_docs[t_lo:t_hi]
                cov[docs] += t_w[t_lo:t_hi]
                mark[docs] = True
    if "skills" in scored.active:  # as _relevance: the best credit per need skill, summed in order
        best, total = scratch.best, scratch.total
        for s in sorted(scored.need.skills):
            hit: list[IP] = []
            for c, credit, _ in scored.credits[s]:
                pos = index.by_skill.get(c)
                if pos is not None:
                    best[pos] = np.maximum(best[pos], credit)
                    hit.append(pos)
            if hit:
                at = np.concatenate(hit) if len(hit) > 1 else hit[0]
                total[at] += best[at]  # a position listed twice gets the same value twice
                best[at] = 0.0
                mark[at] = True
    prec = scored.values.get("precedent")
    if prec is not None:
        mark[np.flatnonzero(prec)] = True
    reach: I32 = np.flatnonzero(mark).astype(np.int32)
    mark[reach] = False
    given: dict[str, F64] = {}
    if "skills" in scored.active:
        given["skills"] = scratch.total[reach] / len(scored.need.skills)
        scratch.total[reach] = 0.0
    if prec is not None:
        given["precedent"] = prec[reach]
    if "text" in scored.active:
        given["text"] = text.value(scratch.raw[reach], scratch.cov[reach], scored.mass)
        scratch.raw[reach] = 0.0
        scratch.cov[reach] = 0.0
    relevance = np.zeros(reach.size, dtype=np.float64)
    for name in _RELEVANCE:  # the same sum, in the same order, as _top's and _block_top's
        if name in given:
            relevance += scored.active[name] * given[name]
    keep = np.flatnonzero(relevance > 0)
    return reach[keep], {name: v[keep] for name, v in given.items()}, relevance[keep]


def _sparse_top(index: Index, block: Sequence[_Scored], k: int, scratch: _Scratch) -> list[list[Match]]:
    """:func:`_block_top` for large catalogs: each need's relevance only where its postings and skills
    fall (a few percent of the programs), then the same threshold θ from about ``max(4k, 256)`` of its
    best by relevance, and the exact scores of all the block's candidates at once."""
    b = len(block)
    asks = _asks(index, block)
    found = [_sparse_relevance(index, scored, scratch) for scored in block]
    names = [name for name in _RELEVANCE if any(name in given for _, given, _ in found)]
    first_n = max(4 * k, 256)
    take = max(k, first_n // _SAMPLE_STEP)
    # θ: the k-th best exact score among the programs at or above a relevance floor read off every
    # 16th candidate (about first_n of them); any such set gives a valid lower bound of the k-th score
    picks: list[npt.NDArray[np.int64]] = []
    for pos, _, relevance in found:
        if pos.size > 2 * first_n:
            sample = relevance[::_SAMPLE_STEP]
            floor = -np.partition(-sample, take - 1)[take - 1] if sample.size > take else 0.0
            picks.append(np.flatnonzero(relevance >= floor) if floor > 0 else np.zeros(0, np.int64))
        else:
            picks.append(np.zeros(0, np.int64))
    theta = np.zeros(b)
    if any(p.size for p in picks):
        rows1, pos1, given1 = _gather(found, picks, names)
        ex1 = _pairs(index, asks, given1, rows1, pos1)
        theta = _kth_scores(ex1, rows1, b, k)
    # score <= (relevance + the active constraints' weight) / total_w (see _block_top)
    need = (theta - 1e-9) * asks.total_w - asks.c_max - 1e-9 * (asks.total_w + 1.0)
    need = np.maximum(need, 0.0)
    cands = [np.flatnonzero(relevance > need[r]) for r, (_, _, relevance) in enumerate(found)]
    rows, pos, given = _gather(found, cands, names)
    ex = _pairs(index, asks, given, rows, pos)
    return _chosen_matches(index, block, asks, ex, rows, pos, k)


def _gather(
    found: Sequence[tuple[I32, dict[str, F64], F64]],
    picks: Sequence[npt.NDArray[np.int64]],
    names: Sequence[str],
) -> tuple[npt.NDArray[np.int64], I32, dict[str, F64]]:
    """The (need row, program position) pairs picked from each need's reachable programs, with their
    relevance components (0 for a component a need does not use)."""
    rows = np.repeat(np.arange(len(found), dtype=np.int64), [p.size for p in picks])
    pos = np.concatenate([f[0][p] for f, p in zip(found, picks, strict=True)]).astype(np.int32)
    given = {
        name: np.concatenate(
            [f[1][name][p] if name in f[1] else np.zeros(p.size) for f, p in zip(found, picks, strict=True)]
        )
        for name in names
    }
    return rows, pos, given


_BLOCK_NEEDS = 256  # needs scored together (text) in rank_programs_batch
_BLOCK_CELLS = 1_000_000  # at most needs x programs cells in one block (8 MB of doubles; smaller is faster)
_BLOCK_MAX_PROGRAMS = 5_000  # above it, the sparse path (each need's relevance where it reaches only)
_SPARSE_NEEDS = 64  # needs scored together (constraints and exact scores) on the sparse path
_SAMPLE_STEP = 16
_RELEVANCE = ("skills", "precedent", "text")  # the order in which _relevance and _block_text fill values


@dataclass(slots=True)
class _Asks:
    """What the needs of a block ask, as arrays over the block's needs (row r = need r)."""

    weight: dict[str, F64]  # component -> its weight for each need (0 where not active)
    asked: dict[str, npt.NDArray[np.bool_]]  # constraint -> the need asks it (hard exclusions apply)
    total: F64  # the sum of the active weights (the score's denominator, summed as _exact does)
    total_w: F64  # the same sum as _top's (relevance, then constraints): the contributions' denominator
    c_max: F64  # the sum of the active constraints' weights
    mode_ok: F64  # rows x 5: the value of each mode code (0 = unknown)
    p1: F64  # the need's latitude in radians (math.radians), NaN without a place
    cos_p1: F64
    lon1: F64
    far: F64
    span: F64
    budget: F64
    rank: npt.NDArray[np.int64]
    lo: npt.NDArray[np.int64]
    hi: npt.NDArray[np.int64]
    time_mask: npt.NDArray[np.int64]
    actives: list[dict[str, float]]  # the active weights of each need, in the reference's order


def _asks(index: Index, block: Sequence[_Scored]) -> _Asks:
    params = index.params
    b = len(block)
    weight = {name: np.zeros(b) for name in (*_RELEVANCE, *_CONSTRAINT_ORDER)}
    asked = {name: np.zeros(b, dtype=bool) for name in _CONSTRAINT_ORDER}
    total, total_w, c_max = np.zeros(b), np.zeros(b), np.zeros(b)
    mode_ok = np.zeros((b, 5))
    p1, cos_p1, lon1 = np.full(b, np.nan), np.full(b, np.nan), np.full(b, np.nan)
    far, span, budget = np.zeros(b), np.ones(b), np.full(b, np.nan)
    rank = np.zeros(b, dtype=np.int64)
    lo, hi = np.zeros(b, dtype=np.int64), np.zeros(b, dtype=np.int64)
    time_mask = np.zeros(b, dtype=np.int64)
    actives: list[dict[str, float]] = []
    for r, scored in enumerate(block):
        need = scored.need
        c_active = _constraint_weights(index, need)
        active = {**scored.active, **c_active}
        actives.append(active)
        for name, w in active.items():
            weight[name][r] = w
        total[r] = sum(active.values())  # the same sums, in the same order, as _exact and _top
        c_max[r] = sum(c_active.values())
        total_w[r] = sum(scored.active.values()) + c_max[r]
        if need.modes:
            asked["mode"][r] = True
            mode_ok[r, 0] = params.unknown
            for name in need.modes:
                code = _MODE_CODE.get(name, 0)
                if code:
                    mode_ok[r, code] = 1.0
                if name in ("onsite", "online"):
                    mode_ok[r, 3] = 1.0  # hybrid offers both
        if need.place is not None:
            asked["distance"][r] = True
            f = need.max_km if need.max_km is not None else params.max_km
            far[r] = f
            span[r] = max(f - min(params.near_km, f), 1e-9)
            p1[r] = math.radians(need.place.lat)
            cos_p1[r] = math.cos(p1[r])
            lon1[r] = math.radians(need.place.lon)
        if need.budget_yen is not None:
            asked["fee"][r] = True
            budget[r] = float(need.budget_yen)
        rank[r] = LEVEL_RANK.get(need.level, 0)
        asked["level"][r] = rank[r] > 0
        window = _window(need)
        if window is not None:
            asked["schedule"][r] = True
            lo[r], hi[r] = window
        time_mask[r] = _time_mask(need.times)
        asked["time"][r] = time_mask[r] > 0
    return _Asks(
        weight, asked, total, total_w, c_max, mode_ok, p1, cos_p1, lon1, far, span, budget, rank, lo, hi,
        time_mask, actives,
    )  # fmt: skip


_CONSTRAINT_ORDER = ("mode", "distance", "fee", "level", "schedule", "time")


@dataclass(slots=True)
class _Pairs:
    """Exact scores of (need row, program position) pairs, with every component's value."""

    score: F64
    values: dict[str, F64]
    excluded: npt.NDArray[np.bool_]
    distance: F64


def _pairs(
    index: Index, asks: _Asks, given: Mapping[str, F64], rows: npt.NDArray[np.int64], pos: I32
) -> _Pairs:
    """The exact score of each pair: the same terms added in the same order as ``_exact`` (a component
    a need does not use adds 0.0, which changes no bit), over any number of needs at once. ``given``:
    each relevance component's value at the pairs."""
    params = index.params
    unknown, hard = params.unknown, params.hard
    m = pos.size
    values: dict[str, F64] = {}
    score = np.zeros(m)
    for name in _RELEVANCE:
        if name in given:
            v = given[name]
            values[name] = v
            score += asks.weight[name][rows] * v
    excluded = np.zeros(m, dtype=bool)
    mode = index.mode[pos]
    dist = np.full(m, np.nan)

    def add(name: str, v: F64, fails: npt.NDArray[np.bool_]) -> None:
        nonlocal score, excluded
        w = asks.weight[name][rows]
        values[name] = v
        score += np.where(w > 0, w * v, 0.0)
        if name in hard:
            excluded |= asks.asked[name][rows] & fails

    if asks.asked["mode"].any():
        v = asks.mode_ok[rows, mode]
        add("mode", v, (mode > 0) & (v == 0))
    if asks.asked["distance"].any():
        with np.errstate(invalid="ignore"):
            p2 = np.radians(index.lat[pos])
            dphi = p2 - asks.p1[rows]
            dl = np.radians(index.lon[pos]) - asks.lon1[rows]
            a = np.sin(dphi / 2) ** 2 + asks.cos_p1[rows] * np.cos(p2) * np.sin(dl / 2) ** 2
            d = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
            travel = (mode != _NO_TRAVEL[0]) & (mode != _NO_TRAVEL[1])
            dist = np.where(travel & asks.asked["distance"][rows], d, np.nan)
            far = asks.far[rows]
            v = np.where(np.isnan(dist), unknown, np.clip((far - dist) / asks.span[rows], 0.0, 1.0))
            add("distance", np.where(travel, v, 1.0), dist > far)
    if asks.asked["fee"].any():
        fee = index.fee[pos]
        budget = asks.budget[rows]
        with np.errstate(invalid="ignore"):
            safe = np.where(np.isnan(fee) | (fee <= 0), 1.0, fee)
            v = np.where(fee <= budget, 1.0, np.clip(budget / safe, 0.0, 1.0))
            add("fee", np.where(np.isnan(fee), unknown, v), fee > budget)
    if asks.asked["level"].any():
        lv = index.level[pos].astype(np.int64)
        diff = np.abs(lv - asks.rank[rows])
        v = np.where(diff == 0, 1.0, np.where(diff == 1, 0.5, 0.0))
        add("level", np.where(lv == 0, unknown, v), (lv > 0) & (diff >= 2))
    if asks.asked["schedule"].any():
        known = index.start_offsets[pos + 1] > index.start_offsets[pos]
        any_in = np.zeros(m, dtype=bool)
        keys = index.start_key
        if keys.size:
            base = pos.astype(np.int64) * _DAY_SPAN
            at = np.searchsorted(keys, base + asks.lo[rows])
            any_in = (at < keys.size) & (keys[np.minimum(at, keys.size - 1)] <= base + asks.hi[rows])
        add("schedule", np.where(known, np.where(any_in, 1.0, 0.0), unknown), known & ~any_in)
    if asks.asked["time"].any():
        tm = index.times[pos].astype(np.int64)
        shared = (tm & asks.time_mask[rows]) > 0
        add("time", np.where(tm == 0, unknown, np.where(shared, 1.0, 0.0)), (tm > 0) & ~shared)
    total = asks.total[rows]
    score = np.where(total > 0, score / np.where(total > 0, total, 1.0), 0.0)
    return _Pairs(np.round(score, _ROUND), values, excluded, dist)


def _block_top(index: Index, block: Sequence[_Scored], k: int) -> list[list[Match]]:
    """The top ``k`` of every need of a block, exact, with the candidates' constraints computed for all
    the needs at once (catalogs up to ``_BLOCK_MAX_PROGRAMS``: dense needs x programs arrays).
    Candidates are the programs with relevance above zero; for a need with more than ``max(4k, 256)`` of them, the exact scores of that
    many best by relevance give a k-th score θ, and only candidates whose relevance plus every active
    constraint at 1 could reach θ are scored (a lower bound cannot exceed the true k-th score)."""
    n, b = len(index.programs), len(block)
    asks = _asks(index, block)
    dense: dict[str, F64] = {}
    for name in _RELEVANCE:
        if any(name in s.values for s in block):
            arr = np.zeros((b, n))
            for r, s in enumerate(block):
                if name in s.values:
                    arr[r] = s.values[name]
            dense[name] = arr
    relevance = np.zeros((b, n))
    for name, arr in dense.items():  # the same sum, in the same order, as _top's
        relevance += asks.weight[name][:, None] * arr
    first_n = max(4 * k, 256)
    if n > 2 * first_n:
        # about first_n of the best by relevance: those above a threshold read off every 16th program
        # (a partition of the whole row costs more than all the rest); any such set gives a valid θ
        take = max(k, first_n // _SAMPLE_STEP)
        sample = relevance[:, ::_SAMPLE_STEP]
        floor = (
            -np.partition(-sample, take - 1, axis=1)[:, take - 1]
            if sample.shape[1] > take
            else 0 * sample[:, 0]
        )
        floor = np.where(floor > 0, floor, np.inf)  # too few candidates to bother: no pruning
        rows1, pos1 = np.nonzero(relevance >= floor[:, None])
        rows1 = rows1.astype(np.int64)
        ex1 = _pairs(
            index, asks, {name: arr[rows1, pos1] for name, arr in dense.items()}, rows1, pos1.astype(np.int32)
        )
        theta = _kth_scores(ex1, rows1, b, k)
        # score <= (relevance + the active constraints' weight) / total_w: a program whose bound is
        # under θ cannot reach the top k (the threshold is loosened, never tightened, by the slack)
        need = (theta - 1e-9) * asks.total_w - asks.c_max - 1e-9 * (asks.total_w + 1.0)
        need = np.maximum(need, 0.0)  # and relevance above zero in any case
        cand = relevance > need[:, None]
    else:
        cand = relevance > 0
    nz_rows, nz_pos = np.nonzero(cand)
    rows: npt.NDArray[np.int64] = nz_rows.astype(np.int64)
    pos: I32 = nz_pos.astype(np.int32)
    ex = _pairs(index, asks, {name: arr[rows, pos] for name, arr in dense.items()}, rows, pos)
    return _chosen_matches(index, block, asks, ex, rows, pos, k)


def _chosen_matches(
    index: Index,
    block: Sequence[_Scored],
    asks: _Asks,
    ex: _Pairs,
    rows: npt.NDArray[np.int64],
    pos: I32,
    k: int,
) -> list[list[Match]]:
    """The top ``k`` of every need among the scored pairs (not excluded; score descending, then program
    id ascending), with their reasons."""
    b = len(block)
    keep = np.flatnonzero(~ex.excluded)
    order = keep[np.lexsort((index.ids[pos[keep]], -ex.score[keep], rows[keep]))]
    sorted_rows = rows[order]
    starts = np.searchsorted(sorted_rows, np.arange(b + 1))
    chosen = np.concatenate([order[starts[r] : min(starts[r] + k, starts[r + 1])] for r in range(b)])
    return _block_matches(index, block, asks, ex, rows, pos, chosen, starts, k)


def _block_matches(
    index: Index,
    block: Sequence[_Scored],
    asks: _Asks,
    ex: _Pairs,
    rows: npt.NDArray[np.int64],
    pos: I32,
    chosen: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    k: int,
) -> list[list[Match]]:
    """The matches (with their reasons) of the chosen pairs, need by need, in rank order."""
    out: list[list[Match]] = [[] for _ in block]
    if chosen.size == 0:
        return out
    c_rows = rows[chosen].tolist()
    c_pos = pos[chosen].tolist()
    c_score = ex.score[chosen].tolist()
    c_dist = ex.distance[chosen].tolist()
    c_values = {name: v[chosen].tolist() for name, v in ex.values.items()}
    ids = index.ids
    for j, (r, p) in enumerate(zip(c_rows, c_pos, strict=True)):
        scored = block[r]
        active = asks.actives[r]
        total_w = float(asks.total_w[r])
        values = {name: c_values[name][j] for name in active}
        contributions = {name: active[name] * v / total_w for name, v in values.items()}
        hits = int(scored.precedent_hits[p]) if scored.precedent_hits is not None else 0
        reasons = explain(
            index, scored.need, scored.norm, p, scored.terms, scored.credits, values, contributions, hits,
            c_dist[j],
        )  # fmt: skip
        matches = out[r]
        matches.append(Match(scored.need.id, int(ids[p]), c_score[j], len(matches) + 1, reasons))
    return out


def _block_text(index: Index, block: Sequence[_Scored]) -> None:
    """The text values of a block of needs at once: every (need, term) pair's postings gathered into one
    needs x programs sum (a sparse product done with ``bincount``). Each cell adds the same float32
    weights in the same order as :meth:`_Bm25.add` does term by term, so the values are identical."""
    text, n = index.text, len(index.programs)
    rows: list[int] = []
    tids: list[int] = []
    qs: list[float] = []
    for r, scored in enumerate(block):
        if "text" in scored.active:
            for tid, q in scored.terms:
                rows.append(r)
                tids.append(tid)
                qs.append(q)
    b = len(block)
    raw = np.zeros(b * n, dtype=np.float64)
    cov = np.zeros(b * n, dtype=np.float64)
    if tids:
        t = np.asarray(tids, dtype=np.int64)
        row = np.asarray(rows, dtype=np.int64)
        q32 = np.asarray(qs, dtype=np.float64).astype(np.float32)
        for offsets, docs, weights, target, scale in (
            (text.offsets, text.post_docs, text.post_w, raw, q32),
            (text.title_offsets, text.title_docs, text.title_w, cov, None),
        ):
            lo = offsets[t]
            counts = offsets[t + 1] - lo
            size = int(counts.sum())
            if size == 0:
                continue
            ends = np.cumsum(counts)
            at = np.repeat(lo - (ends - counts), counts) + np.arange(size)
            w = weights[at]
            if scale is not None:
                w = np.repeat(scale, counts) * w  # float32, as q * post_w in _Bm25.add
            cell = np.repeat(row, counts) * n + docs[at]
            target += np.bincount(cell, weights=w.astype(np.float64), minlength=b * n)
    raw2, cov2 = raw.reshape(b, n), cov.reshape(b, n)
    for r, scored in enumerate(block):
        if "text" not in scored.active:
            continue
        touched = np.flatnonzero((raw2[r] > 0) | (cov2[r] > 0))
        value = np.zeros(n, dtype=np.float64)
        value[touched] = text.value(raw2[r, touched], cov2[r, touched], scored.mass)
        scored.values["text"] = value


def rank_needs(index: Index, program_id: int, needs: Sequence[Need], *, k: int = 10) -> list[Match]:
    """The top ``k`` needs for one indexed program: score descending, then need id ascending."""
    p = index.position[program_id]
    pos = np.asarray([p], dtype=np.int32)
    found: list[tuple[float, int, Match]] = []
    for need in sorted(needs, key=lambda nd: nd.id):
        scored = _relevance(index, need, dense_text=True)
        if not any(float(v[p]) * scored.active[name] > 0 for name, v in scored.values.items()):
            continue
        c_active = _constraint_weights(index, need)
        ex = _exact(index, scored, pos, c_active)
        if ex.excluded[0]:
            continue
        total_w = sum(scored.active.values()) + sum(c_active.values())
        match = _match(index, scored, p, ex, 0, 0, {**scored.active, **c_active}, total_w)
        found.append((-match.score, need.id, match))
    found.sort(key=lambda t: (t[0], t[1]))
    return [
        Match(m.need_id, m.program_id, m.score, rank, m.reasons)
        for rank, (_, _, m) in enumerate(found[:k], start=1)
    ]
