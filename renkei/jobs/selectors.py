"""Reading jobs: the owner's own jobs, with the live progress of a running one."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from renkei.jobs.live import read_live
from renkei.jobs.models import Job


def stall_seconds() -> float:
    return float(getattr(settings, "RENKEI_JOB_STALL_SECONDS", 60))


def job_for_user(job_id: Any, user: Any) -> Job | None:
    """The job if `user` started it (others' jobs do not exist for them)."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return Job.objects.filter(pk=key, user=user).first()


def _last_sign_of_life(job: Job) -> float:
    live = read_live(job.pk)
    times = [job.heartbeat_at.timestamp()] if job.heartbeat_at else []
    if live is not None and live.attempt == job.attempt:
        times.append(live.at)
    return max(times, default=job.created_at.timestamp())


def jobs_finished_before(before: Any) -> Any:
    """The jobs that finished (done, refused, failed, or left waiting) before `before`: what
    `renkei prune_jobs` deletes. Queued and running jobs are never among them."""
    return Job.objects.filter(state__in=Job.FINISHED, finished_at__lt=before)


def job_is_stalled(job: Job) -> bool:
    """Running, but no sign of life for RENKEI_JOB_STALL_SECONDS: its worker stopped mid-job."""
    return job.state == Job.State.RUNNING and time.time() - _last_sign_of_life(job) > stall_seconds()


def _unattended(job: Job) -> bool:
    since = job.heartbeat_at or job.created_at
    return job.state == Job.State.QUEUED and time.time() - since.timestamp() > stall_seconds()


@dataclass(frozen=True)
class JobStatus:
    """What a page shows of a job: durable state from the database, progress from the live file."""

    job: Job
    phase: str
    phase_label: str
    done: int
    total: int | None
    stalled: bool
    unattended: bool  # queued for longer than a worker would take to pick it up
    error: str

    @property
    def percent(self) -> int | None:
        return min(100, 100 * self.done // self.total) if self.total else None

    @property
    def finished(self) -> bool:
        return self.job.finished


def job_status(job: Job, lang: str) -> JobStatus:
    live = read_live(job.pk) if job.state == Job.State.RUNNING else None
    if live is not None and live.attempt == job.attempt and live.phase:
        phase, ja, en, done, total = live.phase, live.phase_ja, live.phase_en, live.done, live.total
    else:
        phase, ja, en, done, total = job.phase, job.phase_ja, job.phase_en, job.done, job.total
    return JobStatus(
        job=job, phase=phase, phase_label=(en if lang == "en" else ja) or phase, done=done, total=total,
        stalled=job_is_stalled(job), unattended=_unattended(job), error=job.error(lang),
    )  # fmt: skip
