"""Imports started from the web, as background jobs: upload → preview (a dry run) → confirm → commit.

The upload is kept under `DATA_DIR/imports/<job id>/`; the job (a `renkei.jobs` row) holds the state,
the progress, the preview and the problems, so every web process sees them and a restart loses nothing.
Each step is a task (`renkei.importing.tasks`) that a worker runs (`renkei worker`).

The preview and the commit each read the file and plan it; the commit goes ahead only if its plan has
the same fingerprint as the preview the user confirmed, so what is written is exactly what was shown.
The commit writes the rows, their audit entries and the job's `done` in one transaction: a worker killed
midway leaves nothing written and the job `running`; once it shows no sign of life, the page offers to
run it again, and running it again writes once.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from renkei.core.audit import Via
from renkei.importing.applying import apply_plan
from renkei.importing.exporting import display, header_label
from renkei.importing.limits import Limits
from renkei.importing.planning import plan_import, plan_table, recognise
from renkei.importing.plans import CREATE, Plan
from renkei.importing.problems import ImportRejected, Msg, Problem
from renkei.importing.readers import open_table
from renkei.importing.spec import importer_for
from renkei.jobs.models import Job
from renkei.jobs.runner import Run
from renkei.jobs.services import job_continue, job_create, job_enqueue, job_retry

KIND = "import"
PREVIEW, COMMIT = "preview", "commit"
TTL = 24 * 3600  # an upload is kept this long
SAMPLE = 500  # changes shown on the preview page
AUTO = "auto"  # the importer chosen from the file's header (`planning.recognise`)
UNRECOGNISED = Msg(
    "見出しからファイルの種類を判定できませんでした。「ファイルの内容」で種類を選んで、もう一度アップロードしてください。",
    "The kind of file could not be recognised from its header. Choose what the file contains and upload it again.",
)
CHANGED = Msg(
    "プレビューの後にファイルの内容またはデータが変わりました。もう一度アップロードしてください。何も書き込んでいません。",
    "The file or the data changed after the preview. Upload the file again; nothing was written.",
)
EXPIRED = Msg(
    "アップロードされたファイルは保存期間（24時間）を過ぎたため削除されました。もう一度アップロードしてください。何も書き込んでいません。",
    "The uploaded file was removed after 24 hours. Upload it again; nothing was written.",
)


def job_dir(job_id: Any) -> Path:
    return Path(settings.DATA_DIR) / "imports" / str(job_id)


def _upload(job_id: Any) -> Path:
    return job_dir(job_id) / "upload"


# --- services the views call ---------------------------------------------------------------------------


def import_job_start(
    *,
    user: Any,
    organisation: Any = None,
    importer: str,
    filename: str,
    chunks: Any,
    encoding: str = "",
    options: dict[str, Any] | None = None,
    start_url: str = "",
) -> Job:
    """Keep the upload, record a job and queue its preview. `options` make an importer registered with
    `spec.register_factory` (e.g. the survey and the mapping of a form tool's export); `start_url` is the
    page the job's page links back to for another file (by default the import page)."""
    from renkei.importing.tasks import import_preview  # the tasks wrap this module's work

    _remove_expired()
    job = job_create(
        kind=KIND, step=PREVIEW, user=user, organisation=organisation,
        params={"importer": importer, "filename": Path(filename).name[:200], "encoding": encoding,
                **({"options": options} if options else {}), **({"start_url": start_url} if start_url else {})},
    )  # fmt: skip
    folder = job_dir(job.pk)
    folder.mkdir(parents=True, mode=0o700)
    with _upload(job.pk).open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    return job_enqueue(job, import_preview)


def import_job_confirm(job: Job) -> bool:
    """The user confirmed the preview: queue the commit (once)."""
    from renkei.importing.tasks import import_commit

    return job_continue(job, from_step=PREVIEW, step=COMMIT, task=import_commit)


def import_job_retry(job: Job) -> bool:
    """Run the job's step again after it failed or its worker died."""
    from renkei.importing.tasks import import_commit, import_preview

    return job_retry(job, task=import_commit if job.step == COMMIT else import_preview)


def _remove_expired() -> None:
    root = Path(settings.DATA_DIR) / "imports"
    if not root.is_dir():
        return
    cutoff = time.time() - TTL
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _discard_upload(job_id: Any) -> None:
    shutil.rmtree(job_dir(job_id), ignore_errors=True)


# --- the work the tasks run ----------------------------------------------------------------------------


def _both(make: Any) -> dict[str, str]:
    return {"ja": make("ja"), "en": make("en")}


def change_rows(plan: Plan, limit: int = SAMPLE) -> list[dict[str, Any]]:
    """The first `limit` rows that would change, ready for a template: each column by its label and
    each value as people read it (choices by their labels, yes/no in words), in both languages (the
    page picks the reader's)."""
    rows = []
    for change in plan.writes[:limit]:
        fields = []
        for name, value in change.after.items():
            if change.action == CREATE and value in ("", None, []):
                continue
            column = plan.spec.column(name)
            before = None if change.action == CREATE else change.before.get(name)
            fields.append({
                "column": _both(lambda lang, c=column: header_label(c, lang)),
                "before": _both(lambda lang, c=column, v=before: display(c, v, lang)),
                "after": _both(lambda lang, c=column, v=value: display(c, v, lang)),
            })  # fmt: skip
        rows.append({"row": change.row, "action": change.action, "key": "/".join(map(str, change.key)),
                     "fields": fields})  # fmt: skip
    return rows


def localised_changes(changes: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The preview rows in one language (rows stored before labels were kept pass through as they are)."""
    pick = {"ja": "ja", "en": "en"}.get(lang, "ja")

    def one(value: Any) -> Any:
        return value.get(pick, "") if isinstance(value, dict) else value

    return [
        {**row, "fields": [{key: one(value) for key, value in field.items()} for field in row["fields"]]}
        for row in changes
    ]


def _plan(run: Run) -> tuple[Plan, Any]:
    job = run.job
    path = _upload(job.pk)
    if not path.is_file():
        raise ImportRejected([Problem(EXPIRED, code="expired")])
    user = get_user_model().objects.get(pk=job.user_id)
    params = job.params
    if params["importer"] != AUTO:
        plan = plan_import(
            importer_for(params["importer"], params.get("options"), user), path.read_bytes(), filename=params["filename"],
            encoding=params.get("encoding") or None, user=user, progress=run.progress,
        )  # fmt: skip
        return plan, user
    limits = Limits.from_settings()
    table = open_table(
        path.read_bytes(), filename=params["filename"], encoding=params.get("encoding") or None, limits=limits
    )
    spec = recognise(table.header)
    if spec is None:
        raise ImportRejected([Problem(UNRECOGNISED, code="unrecognised")])
    plan = plan_table(
        spec, table, filename=params["filename"], user=user, limits=limits, progress=run.progress
    )
    return plan, user


def _refuse(run: Run, exc: ImportRejected) -> None:
    problems = exc.problems
    summary = (problems.summary("ja"), problems.summary("en"))
    result = {**run.job.result, "problems": [p.as_dict() for p in problems], "problem_count": problems.count}
    run.finish(Job.State.REJECTED, result=result, error=summary)
    _discard_upload(run.job.pk)


def import_preview_run(run: Run) -> None:
    """Plan the upload as its user; the job then waits with the preview, or is refused with every problem."""
    try:
        plan, _user = _plan(run)
    except ImportRejected as exc:
        _refuse(run, exc)
        return
    run.finish(
        Job.State.WAITING,
        result={"counts": plan.counts, "fingerprint": plan.fingerprint, "changes": change_rows(plan),
                "format": plan.format, "file_encoding": plan.encoding, "importer": plan.spec.name,
                "importer_label": {"ja": plan.spec.label_ja or plan.spec.name,
                                   "en": plan.spec.label_en or plan.spec.name}},
    )  # fmt: skip


def import_commit_run(run: Run) -> None:
    """Plan again and, if the plan is the one previewed, write it and mark the job done in one transaction."""
    job = run.job
    try:
        plan, user = _plan(run)
        if plan.fingerprint != job.result.get("fingerprint"):
            raise ImportRejected([Problem(CHANGED, code="stale")])
        with transaction.atomic():
            run.check_current()
            apply_plan(plan, actor=user, via=Via.WEB, progress=run.progress, on_behalf_of=job.organisation_id,
                       label=f"web import {plan.spec.name} {job.params['filename']}")  # fmt: skip
            run.finish(Job.State.DONE, result={**job.result, "counts": plan.counts, "committed": True,
                                                "started": plan.spec.started()})  # fmt: skip
    except ImportRejected as exc:
        _refuse(run, exc)
        return
    _discard_upload(job.pk)
