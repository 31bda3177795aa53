"""Judged relevance for the catalog search: nDCG@10 of ours and of tantivy's BM25 over the same tokens, and
precision against the oracle. Used by bench.search (every child: the bench catalog; one more child: the demo).

    .venv/bin/python -m bench.relevance --demo            # the hand-judged demo set alone (SQLite)

Two judged sets:

1. **Rule-graded (the bench catalog).** For every query of RULE_QUERIES, every published program is graded
   by where the query stands *as written* (normalised, hiragana folded to katakana, a final ー of a katakana
   word optional, or one of its listed spelling variants) in its Japanese or English text:
   3 in the title, 2 in the summary, 1 in the description, 0 nowhere (a program whose words only occur
   apart, or only in a tag or the provider's name, is not relevant). A query of several words takes the
   lowest grade of its words; a quoted phrase counts only as written. The grades are derived from the
   text, not from either engine.
2. **Hand-judged (the demo programs).** DEMO_JUDGMENTS: for each query, the programs (provider key, code)
   a learner would want, graded 3 (exactly what was asked for), 2 (clearly about it), 1 (touches it);
   every other program is 0. Judged by reading the programs of `renkei loaddemo`.

nDCG@10 = DCG@10 / ideal DCG@10 with gain 2^grade − 1 and discount log2(rank + 1), over the programs an
anonymous visitor sees; the mean over the queries is reported. *tantivy*: the same index terms in three
fields (title, summary, everything else; whitespace tokenizer, term frequencies), each query term a SHOULD
over the three fields (BM25 summed over fields, tantivy's multi-field default), the query's groups MUST,
published programs only, top 10 by score.

Precision against the oracle: of our matches (no facets), how many hold the query as written or a variant
somewhere in their title, summary or description (the rest match through Sudachi's words apart, tags,
provider names or labels).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any

NAME_SUFFIX = os.environ.get("BENCH_SEARCH_SUFFIX", "")  # keeps two checkouts' bench databases apart

# Bench catalog: the text queries of the speed mix and a few longer ones
RULE_QUERIES = (
    "農",
    "品質",
    "経営",
    "会計",
    "データ分析",
    "シミュレーション",
    "生産管理",
    "シュミレーション",
    "サーバ",
    "ＤＸ",
    "data science",
    "python",
    "データサイエンス",
    "品質管理",
    "財務分析",
    '"データ分析"',
    '"data science"',
    '"project management"',
    "しみゅれーしょん",
    "機械学習 python",
)
# query -> spelling variants that count as the query written another way
VARIANTS = {
    "シュミレーション": ("シミュレーション",),
    "シミュレーション": ("シュミレーション",),
    "しみゅれーしょん": ("シミュレーション", "シュミレーション"),
    "サーバ": ("サーバー",),
    "サーバー": ("サーバ",),
    "ＤＸ": ("dx",),
    "dx": ("ＤＸ",),
}

# Demo programs, judged by hand: query -> {(provider key, program code): grade}. Programs not listed: 0.
DEMO_JUDGMENTS: dict[str, dict[tuple[str, str], int]] = {}  # filled in below (DEMO_JUDGMENTS.update)


# --- grading --------------------------------------------------------------------------------------------


_KANA = {c: c + 0x60 for c in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE}


def _fold(text: str) -> str:
    """Normalised, hiragana as katakana (written out here: the grading must not depend on the code
    it judges, which may be an older version of renkei.text)."""
    from renkei.text import normalise

    return normalise(text).translate(_KANA)


def needles(word: str) -> set[str]:
    """The word as written and its variants, normalised and folded (a final ー optional)."""
    out = set()
    for form in (word, *VARIANTS.get(word, ())):
        folded = _fold(form)
        out.add(folded)
        if len(folded) > 3 and folded.endswith("ー"):
            out.add(folded[:-1])
    return out


def query_words(query: str) -> list[str]:
    """Words of a query; a quoted phrase is one word (its Japanese parts joined)."""
    if query.startswith('"') and query.endswith('"'):  # a space between two Japanese characters goes
        return [re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", query[1:-1])]
    return query.split()


def grade(query: str, title: str, summary: str, description: str) -> int:
    """The rule: 3 title, 2 summary, 1 description, 0 none (texts already normalised and folded)."""
    grades = []
    for word in query_words(query):
        found = needles(word)
        if any(n in title for n in found):
            grades.append(3)
        elif any(n in summary for n in found):
            grades.append(2)
        elif any(n in description for n in found):
            grades.append(1)
        else:
            grades.append(0)
    return min(grades) if grades else 0


def texts() -> dict[int, tuple[str, str, str]]:
    """Published programs: id -> (title, summary, description), ja + en, normalised and folded."""
    from renkei.catalog.models import Program, Status

    rows = Program.objects.filter(status=Status.PUBLISHED).values_list(
        "pk", "title_ja", "title_en", "summary_ja", "summary_en", "description_ja", "description_en"
    )
    return {
        pk: (_fold(f"{a} {b}"), _fold(f"{c} {d}"), _fold(f"{e} {f}"))
        for pk, a, b, c, d, e, f in rows.iterator(chunk_size=2000)
    }


# --- nDCG ------------------------------------------------------------------------------------------------


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg(ranked: list[int], grades: dict[int, int], k: int = 10) -> float:
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if not ideal:  # nothing is relevant: finding nothing is right
        return 0.0 if ranked else 1.0
    return dcg([grades.get(pk, 0) for pk in ranked[:k]]) / ideal


def ours_top(query: str, k: int = 10) -> list[int]:
    from django.contrib.auth.models import AnonymousUser

    from renkei.catalog.selectors import program_search

    return [p.pk for p in program_search(user=AnonymousUser(), query=query, page_size=k).items]


# --- tantivy, three fields --------------------------------------------------------------------------------


def _field_documents() -> Any:
    """(program id, title terms, summary terms, other terms): the index's own tokens."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT rowid, title, summary, body FROM catalog_program_fts")
            yield from cursor.fetchall()
            return
        # tsvector: each lexeme as often as it has positions of that weight (A title, B summary, D rest)
        cursor.execute(
            "SELECT program_id, "
            + ", ".join(
                f"string_agg(repeat(lexeme || ' ', (SELECT count(*) FROM unnest(weights) w WHERE w = '{w}')::int), '')"
                for w in "ABD"
            )
            + " FROM catalog_program_tsv, unnest(document) GROUP BY program_id"
        )
        yield from cursor.fetchall()


def tantivy_fields_build(path: Path) -> Any:
    import tantivy

    from renkei.catalog.models import Program, Status

    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pid", stored=True, fast=True)
    for name in ("title", "summary", "body"):
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    schema = builder.build()
    index = tantivy.Index(schema, path=str(path))
    published = set(Program.objects.filter(status=Status.PUBLISHED).values_list("pk", flat=True))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for pid, title, summary, body in _field_documents():
        if pid in published:
            writer.add_document(
                tantivy.Document(pid=[pid], title=[title or ""], summary=[summary or ""], body=[body or ""])
            )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_top(index: Any, query: str, k: int = 10) -> list[int]:
    from tantivy import Occur, Query

    from renkei.text import parse_query

    schema = index.schema

    def term(t: Any) -> Any:
        per_field = []
        for name in ("title", "summary", "body"):
            if t.prefix:
                per_field.append(Query.regex_query(schema, name, re.escape(t.text) + ".*"))
            else:
                per_field.append(Query.term_query(schema, name, t.text))
        return Query.boolean_query([(Occur.Should, q) for q in per_field])

    def group(g: Any) -> Any:
        alternatives = [Query.boolean_query([(Occur.Must, term(t)) for t in alt]) for alt in g.alternatives]
        return Query.boolean_query([(Occur.Should, a) for a in alternatives])

    parsed = parse_query(query)
    if not parsed.include:
        return []
    tq = Query.boolean_query([(Occur.Must, group(g)) for g in parsed.include])
    searcher = index.searcher()
    hits = searcher.search(tq, limit=k).hits
    return [searcher.doc(address)["pid"][0] for _, address in hits]


# --- precision against the oracle ---------------------------------------------------------------------------


def precision(
    query: str, corpus: dict[int, tuple[str, str, str]], everything: dict[int, str]
) -> dict[str, Any]:
    """Our matches (no facets, any status) and how many hold the query as written or a variant."""
    from renkei.catalog import bitmaps, search
    from renkei.text import parse_query

    parsed = parse_query(query)
    ours = set(bitmaps.ids_from_bits(search.backend().match_bits(parsed))) if parsed.include else set()
    words = [needles(w) for w in query_words(query)]
    written = {pk for pk in ours if all(any(n in everything.get(pk, "") for n in found) for found in words)}
    return {
        "query": query,
        "matches": len(ours),
        "as_written": len(written),
        "other": len(ours - written),
        "precision": round(len(written) / len(ours), 3) if ours else 1.0,
    }


def all_texts() -> dict[int, str]:
    from renkei.catalog.models import Program

    rows = Program.objects.values_list(
        "pk", "title_ja", "title_en", "summary_ja", "summary_en", "description_ja", "description_en"
    )
    return {pk: _fold(" ".join(t)) for pk, *t in rows.iterator(chunk_size=2000)}


# --- the two sets ------------------------------------------------------------------------------------------


def evaluate(judged: dict[str, dict[int, int]], index: Any | None, data_dir: Path) -> dict[str, Any]:
    """Per query and mean nDCG@10 of ours and tantivy (the index is built here if not given)."""
    if index is None:
        index = tantivy_fields_build(Path(tempfile.mkdtemp(prefix="tantivy-rel-", dir=data_dir)))
    rows = []
    for query, grades in judged.items():
        ours, theirs = ours_top(query), tantivy_top(index, query)
        rows.append(
            {
                "query": query,
                "relevant": sum(1 for g in grades.values() if g),
                "ours": round(ndcg(ours, grades), 3),
                "tantivy": round(ndcg(theirs, grades), 3),
            }
        )
    mean = {e: round(sum(r[e] for r in rows) / len(rows), 3) if rows else None for e in ("ours", "tantivy")}
    return {"queries": rows, "mean": mean}


def rule_set() -> tuple[dict[str, dict[int, int]], list[dict[str, Any]]]:
    """The rule-graded set of the loaded catalog, and precision against the oracle per query."""
    corpus = texts()
    judged = {}
    for query in RULE_QUERIES:
        judged[query] = {pk: g for pk, t in corpus.items() if (g := grade(query, *t))}
    everything = all_texts()
    return judged, [precision(q, corpus, everything) for q in RULE_QUERIES]


def demo_set() -> dict[str, dict[int, int]]:
    from renkei.catalog.models import Program

    keys = {(p, c): pk for pk, p, c in Program.objects.values_list("pk", "provider__key", "code")}
    missing = [key for grades in DEMO_JUDGMENTS.values() for key in grades if key not in keys]
    if missing:
        raise SystemExit(f"judged programs not in the demo: {missing[:5]}")
    return {q: {keys[key]: g for key, g in grades.items()} for q, grades in DEMO_JUDGMENTS.items()}


def demo_child(db: str, fresh: bool) -> dict[str, Any]:
    """Load the demo (once per data dir) and evaluate the hand-judged set."""
    from bench.harness import setup_django

    data_dir = setup_django(db, "search-demo" + NAME_SUFFIX, fresh=fresh)
    from django.core.management import call_command

    from renkei.catalog.models import Program

    if not Program.objects.exists():
        call_command("loaddemo")
    judged = demo_set()
    everything = all_texts()
    corpus = texts()
    return {
        "db": db,
        "programs": Program.objects.count(),
        "relevance": evaluate(judged, None, data_dir),
        "precision": [precision(q, corpus, everything) for q in judged],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--child-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.demo:
        import json

        result = json.dumps(demo_child(args.db, args.fresh), ensure_ascii=False, indent=1)
        if args.child_json:
            args.child_json.write_text(result)
        else:
            print(result)


from bench.relevance_judgments import DEMO as _DEMO  # noqa: E402  (the judgments are data, kept apart)

DEMO_JUDGMENTS.update(_DEMO)

if __name__ == "__main__":
    main()
