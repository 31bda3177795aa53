"""Import benchmark: a 100k-row program CSV through the real pipeline against a bare bulk insert.

    .venv/bin/python -m bench.imports --size 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.imports --dbs postgres

For each database, in separate child processes (so each peak RSS is its own), on fresh databases:

* import: `plan_import` + `apply_plan` of renkei.importing on the CSV written by bench.generate (what
  `renkei import programs FILE` runs): reading and checking, the audited all-or-nothing write, then
  `program_index_rebuild` of the written programs (the importer's after_apply, same transaction);
* bulk: the same rows (bench.generate.rows, same seed) straight into `Program.objects.bulk_create` and the
  field/skill through tables inside an audit context, then program_index_rebuild, timed apart.

Peak memory is ru_maxrss of the child (and its growth over the baseline after Django started), for the
import also right after planning; "file-backed" is the child's RssFile at the end, mostly the memory-mapped
Sudachi dictionary (shared, reclaimable), which the peak includes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.generate import GENERATOR_VERSION
from bench.harness import (
    DATABASES,
    RESULTS,
    ROOT,
    machine,
    markdown,
    peak_rss_mb,
    run_child,
    say,
    setup_django,
    write_json,
)


def csv_path(size: int, seed: int) -> Path:
    return RESULTS / f"programs-{size}-{seed}-v{GENERATOR_VERSION}.csv"


def ensure_csv(size: int, seed: int) -> Path:
    path = csv_path(size, seed)
    if not path.exists():
        say(f"writing {path.name}")
        command = [sys.executable, "-m", "bench.generate", "--size", str(size), "--seed", str(seed)]
        subprocess.check_call([*command, "--csv", str(path), "--name", "csv"], cwd=ROOT)
    return path


def child_import(db: str, size: int, seed: int) -> dict[str, Any]:
    load_start = os.getloadavg()[0]
    setup_django(db, f"import-{size}", fresh=True)
    from bench.generate import ensure_registry
    from renkei.core.audit import Via
    from renkei.importing import apply_plan, get_importer, plan_import

    ensure_registry()
    path = csv_path(size, seed)
    baseline = peak_rss_mb()
    phases: dict[str, float] = {}

    def progress(phase: str, done: int, total: int | None) -> None:
        phases.setdefault(phase, time.perf_counter())

    started = time.perf_counter()
    spec = get_importer("programs")
    plan = plan_import(spec, path.read_bytes(), filename=path.name, progress=progress)
    planned = time.perf_counter()
    plan_peak = peak_rss_mb()
    say(f"planned {plan.counts} in {planned - started:.0f} s")
    result = apply_plan(plan, via=Via.COMMAND, progress=progress, label="bench import")
    finished = time.perf_counter()
    write_start, index_start = phases.get("write", planned), phases.get("finish", finished)
    seconds = {
        "total": finished - started,
        "read+check (plan)": planned - started,
        "write": index_start - write_start,
        "index": finished - index_start,
    }
    return {
        **_result(db, "import", result.created, seconds, baseline=baseline, load_start=load_start),
        "plan_peak_rss_mb": round(plan_peak, 1),
    }


def child_bulk(db: str, size: int, seed: int) -> dict[str, Any]:
    load_start = os.getloadavg()[0]
    setup_django(db, f"bulk-{size}", fresh=True)
    from bench.generate import ensure_registry, load, rows
    from renkei.catalog.search import program_index_rebuild

    registry = ensure_registry()
    baseline = peak_rss_mb()
    started = time.perf_counter()
    created = load(rows(size, seed, registry), runs=False)
    written = time.perf_counter()
    program_index_rebuild()
    finished = time.perf_counter()
    seconds = {"total": finished - started, "write": written - started, "index": finished - written}
    return _result(db, "bulk", created, seconds, baseline=baseline, load_start=load_start)


def _result(
    db: str, mode: str, rows: int, seconds: dict[str, float], *, baseline: float, load_start: float
) -> dict[str, Any]:
    """What both children report: counts in the database, phase times, memory and machine load."""
    from renkei.catalog.models import Program, ProgramIndex

    return {
        "db": db,
        "mode": mode,
        "rows": rows,
        "programs": Program.objects.count(),
        "indexed": ProgramIndex.objects.count(),
        "seconds": {name: round(value, 1) for name, value in seconds.items()},
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "file_rss_mb": file_rss_mb(),
        "baseline_rss_mb": round(baseline, 1),
        "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
    }


def file_rss_mb() -> float | None:
    """The file-backed part of this process's resident memory now (Linux): mostly the Sudachi
    dictionary, which is memory-mapped, shared between processes and dropped first under pressure."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssFile:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def report(results: list[dict[str, Any]]) -> str:
    by = {(r["db"], r["mode"]): r for r in results}
    rows = []
    for r in results:
        s = r["seconds"]
        bulk = by.get((r["db"], "bulk"))
        write_rate = r["rows"] / s["write"] if s["write"] else 0
        rows.append([
            r["db"], r["mode"], f"{r['rows']:,}", s["total"], s.get("read+check (plan)", "–"), s["write"], s["index"],
            round(r["rows"] / s["total"]), round(r["rows"] / (s["total"] - s["index"])), round(write_rate),
            f"{bulk['seconds']['total'] / s['total']:.2f}" if bulk else "–",
            f"{(bulk['seconds']['write']) / (s['total'] - s['index']):.2f}" if bulk else "–",
            r.get("plan_peak_rss_mb", "–"), r["peak_rss_mb"], r.get("file_rss_mb") or "–",
            round(r["peak_rss_mb"] - r["baseline_rss_mb"]), f"{r['indexed']:,}",
        ])  # fmt: skip
    headers = [
        "db", "run", "rows", "total s", "plan s", "write s", "index s", "rows/s (all)", "rows/s (no index)",
        "rows/s (write only)", "speed vs bulk (all)", "speed vs bulk (no index)", "peak RSS MB after plan",
        "peak RSS MB", "of which file-backed MB", "RSS growth MB", "indexed",
    ]  # fmt: skip
    loads = ", ".join(f"{r['db']} {r['mode']} {r['load_average'][0]}→{r['load_average'][1]}" for r in results)
    return markdown(headers, rows) + f"\n\n1-minute load average at the start → end of each run: {loads}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument("--dbs", default=",".join(DATABASES), help="sqlite,postgres")
    parser.add_argument("--child", choices=("import", "bulk"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--child-json", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = child_import if args.child == "import" else child_bulk
        args.child_json.write_text(json.dumps(run(args.db, args.size, args.seed)))
        return
    started = time.perf_counter()
    ensure_csv(args.size, args.seed)
    results = []
    for db in args.dbs.split(","):
        for mode in ("import", "bulk"):
            say(f"{mode} {db} {args.size:,} (log: bench/results/import-{mode}-{db}-{args.size}.log)")
            result = run_child(
                "bench.imports",
                ["--child", mode, "--db", db, "--size", str(args.size), "--seed", str(args.seed)],
                log=RESULTS / f"import-{mode}-{db}-{args.size}.log",
            )
            say(f"{mode} {db}: {result['seconds']} peak RSS {result['peak_rss_mb']} MB")
            results.append(result)
    print(report(results))
    payload = {"machine": machine(), "size": args.size, "seconds": round(time.perf_counter() - started)}
    say(f"JSON: {write_json('imports', {**payload, 'results': results})}")


if __name__ == "__main__":
    main()
