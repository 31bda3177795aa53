"""What every benchmark shares: one Django process per database, result files, percentiles and tables.

Each measured database lives under bench/results/data/<name>/ (SQLite file and RENKEI_DATA_DIR) or in a
PostgreSQL database renkei_bench_<name> on the server named by DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/). The Django settings read the environment once, so a script that
compares databases runs each one in a child process (`run_child`) and collects its JSON.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATA = RESULTS / "data"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgres")


def postgres_url(dbname: str) -> str:
    """DATABASE_URL's server (if it names PostgreSQL) with another database name."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        base = DEFAULT_POSTGRES
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{dbname}", parts.query, ""))


def database_name(name: str) -> str:
    return "renkei_bench_" + "".join(c if c.isalnum() else "_" for c in name)


def _ensure_postgres_database(url: str, *, fresh: bool) -> None:
    import psycopg

    dbname = urlsplit(url).path.lstrip("/")
    admin = urlunsplit((*urlsplit(url)[:2], "/postgres", urlsplit(url).query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def setup_django(db: str, name: str, *, fresh: bool = False) -> Path:
    """Configure and start Django on database `db` ("sqlite" or "postgres") for data set `name`.

    `fresh` drops what a previous run left. Returns the data directory (RENKEI_DATA_DIR).
    """
    data_dir = DATA / f"{db}-{name}"
    if fresh and data_dir.exists():
        for path in sorted(data_dir.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["RENKEI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "renkei.settings"
    os.environ["RENKEI_DEBUG"] = "0"  # DEBUG keeps every query in memory
    if db == "postgres":
        url = postgres_url(database_name(name))
        _ensure_postgres_database(url, fresh=fresh)
        os.environ["DATABASE_URL"] = url
    elif db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    else:
        raise SystemExit(f"unknown database {db!r} (sqlite or postgres)")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return data_dir


def run_child(module: str, args: Sequence[str], *, log: Path) -> dict[str, Any]:
    """Run `python -m module args --child-json FILE` and return the JSON it wrote (its stderr → log)."""
    out = log.with_suffix(".json")
    out.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("RENKEI_DATA_DIR", "DJANGO_SETTINGS_MODULE")}
    command = [sys.executable, "-m", module, *args, "--child-json", str(out)]
    started = time.perf_counter()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as handle:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if code != 0 or not out.exists():
        tail = log.read_text()[-3000:]
        raise SystemExit(
            f"{' '.join(command)} failed ({code}) after {time.perf_counter() - started:.0f} s:\n{tail}"
        )
    return json.loads(out.read_text())


def say(*parts: Any) -> None:
    """Progress to stderr (stdout carries the tables)."""
    print(time.strftime("%H:%M:%S", time.gmtime()) + "Z", *parts, file=sys.stderr, flush=True)


@contextmanager
def timed(label: str, into: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    say(f"{label} …")
    yield
    into[label] = round(time.perf_counter() - started, 2)
    say(f"{label}: {into[label]:.1f} s")


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "renkei_code": code_fingerprint("renkei/**/*.py"),
    }


def code_fingerprint(*patterns: str) -> str:
    """A short hash of the product files matching the glob patterns (relative to the repository)."""
    digest = hashlib.sha256()
    for path in sorted(p for pattern in patterns for p in ROOT.glob(pattern)):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def markdown(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
        return f"{value:,}" if isinstance(value, int) else str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    return path
