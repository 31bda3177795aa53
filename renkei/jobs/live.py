"""What a running job shows between two database writes: its latest progress, in a small file.

An all-or-nothing step writes inside one database transaction. Until it commits, other connections
cannot see what it wrote, and on SQLite they cannot write at all (one writer at a time). So while a job
runs, its runner also keeps the latest progress in `DATA_DIR/jobs/<id>.json` (replaced atomically), and
a heartbeat thread rewrites it every few seconds: the file's age tells whether the worker is alive.
Pages read it while the job runs; the database keeps everything durable (state, result, errors, the
progress outside the transaction). Web processes and workers share DATA_DIR already: the upload that a
job works on is kept there.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

HEARTBEAT_SECONDS = 5.0


@dataclass(frozen=True)
class Live:
    attempt: int
    phase: str = ""
    phase_ja: str = ""
    phase_en: str = ""
    done: int = 0
    total: int | None = None
    at: float = 0.0  # when it was last written (seconds since the epoch)


def live_path(job_id: Any) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / f"{job_id}.json"


def write_live(job_id: Any, live: Live) -> None:
    path = live_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    data = {**asdict(live), "at": time.time()}
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def read_live(job_id: Any) -> Live | None:
    try:
        data = json.loads(live_path(job_id).read_text(encoding="utf-8"))
        return Live(**data)
    except (OSError, ValueError, TypeError):
        return None


def remove_live(job_id: Any) -> None:
    with contextlib.suppress(OSError):
        live_path(job_id).unlink()


class Heartbeat:
    """Rewrites the job's live file every few seconds while the work runs, whatever the work does."""

    def __init__(self, job_id: Any, current: Live, interval: float = HEARTBEAT_SECONDS) -> None:
        self.job_id = job_id
        self.current = current
        self.interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._beat, name=f"renkei-heartbeat-{job_id}", daemon=True)

    def update(self, current: Live) -> None:
        with self._lock:
            self.current = current
            write_live(self.job_id, current)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock, contextlib.suppress(OSError):
                write_live(self.job_id, self.current)

    def __enter__(self) -> Heartbeat:
        write_live(self.job_id, self.current)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        remove_live(self.job_id)
