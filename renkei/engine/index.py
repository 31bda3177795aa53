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
from renkei.engine.terms import split_terms

__all__ = ["Index", "build_index", "rank_needs", "rank_programs", "rank_programs_batch"]

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]
I8 = npt.NDArray[np.int8]
Progress = Callable[[int, int], None]

_MODE_CODE = {"onsite": 1, "online": 2, "hybrid": 3, "on_demand": 4}
_NO_TRAVEL = (2, 4)  # online, on demand
_TIME_BIT = {t: 1 << i for i, t in enumerate(TIMES)}
_ROUND = 9
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
        n = len(fields)
        self.n = n
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
        self.active = df <= max(1.0, params.max_df * n)  # terms in too many documents are stop terms
        avg = float(len_arr.mean()) if n and len_arr.mean() > 0 else 1.0
        k1, b = params.k1, params.b
        doc_norm = k1 * (1 - b + b * len_arr / avg)
        post_weight = self.idf[tid_arr] * tf_arr * (k1 + 1) / (tf_arr + doc_norm[doc_arr])
        order = np.argsort(tid_arr, kind="stable")
        self.post_docs: I32 = doc_arr[order].astype(np.int32)
        self.post_w: F32 = post_weight[order].astype(np.float32)
        self.offsets = np.zeros(v + 1, dtype=np.int64)
        self.offsets[1:] = np.cumsum(df.astype(np.int64))
        # title coverage: for each document, its title terms weighted by idf / the title's idf mass
        t_doc = np.frombuffer(t_docs, dtype=np.int32) if t_docs else np.zeros(0, np.int32)
        t_tid = np.frombuffer(t_tids, dtype=np.int32) if t_tids else np.zeros(0, np.int32)
        t_idf = self.idf[t_tid] * self.active[t_tid]
        mass = np.bincount(t_doc, weights=t_idf, minlength=n)
        t_w = np.divide(t_idf, mass[t_doc], out=np.zeros_like(t_idf), where=mass[t_doc] > 0)
        t_order = np.argsort(t_tid, kind="stable")
        self.title_docs: I32 = t_doc[t_order].astype(np.int32)
        self.title_w: F32 = t_w[t_order].astype(np.float32)
        self.title_offsets = np.zeros(v + 1, dtype=np.int64)
        self.title_offsets[1:] = np.cumsum(np.bincount(t_tid, minlength=v))

    def query(self, text: str) -> tuple[list[tuple[int, float]], float, str]:
        """((term id, query weight) of the known, active terms, sorted by id; their mass; normalised)."""
        words, grams, norm = split_terms(text, self.params.stem)
        counts = Counter(words)
        counts.update(grams)
        k3 = self.params.k3
        terms: list[tuple[int, float]] = []
        mass = 0.0
        for term, qtf in counts.items():
            tid = self.vocab.get(term)
            if tid is None or not self.active[tid]:
                continue
            q = qtf * (k3 + 1) / (qtf + k3)
            terms.append((tid, q))
            mass += q * float(self.idf[tid]) * (self.params.k1 + 1)
        terms.sort()
        return terms, mass, norm

    def scores(self, terms: Sequence[tuple[int, float]], mass: float) -> F64:
        """Text value in [0, 1] for every document (see the spec: BM25 / mass, squashed, + coverage)."""
        n = self.n
        raw = np.zeros(n, dtype=np.float64)
        cov = np.zeros(n, dtype=np.float64)
        if not terms or mass <= 0:
            return raw
        offsets, post_docs, post_w = self.offsets, self.post_docs, self.post_w
        t_off, t_docs, t_w = self.title_offsets, self.title_docs, self.title_w
        for tid, q in terms:
            lo, hi = offsets[tid], offsets[tid + 1]
            raw[post_docs[lo:hi]] += q * post_w[lo:hi]
            lo, hi = t_off[tid], t_off[tid + 1]
            if hi > lo:
                cov[t_docs[lo:hi]] += t_w[lo:hi]
        x = raw / mass
        half = self.params.text_half
        value = x / (x + half)
        mix = self.params.coverage_mix
        if mix:
            np.minimum(cov, 1.0, out=cov)
            value = (1 - mix) * value + mix * cov
        return value


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
        self.by_skill = {c: np.asarray(v, dtype=np.int32) for c, v in by_skill.items()}
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
        self.has_starts = np.bincount(self.start_prog, minlength=n) > 0
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
    """Dense per-program values for one need (relevance) and what the reasons need."""

    need: Need
    norm: str
    terms: list[tuple[int, float]]
    values: dict[str, F64]  # relevance components, dense
    active: dict[str, float]  # weight of every active component
    precedent_hits: npt.NDArray[np.int64] | None


def _relevance(index: Index, need: Need) -> _Scored:
    params, w = index.params, index.params.weights
    n = len(index.programs)
    terms, mass, norm = index.text.query(need.text)
    values: dict[str, F64] = {}
    active: dict[str, float] = {}
    if need.text.strip() and w.text > 0:
        values["text"] = index.text.scores(terms, mass)
        active["text"] = w.text
    if need.skills and w.skills > 0:
        total = np.zeros(n, dtype=np.float64)
        for s in sorted(need.skills):
            best = np.zeros(n, dtype=np.float64)
            for c, credit, _ in skill_credits(s, index.taxonomy, params):
                pos = index.by_skill.get(c)
                if pos is not None:
                    best[pos] = np.maximum(best[pos], credit)
            total += best
        values["skills"] = total / len(need.skills)
        active["skills"] = w.skills
    hits = None
    prec = index.precedents
    if prec is not None and w.precedent > 0 and need.text.strip():
        p_terms, p_mass, _ = prec.bm25.query(need.text)
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
                pos = prec.programs[lo:hi]
                value[pos] += sw * prec.grades[lo:hi]
                hits[pos] += 1
            value /= total_w
        values["precedent"] = np.minimum(value, 1.0)
        active["precedent"] = w.precedent
    return _Scored(need, norm, terms, values, active, hits)


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


def _exact(index: Index, scored: _Scored, pos: I32, c_active: Mapping[str, float]) -> _Exact:
    """Exact scores of programs ``pos``, with every component's value and the hard exclusions."""
    need, params = scored.need, index.params
    unknown, hard = params.unknown, params.hard
    m = pos.size
    parts = {k: v[pos] for k, v in scored.values.items()}
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
        travel = ~np.isin(mode, _NO_TRAVEL)
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
        inside = (index.start_day >= window[0]) & (index.start_day <= window[1])
        any_in = np.bincount(index.start_prog, weights=inside, minlength=len(index.programs))[pos] > 0
        known = index.has_starts[pos]
        parts["schedule"] = np.where(known, np.where(any_in, 1.0, 0.0), unknown)
        if "schedule" in hard:
            excluded |= known & ~any_in
    mask = _time_mask(need.times)
    if mask:
        tm = index.times[pos].astype(np.int64)
        parts["time"] = np.where(tm == 0, unknown, np.where((tm & mask) > 0, 1.0, 0.0))
        if "time" in hard:
            excluded |= (tm > 0) & ((tm & mask) == 0)
    active = {**scored.active, **c_active}
    total = sum(active.values())
    score = np.zeros(m, dtype=np.float64)
    parts = {k: v for k, v in parts.items() if k in active}
    if total > 0:
        for k, v in parts.items():
            score += active[k] * v
        score /= total
    return _Exact(np.round(score, _ROUND), parts, excluded, dist)


def _top(index: Index, scored: _Scored, k: int) -> list[Match]:
    n = len(index.programs)
    relevance = np.zeros(n, dtype=np.float64)
    for name, v in scored.values.items():
        relevance += scored.active[name] * v
    cand = np.flatnonzero(relevance > 0).astype(np.int32)
    if cand.size == 0 or k <= 0:
        return []
    c_active = _constraint_weights(index, scored.need)
    total_w = sum(scored.active.values()) + sum(c_active.values())
    first_n = max(4 * k, 256)
    if cand.size > first_n and c_active:
        # exact scores for the best by relevance, then for every program that could still beat them
        part = np.argpartition(-relevance[cand], first_n - 1)[:first_n]
        first = np.sort(cand[part])
        ex = _exact(index, scored, first, c_active)
        ok = np.sort(ex.score[~ex.excluded])
        theta = float(ok[-k]) if ok.size >= k else -1.0
        bound = (relevance[cand] + sum(c_active.values())) / total_w
        cand = cand[bound >= theta - 1e-9]
    elif cand.size > first_n:
        # no constraints: the score is the relevance over the total weight; the top k by it suffice
        rel = np.round(relevance[cand] / total_w, _ROUND)
        kth = np.partition(-rel, k - 1)[k - 1] if cand.size >= k else -np.inf
        cand = cand[-rel <= kth]
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
    reasons = explain(index, scored.need, scored.norm, program, values, contributions, hits, dist)
    return Match(scored.need.id, program.id, float(ex.score[j]), rank, reasons)


# --- public ranking functions ---------------------------------------------------------------------


def rank_programs(index: Index, need: Need, *, k: int = 10) -> list[Match]:
    """The top ``k`` programs for ``need``: score descending, then program id ascending."""
    return _top(index, _relevance(index, need), k)


def rank_programs_batch(
    index: Index, needs: Sequence[Need], *, k: int = 10, progress: Progress | None = None, every: int = 100
) -> list[list[Match]]:
    """:func:`rank_programs` for each need, in order; ``progress(done, total)`` every ``every`` needs."""
    out: list[list[Match]] = []
    total = len(needs)
    for i, need in enumerate(needs, start=1):
        out.append(rank_programs(index, need, k=k))
        if progress is not None and (i % every == 0 or i == total):
            progress(i, total)
    return out


def rank_needs(index: Index, program_id: int, needs: Sequence[Need], *, k: int = 10) -> list[Match]:
    """The top ``k`` needs for one indexed program: score descending, then need id ascending."""
    p = index.position[program_id]
    pos = np.asarray([p], dtype=np.int32)
    found: list[tuple[float, int, Match]] = []
    for need in sorted(needs, key=lambda nd: nd.id):
        scored = _relevance(index, need)
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
