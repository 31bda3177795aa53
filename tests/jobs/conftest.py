"""Fixtures for the background-job tests. They run on the task backend the settings select
(RENKEI_TASKS_BACKEND: the database by default; CI runs this directory once more with redis), through
that backend's real worker: in this process (`run_worker`), or as a `renkei worker` process
(`worker_process`) on the same database."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from job_helpers import SharedDatabase, kill_tree

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


@pytest.fixture
def shared_database(settings: Any, transactional_db: None) -> SharedDatabase:
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    return SharedDatabase(Path(settings.DATA_DIR))


@pytest.fixture
def worker_process(shared_database: SharedDatabase) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `renkei worker` in its own session (killed with what it started, if still running at the end)."""
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
            kill_tree(process.pid)
            process.wait()
        if process.stdout:
            process.stdout.close()
