"""Matching at scale: N needs × M programs, top 10 each with reasons, ours against bm25s on the same needs.

    .venv/bin/python -m bench.matching_scale [--sizes 1000,3000,10000,30000,100000] [--needs 10000]
                                              [--json FILE] [--svg FILE]

Programs come from ``bench.generate.rows`` (the search benchmark's catalog generator, seed 20260401)
with a made-up registry in memory (no database): sample providers and the places of Yamagata's
municipalities; skills become concept ids of a small taxonomy (one broader concept per field). Needs
are made up the same way (seed 20261205): an employer's sentence or two about a subject, its skills,
modes, place, budget, level and timeframe, like the matching app's needs; all are sample data.

Each engine runs in its own child process per size, so each peak memory (ru_maxrss) is its own:

* ours: ``build_index`` (timed: index), then ``rank_programs_batch(index, needs, k=10)`` with reasons
  and the reason line in Japanese (timed: rank);
* bm25s: ``bm25s.BM25()`` indexed over the same tokenisation as in ``bench.matching`` (Sudachi mode A
  normalised forms + Japanese bigrams) of title + summary + description (timed: index), then the
  tokenisation of the need texts and ``retrieve(k=10)`` (timed: rank; text only, no constraints, no
  reasons).

Throughput = needs per second of the rank phase. Prints a Markdown table; ``--svg`` draws time and
peak memory against the number of programs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.harness import RESULTS, machine

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_SEED = 20260401
NEED_SEED = 20261205
# the municipalities of Yamagata used as places (code, name, latitude, longitude)
PLACES = (
    ("06201", "山形市", "38.255437", "140.339602"),
    ("06202", "米沢市", "37.922291", "140.116773"),
    ("06203", "鶴岡市", "38.727383", "139.826669"),
    ("06204", "酒田市", "38.914436", "139.836505"),
    ("06205", "新庄市", "38.765019", "140.301749"),
    ("06206", "寒河江市", "38.376149", "140.276386"),
    ("06207", "上山市", "38.149617", "140.267808"),
    ("06208", "村山市", "38.483694", "140.380421"),
    ("06209", "長井市", "38.107550", "140.040470"),
    ("06210", "天童市", "38.362235", "140.378080"),
    ("06211", "東根市", "38.431334", "140.391070"),
    ("06212", "尾花沢市", "38.600669", "140.405760"),
    ("06213", "南陽市", "38.055177", "140.147790"),
)
NEED_OPENERS = (
    "{place}の{industry}の会社です。",
    "当社は{place}で{industry}を営んでいます。",
    "{industry}（従業員{size}名）です。",
    "",
)
NEED_SENTENCES = (
    "{topic}ができる人材が不足しています。",
    "社員に{topic}の基礎を学ばせたいと考えています。",
    "{topic}について、現場で使える知識を身につけてほしい。",
    "{detail}",
    "{tool}を使った業務の効率化を進めたい。",
    "若手社員の{topic}の研修を探しています。",
    "管理職向けに{topic}を学べる講座があれば参加したい。",
)


def _registry() -> Any:
    from bench.generate import TOPICS, Place, Provider, Registry

    places = tuple(Place(c, n, Decimal(lat), Decimal(lon)) for c, n, lat, lon in PLACES)
    providers = tuple(
        Provider(
            f"bench-sample-{i}",
            f"サンプル大学{i}",
            f"Sample University {i}",
            "06",
            p.code,
            p.latitude,
            p.longitude,
            i % 2 == 0,
        )
        for i, p in enumerate(places, start=1)
    )
    concepts = frozenset(c for t in TOPICS for c in (t[2], *t[3]))
    return Registry(providers=providers, places=places, concepts=concepts)


def concept_ids() -> dict[str, int]:
    from bench.generate import TOPICS

    codes = sorted({c for t in TOPICS for c in (t[2], *t[3])})
    return {c: i for i, c in enumerate(codes, start=1)}


def taxonomy() -> Any:
    from bench.generate import TOPICS
    from renkei.engine import Taxonomy

    ids = concept_ids()
    parents: dict[int, int | None] = {}
    for _, _, field_code, skills, _ in TOPICS:
        parents.setdefault(ids[field_code], None)
        for s in skills:
            parents.setdefault(ids[s], ids[field_code])
    labels = {i: (c.removeprefix("skill-").removeprefix("field-"), c) for c, i in ids.items()}
    return Taxonomy.from_parents(parents, labels=labels)


def programs(size: int) -> list[Any]:
    from bench.generate import rows
    from renkei.engine import Place, ProgramDoc

    ids = concept_ids()
    out = []
    rng = random.Random(PROGRAM_SEED + 1)
    for number, row in enumerate(rows(size, PROGRAM_SEED, _registry()), start=1):
        lat, lon = row["latitude"], row["longitude"]
        place = Place(float(lat), float(lon), row["municipality_code"]) if lat is not None else None
        out.append(
            ProgramDoc(
                id=number,
                title=row["title_ja"],
                summary=row["summary_ja"] or row["summary_en"],
                body=row["description_ja"],
                skills=frozenset(ids[c] for c in row["skills"]),
                mode=row["mode"],
                level=row["level"],
                place=place,
                fee_yen=row["fee_yen"],
                starts=tuple(row["_runs"]),
                times=frozenset(
                    rng.sample(("morning", "daytime", "evening", "weekend"), k=rng.choice((1, 1, 2)))
                ),
                capacity=row["capacity"],
            )
        )
    return out


def needs(count: int) -> list[Any]:
    from bench.generate import INDUSTRIES, TOOLS, TOPICS
    from renkei.engine import Need, Place

    ids = concept_ids()
    rng = random.Random(NEED_SEED)
    out = []
    for number in range(1, count + 1):
        topic_ja, _, _, skills, own = rng.choice(TOPICS)
        place = rng.choice(PLACES)
        slots = {
            "place": place[1], "industry": rng.choice(INDUSTRIES), "size": rng.choice((12, 30, 80, 250)),
            "topic": topic_ja, "tool": rng.choice(TOOLS),
            "detail": rng.choice(own).format(sim="シミュレーション").split("、")[0].rstrip("。") + "たい。",
        }  # fmt: skip
        text = rng.choice(NEED_OPENERS).format(**slots) + "".join(
            s.format(**slots) for s in rng.sample(NEED_SENTENCES, k=rng.randint(1, 3))
        )
        start = date(2026, 4, 1) + timedelta(days=rng.randrange(0, 360))
        out.append(
            Need(
                id=number,
                text=text,
                skills=frozenset(ids[s] for s in rng.sample(skills, k=rng.randint(1, len(skills)))),
                level=rng.choice(("", "", "introductory", "intermediate", "advanced")),
                headcount=rng.choice((1, 2, 5, 10)),
                modes=frozenset(rng.choice(((), ("onsite",), ("online", "on_demand"), ("onsite", "hybrid")))),
                place=Place(float(place[2]), float(place[3]), place[0]),
                budget_yen=rng.choice((None, 0, 10_000, 50_000, 200_000)),
                times=frozenset(rng.choice(((), ("evening",), ("daytime", "weekend")))),
                start_from=start,
                start_until=start + timedelta(days=180),
            )
        )
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(engine: str, size: int, count: int) -> dict[str, Any]:
    progs = programs(size)
    qs = needs(count)
    base = peak_mb()
    result: dict[str, Any] = {
        "engine": engine,
        "programs": size,
        "needs": count,
        "rss_before_mb": round(base),
    }
    if engine == "ours":
        from renkei.engine import build_index, rank_programs_batch, reason_line

        tax = taxonomy()
        t0, c0 = time.perf_counter(), time.process_time()
        index = build_index(progs, taxonomy=tax)
        t1, c1 = time.perf_counter(), time.process_time()
        found = rank_programs_batch(index, qs, k=10)
        lines = [reason_line(m, "ja", tax) for ms in found for m in ms]
        t2, c2 = time.perf_counter(), time.process_time()
        result["matches"] = sum(map(len, found))
        result["example"] = lines[0] if lines else ""
    else:
        import bm25s

        from bench.matching import plain_tokens

        t0, c0 = time.perf_counter(), time.process_time()
        retriever = bm25s.BM25()
        retriever.index(
            [plain_tokens(f"{p.title}\n{p.summary}\n{p.body}") for p in progs], show_progress=False
        )
        t1, c1 = time.perf_counter(), time.process_time()
        vocab = retriever.vocab_dict
        tokens = [[t for t in plain_tokens(q.text) if t in vocab] or [""] for q in qs]
        docs, _ = retriever.retrieve(tokens, k=10, show_progress=False, n_threads=1)
        t2, c2 = time.perf_counter(), time.process_time()
        result["matches"] = int(docs.size)
    result.update(
        index_s=round(t1 - t0, 2),
        rank_s=round(t2 - t1, 2),
        total_s=round(t2 - t0, 2),
        needs_per_s=round(count / (t2 - t1), 1),
        index_cpu_s=round(c1 - c0, 2),
        rank_cpu_s=round(c2 - c1, 2),
        needs_per_cpu_s=round(count / max(c2 - c1, 1e-9), 1),
        peak_mb=round(peak_mb()),
        cpu_s=round(time.process_time(), 1),
        load_after=round(os.getloadavg()[0], 2),
    )
    return result


def svg(results: list[dict[str, Any]], path: Path) -> None:
    """Two small log-log panels: seconds (index, rank) and peak MB against programs, ours and bm25s."""
    import math

    sizes = sorted({r["programs"] for r in results})
    series = {
        ("time", "ours rank"): "#1b6ac9", ("time", "ours index"): "#7fb0ea",
        ("time", "bm25s rank"): "#d9480f", ("time", "bm25s index"): "#f3a37a",
        ("memory", "ours"): "#1b6ac9", ("memory", "bm25s"): "#d9480f",
    }  # fmt: skip

    def value(panel: str, name: str, r: dict[str, Any]) -> float:
        if panel == "memory":
            return float(r["peak_mb"])
        return float(r["rank_s" if name.endswith("rank") else "index_s"])

    w, h, pad = 360, 240, 48
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * w}" height="{h + 40}" font-family="sans-serif" font-size="11">'
    ]
    for col, (panel, unit) in enumerate((("time", "wall seconds"), ("memory", "peak MB"))):
        x0 = col * w
        vals = [
            value(panel, name, r)
            for (p, name) in series
            if p == panel
            for r in results
            if r["engine"] == name.split()[0]
        ]
        lo, hi = max(min(vals), 0.01), max(vals)
        ylo, yhi = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        xlo, xhi = math.log10(sizes[0]), math.log10(sizes[-1])

        def px(s: float, xlo: float = xlo, xhi: float = xhi, x0: float = x0) -> float:
            return x0 + pad + (math.log10(s) - xlo) / max(xhi - xlo, 1e-9) * (w - 2 * pad)

        def py(v: float, ylo: float = ylo, yhi: float = yhi) -> float:
            return h - pad + 20 - (math.log10(max(v, 0.01)) - ylo) / max(yhi - ylo, 1e-9) * (h - 2 * pad)

        parts.append(f'<text x="{x0 + pad}" y="16" font-weight="bold">{unit} (log) vs programs (log)</text>')
        for e in range(ylo, yhi + 1):
            y = py(10**e)
            parts.append(
                f'<line x1="{x0 + pad}" x2="{x0 + w - pad}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            )
            parts.append(f'<text x="{x0 + pad - 4}" y="{y + 4:.1f}" text-anchor="end">{10**e:g}</text>')
        for s in sizes:
            parts.append(f'<text x="{px(s):.1f}" y="{h + 8}" text-anchor="middle">{s:,}</text>')
        legend_y = 30
        for (p, name), colour in series.items():
            if p != panel:
                continue
            pts = [
                (px(r["programs"]), py(value(panel, name, r)))
                for r in sorted(results, key=lambda r: r["programs"])
                if r["engine"] == name.split()[0]
            ]
            path_d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(pts))
            parts.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in pts)
            parts.append(f'<text x="{x0 + pad + 8}" y="{legend_y}" fill="{colour}">{name}</text>')
            legend_y += 13
    parts.append(
        f'<text x="{pad}" y="{h + 30}">needs: {results[0]["needs"]:,}; top 10 each. Ours: with reasons and constraints.</text>'
    )
    parts.append("</svg>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    parser.add_argument("--needs", type=int, default=10_000)
    parser.add_argument("--engines", default="ours,bm25s")
    parser.add_argument("--json", type=Path, default=RESULTS / "matching-scale.json")
    parser.add_argument("--svg", type=Path)
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "SIZE", "NEEDS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        engine, size, count = args.child
        print(json.dumps(child(engine, int(size), int(count))))
        return 0
    results = []
    print("| programs | engine | index s | rank s | total s | needs/s | peak MB | load (1 min) |")
    print("|---|---|---|---|---|---|---|---|")
    for size in map(int, args.sizes.split(",")):
        for engine in args.engines.split(","):
            out = subprocess.run(
                [sys.executable, "-m", "bench.matching_scale", "--child", engine, str(size), str(args.needs)],
                cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results.append(r)
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps({"needs": args.needs, "results": results}, ensure_ascii=False, indent=2)
            )
            print(
                f"| {size:,} | {engine} | {r['index_s']} | {r['rank_s']} | {r['total_s']} | {r['needs_per_s']:,} "
                f"| {r['peak_mb']:,} | {r['load_after']} |",
                flush=True,
            )
    payload = {"machine": machine(), "needs": args.needs, "results": results}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.svg:
        svg(results, args.svg)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
