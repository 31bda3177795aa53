"""Imports started from the web: the upload is kept in DATA_DIR, the work runs in a background thread,
and the job's state (progress, preview, problems) lives in Django's cache for the page to poll.

Honest limits: the thread dies with its process (the job then shows as running until it expires, and
the upload can be sent again; nothing is half-written, since the commit is one transaction). The
default LocMemCache is per process, so deployments with several worker processes need a shared cache
(database or Redis) for the page to see the job. Tests (and `RENKEI_IMPORT_INLINE = True`) run inline.

The preview and the commit each read the file and plan it; the commit goes ahead only if its plan has
the same fingerprint as the preview the user confirmed, so what is written is exactly what was shown.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from renkei.core.audit import Via
from renkei.importing.applying import apply_plan
from renkei.importing.exporting import render
from renkei.importing.planning import plan_import
from renkei.importing.plans import CREATE, Plan
from renkei.importing.problems import ImportRejected, Msg, Problem
from renkei.importing.spec import get_importer

logger = logging.getLogger(__name__)

TTL = 24 * 3600
SAMPLE = 500  # changes shown on the preview page
FINISHED = frozenset({"preview", "rejected", "done", "failed"})
CHANGED = Msg(
    "プレビューの後にファイルの内容またはデータが変わりました。もう一度アップロードしてください。何も書き込んでいません。",
    "The file or the data changed after the preview. Upload the file again; nothing was written.",
)


def _key(job_id: str) -> str:
    return f"renkei:import-job:{job_id}"


def job_dir(job_id: str) -> Path:
    return Path(settings.DATA_DIR) / "imports" / job_id


def get_job(job_id: str) -> dict[str, Any] | None:
    return cache.get(_key(job_id)) if job_id.replace("-", "").replace("_", "").isalnum() else None


def update_job(job_id: str, **changes: Any) -> dict[str, Any]:
    state = cache.get(_key(job_id)) or {}
    state.update(changes)
    cache.set(_key(job_id), state, TTL)
    return state


def create_job(*, user: Any, importer: str, filename: str, chunks: Any, encoding: str = "") -> str:
    """Store the upload under a server-chosen name and record a queued job; returns the job id."""
    _remove_expired()
    job_id = secrets.token_urlsafe(16)
    folder = job_dir(job_id)
    folder.mkdir(parents=True, mode=0o700)
    with (folder / "upload").open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    update_job(
        job_id, id=job_id, user_id=user.pk, importer=importer, filename=Path(filename).name[:200],
        encoding=encoding, status="queued", phase="", done=0, total=None, started=timezone.now().isoformat(),
    )  # fmt: skip
    return job_id


def _remove_expired() -> None:
    root = Path(settings.DATA_DIR) / "imports"
    if not root.is_dir():
        return
    cutoff = time.time() - TTL
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _discard_upload(job_id: str) -> None:
    shutil.rmtree(job_dir(job_id), ignore_errors=True)


class _Progress:
    """Writes progress to the job at most four times a second."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last >= 0.25 or done == total:
            self.last = now
            update_job(self.job_id, status="running", phase=phase, done=done, total=total)


def run_in_background(function: Callable[[str], None], job_id: str) -> None:
    if getattr(settings, "RENKEI_IMPORT_INLINE", False):
        function(job_id)
        return

    def target() -> None:
        try:
            function(job_id)
        finally:
            connections.close_all()

    threading.Thread(target=target, name=f"renkei-import-{job_id[:8]}", daemon=True).start()


def change_rows(plan: Plan, limit: int = SAMPLE) -> list[dict[str, Any]]:
    """The first `limit` rows that would change, ready for a template."""
    rows = []
    for change in plan.writes[:limit]:
        fields = [
            {"column": plan.header(name), "before": "" if change.action == CREATE else render(change.before.get(name)),
             "after": render(value)}
            for name, value in change.after.items()
            if change.action != CREATE or value not in ("", None, [])
        ]  # fmt: skip
        rows.append({"row": change.row, "action": change.action, "key": "/".join(map(str, change.key)),
                     "fields": fields})  # fmt: skip
    return rows


def _plan(job_id: str, state: dict[str, Any]) -> tuple[Plan, Any]:
    user = get_user_model().objects.get(pk=state["user_id"])
    data = (job_dir(job_id) / "upload").read_bytes()
    plan = plan_import(
        get_importer(state["importer"]), data, filename=state["filename"], encoding=state["encoding"] or None,
        user=user, progress=_Progress(job_id),
    )  # fmt: skip
    return plan, user


def _rejected(job_id: str, exc: ImportRejected) -> None:
    update_job(
        job_id, status="rejected", problems=[p.as_dict() for p in exc.problems], problem_count=exc.problems.count,
        summary={"ja": exc.problems.summary("ja"), "en": exc.problems.summary("en")},
    )  # fmt: skip
    _discard_upload(job_id)


def preview_job(job_id: str) -> None:
    """Plan the upload as its user; record the preview or every problem."""
    state = update_job(job_id, status="running", phase="check")
    try:
        plan, _user = _plan(job_id, state)
    except ImportRejected as exc:
        _rejected(job_id, exc)
    except Exception:
        logger.exception("import preview %s failed", job_id)
        update_job(job_id, status="failed")
        _discard_upload(job_id)
    else:
        update_job(
            job_id, status="preview", counts=plan.counts, fingerprint=plan.fingerprint, changes=change_rows(plan),
            format=plan.format, file_encoding=plan.encoding,
        )  # fmt: skip


def commit_job(job_id: str) -> None:
    """Plan again and, if the plan is the one previewed, write it in one transaction as the user (on
    behalf of the organisation id the job's `on_behalf_of` names, if any)."""
    state = update_job(job_id, status="running", phase="check")
    try:
        plan, user = _plan(job_id, state)
        if plan.fingerprint != state.get("fingerprint"):
            raise ImportRejected([Problem(CHANGED, code="stale")])
        apply_plan(plan, actor=user, via=Via.WEB, progress=_Progress(job_id),
                   label=f"web import {plan.spec.name} {state['filename']}",
                   on_behalf_of=state.get("on_behalf_of"))  # fmt: skip
    except ImportRejected as exc:
        _rejected(job_id, exc)
    except Exception:
        logger.exception("import commit %s failed", job_id)
        update_job(job_id, status="failed")
        _discard_upload(job_id)
    else:
        update_job(job_id, status="done", counts=plan.counts, committed=True)
        _discard_upload(job_id)
