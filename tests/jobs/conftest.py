"""Fixtures for the background-job tests. They run on the task backend the settings select
(RENKEI_TASKS_BACKEND: the database by default; CI runs this directory once more with redis), through
that backend's real worker: in this process (`run_worker`), or as a `renkei worker` process
(`worker_process`) on the same database."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

RENKEI = [sys.executable, "-m", "renkei"]


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture(autouse=True)
def _empty_queue(settings: Any) -> Iterator[None]:
    """On Redis, each test starts and ends with an empty queue (only our queue's keys are touched)."""
    if settings.TASKS_BACKEND != "redis":
        yield
        return
    import django_rq

    queue = django_rq.get_queue("default")
    queue.empty()
    yield
    queue.empty()


def units_csv(parent: str, count: int) -> bytes:
    """`count` new units under `parent`, as the organisations importer reads them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["key", "kind", "name_ja", "name_en", "parent"])
    for n in range(count):
        writer.writerow([f"{parent}.u{n:05d}", "centre", f"テストセンター{n}", f"Test centre {n}", parent])
    return buffer.getvalue().encode()


def _without_signal_handlers(run: Callable[[], Any]) -> Any:
    """Workers install SIGINT/SIGTERM handlers for a clean stop; give pytest its own back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return run()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@pytest.fixture
def run_worker(settings: Any) -> Callable[[], None]:
    """Run every queued task now, in this process, through the configured backend's worker code: the
    database backend's `Worker` loop (as `renkei worker --burst` runs it), or RQ's worker without fork."""

    def run() -> None:
        if settings.TASKS_BACKEND == "redis":
            import django_rq
            from rq import SimpleWorker

            queue = django_rq.get_queue("default")
            worker = SimpleWorker([queue], connection=queue.connection, job_class="django_tasks_rq.Job")
            _without_signal_handlers(lambda: worker.work(burst=True, logging_level="WARNING"))
        else:
            from django_tasks_db.management.commands.db_worker import Worker

            worker = Worker(
                queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id="pytest", excluded_queue_names=[],
            )  # fmt: skip
            worker.run()

    return run


class SharedDatabase:
    """The test database, reachable from a worker process.

    PostgreSQL: the process connects to the test database itself. SQLite: the test database lives in
    this process's memory, so `push()` copies it into a file (sqlite3's online backup) that the process
    opens as its database, and `pull()` copies the file back; between the two, only the worker writes.
    """

    def __init__(self, data_dir: Path) -> None:
        from django.db import connection

        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.env = {**os.environ, "RENKEI_DATA_DIR": str(data_dir), "RENKEI_LOG_LEVEL": "ERROR"}
        self.env.pop("RENKEI_TEST_SQLITE", None)
        if self.sqlite:
            self.file = data_dir / "renkei.sqlite3"  # the settings' default database in RENKEI_DATA_DIR
            self.env.pop("DATABASE_URL", None)
        else:
            s = connection.settings_dict
            password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
            self.env["DATABASE_URL"] = (
                f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
            )

    def push(self) -> None:
        if self.sqlite:
            self.connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                self.connection.connection.backup(target)
            finally:
                target.close()

    def pull(self) -> None:
        if self.sqlite:
            source = sqlite3.connect(self.file)
            try:
                source.backup(self.connection.connection)
            finally:
                source.close()


@pytest.fixture
def shared_database(settings: Any, transactional_db: None) -> SharedDatabase:
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    return SharedDatabase(Path(settings.DATA_DIR))


@pytest.fixture
def worker_process(shared_database: SharedDatabase) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `renkei worker` in its own process group (killed at the end if still running)."""
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [*RENKEI, "worker", *args], env=shared_database.env, start_new_session=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout:
            process.stdout.close()
