"""Report generation as a background job (ADR 0006): a thin wrapper around `services.report_generate`."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from renkei.core.audit import Via, audit_context
from renkei.indicators.models import Initiative, Report
from renkei.indicators.services import report_generate
from renkei.jobs.models import Job
from renkei.jobs.runner import Run, run_step
from renkei.networks.models import Network
from renkei.organisations.models import Organisation

KIND = "indicators.report"
STEP = "generate"
PHASES = {"generate": ("報告書を作成しています", "Writing the report")}
OWNERS = ("initiative", "organisation", "network")


def _owner(kind: str, key: str) -> Initiative | Organisation | Network:
    """The initiative, organisation or network a report is about (each keyed by its `key`)."""
    if kind == "initiative":
        return Initiative.objects.get(key=key)
    if kind == "organisation":
        return Organisation.objects.get(key=key)
    if kind == "network":
        return Network.objects.get(key=key)
    raise ValueError(f"no report owner of kind {kind!r}")


def report_generate_run(run: Run) -> None:
    job = run.job
    params = job.params
    owner = _owner(params["owner"], params["key"])
    run.progress("generate", 0, 1)
    label = f"report {params['owner']} {params['key']}"
    with audit_context(via=Via.WEB, actor=job.user, label=label), transaction.atomic():
        run.check_current()
        report = Report(language=params["language"], made_by=job.user, job_id=job.pk, title="…")
        setattr(report, params["owner"], owner)
        report_generate(report=report, actor=job.user)
        run.finish(Job.State.DONE, result={"report": str(report.uuid)})


@task()
def report_make(job_id: str) -> str:
    return run_step(job_id, STEP, report_generate_run, phases=PHASES)
