"""Fixtures for the background-job tests. They run on the task backend the settings select
(RENKEI_TASKS_BACKEND: the database by default; CI runs this directory once more with redis), through
that backend's real worker: in this process (`run_worker`), or as a `renkei worker` process
(`worker_process`) on the same database."""

from __future__ import annotations

import subprocess
import sys
import time
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
    """On Redis, each test starts and ends with an empty queue and empty job registries (only our queue's
    keys are touched): a job left in the started registry by a killed worker, in this run or an earlier
    one, would otherwise be failed by the next test's worker."""
    if settings.TASKS_BACKEND != "redis":
        yield
        return
    _empty_rq_queue()
    yield
    _empty_rq_queue()


def _rq_queue() -> Any:
    """The queue as `renkei worker` sees it on Redis: with django-tasks-rq's job class, whose failure
    callback (also run for a job abandoned by a dead worker) needs it."""
    import django_rq

    return django_rq.get_queue("default", job_class="django_tasks_rq.Job")


def _empty_rq_queue() -> None:
    queue = _rq_queue()
    queue.empty()
    registries = [
        queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry,
        queue.deferred_job_registry, queue.scheduled_job_registry, queue.canceled_job_registry,
    ]  # fmt: skip
    for registry in registries:
        for entry in queue.connection.zrange(registry.key, 0, -1):  # job id, or job id:execution id
            queue.connection.delete(queue.job_class.key_for(entry.decode().split(":")[0]))
        queue.connection.delete(registry.key)
    queue.connection.delete(queue.registry_cleaning_key)  # so that the next worker cleans the registries


@pytest.fixture
def run_worker(settings: Any) -> Callable[[], None]:
    """Run every queued task now, in this process, through the configured backend's worker code: the
    database backend's `Worker` loop (as `renkei worker --burst` runs it), or RQ's worker without fork."""

    def run() -> None:
        if settings.TASKS_BACKEND == "redis":
            from rq import SimpleWorker

            # RQ's own loop (dequeue, then execute in this process), without work()'s start and stop:
            # its stop waits up to a minute for a pub/sub thread, which would only slow the tests
            queue = _rq_queue()
            worker = SimpleWorker([queue], connection=queue.connection, job_class="django_tasks_rq.Job")
            worker.register_birth()
            try:
                while (found := worker.dequeue_job_and_maintain_ttl(timeout=None)) is not None:
                    worker.execute_job(*found)
            finally:
                worker.register_death()
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
def worker_process(
    shared_database: SharedDatabase, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start `renkei worker` in its own session (killed with what it started, if still running at the end);
    its output goes to a file (`process.log`)."""
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = tmp_path / f"worker-{len(started)}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                [*RENKEI, "worker", *args], env=shared_database.env, start_new_session=True,
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        process.log = log  # type: ignore[attr-defined]
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            kill_tree(process.pid)
            process.wait()


@pytest.fixture
def burst_worker(
    settings: Any, shared_database: SharedDatabase, worker_process: Callable[..., subprocess.Popen]
) -> Callable[[], None]:
    """Run the waiting tasks in a `renkei worker --burst` process on the shared database.

    An RQ worker in burst mode may take up to a minute to exit after its last job (its Redis pub/sub
    thread waits 60 s for a message before it sees the stop), so on Redis the jobs that were waiting are
    followed in Redis, and the idle worker is stopped once they have all finished."""

    def run(timeout: float = 300) -> None:
        shared_database.push()
        waiting = _rq_job_ids() if settings.TASKS_BACKEND == "redis" else []
        process = worker_process("--burst")
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            if waiting and _rq_all_ended(waiting):
                kill_tree(process.pid)
                process.wait()
                break
            time.sleep(0.1)
        log = process.log.read_text()  # type: ignore[attr-defined]
        assert process.returncode is not None, f"the worker did not finish in {timeout} s:\n{log}"
        assert process.returncode == 0 or waiting, log
        shared_database.pull()

    return run


def _rq_job_ids() -> list[str]:
    import django_rq

    return list(django_rq.get_queue("default").job_ids)


def _rq_all_ended(job_ids: list[str]) -> bool:
    import django_rq
    from rq.job import Job as RQJob

    connection = django_rq.get_connection("default")
    jobs = RQJob.fetch_many(job_ids, connection=connection)
    return all(
        job is None or job.get_status() in {"finished", "failed", "stopped", "canceled"} for job in jobs
    )
