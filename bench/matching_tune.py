"""Tune the engine's parameters on the dev splits only (coordinate search on mean nDCG@10).

    .venv/bin/python -m bench.matching_tune [--sets jobtag-a,jobtag-b,esco] [--rounds 2] [--out FILE]

Each dev split is cut in two folds (by a hash of the query id); each fold is scored with the other
fold's judgements as precedents, so no query ever sees its own judgements. The objective is the mean
nDCG@10 over the folds and the sets. Test splits are never read. Prints every step; writes the best
parameters as JSON (``Params.to_dict()``) to ``--out`` (default bench/results/matching-params.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import renkei.engine.index as engine_index
from bench.matching import DEPTH, Set, ndcg, precedents_from, program_docs
from bench.matching_sets import OUT
from renkei.engine import DEFAULT_PARAMS, Need, Params, Weights, build_index, rank_programs
from renkei.engine.terms import split_terms

# tokenising is the slow part and depends only on (text, stem): memoise it for this process
engine_index.split_terms = functools.lru_cache(maxsize=None)(split_terms)  # type: ignore[assignment]

GRID: dict[str, list[Any]] = {
    "title_weight": [1.0, 2.0, 3.0, 5.0],
    "summary_weight": [1.0, 1.5, 2.0, 3.0],
    "word_weight": [0.75, 1.0, 1.5, 2.0],
    "k1": [0.6, 0.9, 1.2, 1.8],
    "b": [0.3, 0.5, 0.75, 0.9],
    "k3": [0.5, 1.5, 5.0, 100.0],
    "bigram_weight": [0.5, 0.75, 1.0, 1.5],
    "max_df": [0.1, 0.25, 0.5, 1.0],
    "stem": [0, 4, 5, 6, 8],
    "text_half": [0.05, 0.1, 0.15, 0.3, 0.6],
    "coverage_mix": [0.0, 0.15, 0.3, 0.5, 0.7],
    "neighbours": [5, 10, 20, 40, 80],
    "head_repeat": [0, 1, 2, 4, 8, 16],
    "precedent_power": [0.5, 1.0, 2.0, 4.0],
    "weights.precedent": [0.25, 0.5, 1.0, 2.0, 4.0],
}


def fold_of(query_id: str) -> int:
    return int(hashlib.sha256(f"fold:{query_id}".encode()).hexdigest()[:8], 16) % 2


def with_value(params: Params, name: str, value: Any) -> Params:
    if name.startswith("weights."):
        weights = dataclasses.replace(params.weights, **{name.split(".", 1)[1]: value})
        return dataclasses.replace(params, weights=weights)
    return dataclasses.replace(params, **{name: value})


def score(params: Params, sets: list[Set], limit: int) -> float:
    """The mean nDCG@10 over the sets (see :func:`per_set`)."""
    values = per_set(params, sets, limit)
    return sum(values.values()) / len(values)


def per_set(params: Params, sets: list[Set], limit: int) -> dict[str, float]:
    """nDCG@10 of each dev set (the mean over its two folds)."""
    out: dict[str, float] = {}
    for data in sets:
        doc_index = {d: i for i, (d, _) in enumerate(data.docs)}
        docs = program_docs(data.docs)
        folds: list[list[tuple[str, str]]] = [[], []]
        for q in data.queries[: limit * 2]:
            folds[fold_of(q[0])].append(q)
        value = 0.0
        for f in (0, 1):
            train = Set.__new__(Set)
            train.docs, train.qrels, train.queries = data.docs, data.qrels, folds[1 - f]
            index = build_index(docs, params=params, precedents=precedents_from(train, doc_index))
            ids = [d for d, _ in data.docs]
            values = [
                ndcg(
                    [ids[m.program_id] for m in rank_programs(index, Need(id=i, text=t), k=10)],
                    data.qrels[qid],
                )
                for i, (qid, t) in enumerate(folds[f])
            ]
            value += sum(values) / max(1, len(values)) / 2
        print(f"    {data.name}: {value:.4f}", file=sys.stderr)
        out[data.name] = value
    return out


def objective(values: dict[str, float], focus: str, floors: dict[str, float]) -> float:
    """The mean over the sets; with ``focus``, that set's value as long as every floor holds (else
    below any feasible value): tune for one set without letting the others fall under their floors."""
    if not focus:
        return sum(values.values()) / len(values)
    name = next(n for n in values if n.startswith(f"{focus}-") or n == focus)
    missed = sum(max(0.0, floor - values[n]) for n, floor in floors.items())
    return values[name] - (1.0 + missed if missed > 0 else 0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="jobtag-a,jobtag-b,esco")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=300, help="queries per fold at most (speed)")
    parser.add_argument("--only", default="", help="comma-separated parameter names to tune")
    parser.add_argument("--start", type=Path, help="start from these parameters (JSON)")
    parser.add_argument("--out", type=Path, default=OUT.parent / "matching-params.json")
    parser.add_argument("--focus", default="", help="maximise this set's dev nDCG@10 (e.g. jobtag-a) ...")
    parser.add_argument(
        "--floors", default="", help="... while these stay at or above (e.g. jobtag-b=0.82,esco=0.36)"
    )
    args = parser.parse_args(argv)
    floors = {
        f"{name}-dev": float(value)
        for name, value in (item.split("=") for item in args.floors.split(",") if item)
    }
    sets = [Set(OUT / f"{name}-dev") for name in args.sets.split(",")]
    params = Params.from_dict(json.loads(args.start.read_text())) if args.start else DEFAULT_PARAMS
    names = [n for n in GRID if not args.only or n in args.only.split(",")]
    best = objective(per_set(params, sets, args.limit), args.focus, floors)
    print(f"start: {best:.4f}", file=sys.stderr)
    for r in range(args.rounds):
        changed = False
        for name in names:
            for value in GRID[name]:
                current = (
                    getattr(params.weights, name[8:])
                    if name.startswith("weights.")
                    else getattr(params, name)
                )
                if value == current:
                    continue
                trial = with_value(params, name, value)
                print(f"  round {r + 1} {name}={value}", file=sys.stderr)
                s = objective(per_set(trial, sets, args.limit), args.focus, floors)
                if s > best + 1e-4:
                    best, params, changed = s, trial, True
                    print(f"  better: {name}={value} -> {best:.4f}", file=sys.stderr)
        if not changed:
            break
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(params.to_dict(), indent=2, sort_keys=True) + "\n")
    print(json.dumps({"objective": round(best, 4), "params": params.to_dict()}, indent=2, sort_keys=True))
    return 0


_ = Weights, DEPTH

if __name__ == "__main__":
    raise SystemExit(main())
