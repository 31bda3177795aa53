"""Running one step of a job: what every task does around its service call.

    @task()
    def import_preview(job_id: str) -> str:
        return run_step(job_id, "preview", import_preview_run, phases=PHASES)

`run_step` claims the job (queued → running, one more attempt), keeps a heartbeat while the work
runs, and records an unexpected error or an interruption in both languages. The work finishes the job
itself through `Run.finish()`, inside its own transaction when it writes, so that the result and the
state are committed together with the data, or not at all: a worker killed midway leaves the job
`running` with nothing written, the page offers to run it again, and running it again writes once.

A step that is not queued (already done, taken by another worker, or re-run meanwhile) is skipped, so
a task delivered twice does its work once. One process runs one job at a time (a worker does anyway;
with RENKEI_TASKS_BACKEND=immediate, requests that start jobs wait their turn): a job may hold a large
plan in memory, and the work per process stays bounded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from renkei.jobs.live import Heartbeat, Live
from renkei.jobs.models import Job

logger = logging.getLogger(__name__)

Phases = Mapping[str, tuple[str, str]]  # phase code -> (Japanese label, English label)

UNEXPECTED = (
    "予期しないエラーで止まりました。何も書き込んでいません。もう一度実行するか、続くときは管理者に連絡してください。",
    "The job stopped on an unexpected error. Nothing was written. Run it again; if it fails again, "
    "tell the site administrator.",
)
INTERRUPTED = (
    "ジョブが中断されました（処理していたワーカーが停止しました）。何も書き込んでいません。もう一度実行できます。",
    "The job was interrupted (the worker running it stopped). Nothing was written; you can run it again.",
)


# Re-entrant: a step may start another job once its data are committed (an import queues the matching of
# the needs it made); with the immediate backend that job then runs at once, inside this one's thread.
_ONE_AT_A_TIME = threading.RLock()


class Superseded(Exception):
    """The job is no longer this run's: it was run again meanwhile, or has already finished."""


class Run:
    """One attempt at one step of a job, as the work sees it."""

    DB_EVERY = 1.0  # seconds between two progress writes to the database
    LIVE_EVERY = 0.25  # ... and to the live file

    def __init__(self, job: Job, phases: Phases) -> None:
        self.job = job
        self.phases = phases
        self.heartbeat = Heartbeat(job.pk, Live(attempt=job.attempt))
        self.finished_state: str | None = None
        self._db_at = self._live_at = 0.0

    def progress(self, phase: str, done: int, total: int | None) -> None:
        """Record progress: in the live file at most four times a second, in the database once a second."""
        now = time.monotonic()
        current = self.heartbeat.current
        changed = phase != current.phase or done == total
        if not changed and now - self._live_at < self.LIVE_EVERY:
            return
        ja, en = self.phases.get(phase, (phase, phase))
        live = replace(current, phase=phase, phase_ja=ja, phase_en=en, done=done, total=total)
        self.heartbeat.update(live)
        self._live_at = now
        if changed or now - self._db_at >= self.DB_EVERY:
            self._db_at = now
            # Inside the work's transaction this row is written with it (and seen when it commits); the
            # live file shows the progress meanwhile.
            self._mine().update(
                phase=phase, phase_ja=ja, phase_en=en, done=done, total=total, heartbeat_at=timezone.now()
            )

    def _mine(self) -> Any:
        return Job.objects.filter(pk=self.job.pk, attempt=self.job.attempt, state=Job.State.RUNNING)

    def check_current(self) -> None:
        """Inside the work's transaction, before it writes: lock the job, and stop if it is not ours."""
        if not self._mine().select_for_update().exists():
            raise Superseded(self.job.pk)

    def finish(
        self,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        error: tuple[str, str] = ("", ""),
    ) -> None:
        """Record the end of this step. Call it inside the transaction that writes the step's data."""
        changes: dict[str, Any] = {
            "state": state, "error_ja": error[0], "error_en": error[1], "finished_at": timezone.now(),
            "heartbeat_at": timezone.now(),
        }  # fmt: skip
        if result is not None:
            changes["result"] = result
        live = self.heartbeat.current
        if live.phase:
            changes.update(phase=live.phase, phase_ja=live.phase_ja, phase_en=live.phase_en, done=live.done)
            changes["total"] = live.total
        if not self._mine().update(**changes):
            raise Superseded(self.job.pk)
        self.finished_state = state


def claim(job_id: str, step: str) -> Job | None:
    """queued → running for this step, one more attempt; None if the step is not queued."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED, step=step).update(
        state=Job.State.RUNNING, attempt=F("attempt") + 1, started_at=now, heartbeat_at=now,
        finished_at=None, phase="", phase_ja="", phase_en="", done=0, total=None, error_ja="", error_en="",
    )  # fmt: skip
    return Job.objects.get(pk=job_id) if claimed else None


def run_step(job_id: str, step: str, work: Callable[[Run], None], *, phases: Phases) -> str:
    """Run `work` for the job's step if that step is queued; returns the state the job ends in."""
    with _ONE_AT_A_TIME:
        job = claim(job_id, step)
        if job is None:
            logger.info("job %s: step %s is not queued; nothing to do", job_id, step)
            return "skipped"
        run = Run(job, phases)
        with run.heartbeat:
            try:
                work(run)
            except Superseded:
                logger.warning("job %s: run again meanwhile; this attempt (%s) stops", job_id, job.attempt)
                return "superseded"
            except Exception:
                logger.exception("job %s (%s %s) failed", job_id, job.kind, step)
                _fail(run, UNEXPECTED)
            except BaseException:  # SystemExit, KeyboardInterrupt: the worker is stopping mid-job
                _fail(run, INTERRUPTED)
                raise
        if run.finished_state is None:
            logger.error("job %s: the work for step %s ended without a state", job_id, step)
            _fail(run, UNEXPECTED)
        return run.finished_state or Job.State.FAILED


def _fail(run: Run, error: tuple[str, str]) -> None:
    try:
        with transaction.atomic():
            run.finish(Job.State.FAILED, error=error)
    except Superseded:
        pass
    except Exception:
        logger.exception("job %s: could not record the failure", run.job.pk)
