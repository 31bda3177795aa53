"""Matching quality: our engine against bm25s on one reference set, in the same run.

    .venv/bin/python -m bench.matching --set DIR [--train DIR] [--json FILE] [--params FILE]

``DIR`` holds ``docs.csv`` (doc_id,text), ``queries.csv`` (query_id,text) and ``qrels.csv``
(query_id,doc_id,grade). Each engine ranks every document for every query that has at least one
relevant document (grade > 0); printed: nDCG@10 (linear gain = grade, log2 discount, ideal from all
the query's judgements), Recall@10 (relevant in the top 10 / relevant) and MRR (1 / rank of the first
relevant document in the top 100, else 0), plus queries per second.

* ours: ``renkei.engine`` with ``DEFAULT_PARAMS`` (or ``--params`` JSON). A document's first line is
  its title, the rest its body. With ``--train DIR`` (another split of the same documents, e.g. the
  dev split when scoring test), the training queries and their judgements are given to the engine as
  precedents; its score then also counts how relevant documents were for similar training queries.
  ``ours-text`` is the same engine without them, in the same run.
* bm25s: ``bm25s.BM25()`` (Lucene variant, k1 = 1.5, b = 0.75) over the best plain tokenisation we
  know: Sudachi split-mode A normalised forms of content words (``renkei.text.terms_for_matching``)
  plus the character bigrams of the normalised text's Japanese runs.

``--json FILE`` writes ``{"set": NAME, "engines": {"ours": {"ndcg@10": …, "recall@10": …, "mrr": …},
"bm25s": {…}}}`` (plus ``ours-text`` and queries/s).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from renkei.engine import DEFAULT_PARAMS, Need, Params, Precedent, ProgramDoc, build_index, rank_programs
from renkei.text import normalise, terms_for_matching
from renkei.text.tokens import bigrams, runs

K = 10
DEPTH = 100
Ranker = Callable[[Sequence[str]], list[list[str]]]  # query texts -> ranked doc ids per query


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Set:
    def __init__(self, folder: Path) -> None:
        self.name = folder.name
        self.docs = [(r["doc_id"], r["text"]) for r in read_csv(folder / "docs.csv")]
        queries = {r["query_id"]: r["text"] for r in read_csv(folder / "queries.csv")}
        self.qrels: dict[str, dict[str, int]] = {}
        for r in read_csv(folder / "qrels.csv"):
            self.qrels.setdefault(r["query_id"], {})[r["doc_id"]] = int(r["grade"])
        self.queries = [
            (q, t) for q, t in queries.items() if any(g > 0 for g in self.qrels.get(q, {}).values())
        ]


# --- metrics --------------------------------------------------------------------------------------


def ndcg(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    dcg = sum(grades.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    relevant = {d for d, g in grades.items() if g > 0}
    return len(relevant.intersection(ranked[:k])) / len(relevant) if relevant else 0.0


def rr(ranked: Sequence[str], grades: Mapping[str, int]) -> float:
    return next((1 / (i + 1) for i, d in enumerate(ranked[:DEPTH]) if grades.get(d, 0) > 0), 0.0)


def evaluate(ranker: Ranker, data: Set) -> dict[str, float]:
    texts = [t for _, t in data.queries]
    start = time.perf_counter()
    runs_ = ranker(texts)
    elapsed = time.perf_counter() - start
    n = len(data.queries)
    metrics = {"ndcg@10": 0.0, "recall@10": 0.0, "mrr": 0.0}
    for (qid, _), ranked in zip(data.queries, runs_, strict=True):
        grades = data.qrels[qid]
        metrics["ndcg@10"] += ndcg(ranked, grades) / n
        metrics["recall@10"] += recall(ranked, grades) / n
        metrics["mrr"] += rr(ranked, grades) / n
    metrics = {k: round(v, 4) for k, v in metrics.items()}
    metrics["queries_per_s"] = round(n / elapsed, 1) if elapsed else 0.0
    return metrics


# --- engines --------------------------------------------------------------------------------------


def program_docs(docs: Sequence[tuple[str, str]]) -> list[ProgramDoc]:
    out = []
    for i, (_, text) in enumerate(docs):
        title, _, body = text.partition("\n")
        out.append(ProgramDoc(id=i, title=title, body=body))
    return out


def precedents_from(train: Set, doc_index: Mapping[str, int]) -> list[Precedent]:
    out = []
    for qid, text in train.queries:
        grades = {doc_index[d]: float(g) for d, g in train.qrels[qid].items() if g > 0 and d in doc_index}
        if grades:
            out.append(Precedent(text, grades))
    return out


def ours(data: Set, params: Params, precedents: Sequence[Precedent] = ()) -> Ranker:
    index = build_index(program_docs(data.docs), params=params, precedents=precedents)
    ids = [d for d, _ in data.docs]

    def rank(texts: Sequence[str]) -> list[list[str]]:
        return [
            [ids[m.program_id] for m in rank_programs(index, Need(id=i, text=t), k=DEPTH)]
            for i, t in enumerate(texts)
        ]

    return rank


def plain_tokens(text: str) -> list[str]:
    """Sudachi mode A normalised forms of content words plus character bigrams of Japanese runs."""
    tokens = terms_for_matching(text)
    for is_jp, run in runs(normalise(text)):
        if is_jp:
            tokens.extend(bigrams(run))
    return tokens


def bm25s_ranker(data: Set) -> Ranker:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([plain_tokens(t) for _, t in data.docs], show_progress=False)
    ids = [d for d, _ in data.docs]
    depth = min(DEPTH, len(ids))

    def rank(texts: Sequence[str]) -> list[list[str]]:
        vocab = retriever.vocab_dict
        tokens = [[t for t in plain_tokens(x) if t in vocab] or [""] for x in texts]
        found, scores = retriever.retrieve(tokens, k=depth, show_progress=False, n_threads=1)
        return [
            [ids[int(d)] for d, s in zip(row, srow, strict=True) if s > 0]
            for row, srow in zip(found, scores, strict=True)
        ]

    return rank


def run(set_dir: Path, train_dir: Path | None, params: Params) -> dict[str, Any]:
    data = Set(set_dir)
    engines: dict[str, dict[str, float]] = {}
    if train_dir is not None:
        train = Set(train_dir)
        doc_index = {d: i for i, (d, _) in enumerate(data.docs)}
        engines["ours"] = evaluate(ours(data, params, precedents_from(train, doc_index)), data)
        engines["ours-text"] = evaluate(ours(data, params), data)
    else:
        engines["ours"] = evaluate(ours(data, params), data)
    engines["bm25s"] = evaluate(bm25s_ranker(data), data)
    return {
        "set": data.name,
        "train": train_dir.name if train_dir else None,
        "queries": len(data.queries),
        "docs": len(data.docs),
        "params": params.to_dict(),
        "engines": engines,
    }


def table(result: Mapping[str, Any]) -> str:
    rows = ["| engine | nDCG@10 | Recall@10 | MRR | queries/s |", "|---|---|---|---|---|"]
    for name, m in result["engines"].items():
        rows.append(
            f"| {name} | {m['ndcg@10']:.3f} | {m['recall@10']:.3f} | {m['mrr']:.3f} | {m['queries_per_s']:,} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--set", type=Path, required=True, help="folder with docs.csv, queries.csv, qrels.csv"
    )
    parser.add_argument("--train", type=Path, help="another split of the same documents, used as precedents")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--params", type=Path, help="engine parameters as JSON (Params.to_dict())")
    args = parser.parse_args(argv)
    for folder in filter(None, (args.set, args.train)):
        missing = [n for n in ("docs.csv", "queries.csv", "qrels.csv") if not (folder / n).is_file()]
        if missing:
            print(
                f"missing in {folder}: {', '.join(missing)} (build the sets: python -m bench.matching_sets)",
                file=sys.stderr,
            )
            return 2
    params = Params.from_dict(json.loads(args.params.read_text())) if args.params else DEFAULT_PARAMS
    result = run(args.set, args.train, params)
    print(
        f"## {result['set']} ({result['queries']} queries, {result['docs']} documents"
        + (f", precedents from {result['train']}" if result["train"] else "")
        + ")\n"
    )
    print(table(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
