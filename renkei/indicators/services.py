"""Writes to initiatives, evaluations, indicators, targets, actuals and reports (see `renkei.core.services`).

Actuals move through their verification states one step at a time (entered → checked → published,
or back to entered to correct them): `actual_save` checks the step against the row as stored.
Reports are made by `report_generate` (run by a background job, `renkei.indicators.tasks`).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from renkei.core.policy import Actor
from renkei.core.private_files import ensure_private_dir
from renkei.core.rules import enforce
from renkei.core.services import (
    authorize_save,
    record_delete,
    record_services,
    register_writes,
    save_checked,
    service,
)
from renkei.indicators import reports
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Report, Target
from renkei.indicators.rules import check_state_change

initiative_save, initiative_delete = record_services(Initiative, "initiative", module=__name__)
evaluation_save, evaluation_delete = record_services(Evaluation, "evaluation", module=__name__)
indicator_save, indicator_delete = record_services(Indicator, "indicator", module=__name__)
target_save, target_delete = record_services(Target, "target", module=__name__)
report_save, report_delete = record_services(Report, "report", module=__name__)


@service
def actual_save(*, actual: Actual, actor: Actor | None) -> Actual:
    """Create or update an actual; its verification state moves one step at a time."""
    authorize_save(actor, actual)
    if actual.pk is not None:
        stored = Actual.objects.filter(pk=actual.pk).values_list("state", flat=True).first()
        if stored is not None:
            enforce(check_state_change(current=stored, new=actual.state))
    save_checked(actual)
    return actual


@service
def actual_delete(*, actual: Actual, actor: Actor | None) -> None:
    record_delete(obj=actual, actor=actor)


@service
def actual_set_state(*, actual: Actual, state: str, actor: Actor | None) -> Actual:
    """Check or publish an actual (or send it back to entered)."""
    actual.state = Actual.State(state)
    return actual_save(actual=actual, actor=actor)


register_writes(Actual, save=actual_save, delete=actual_delete, argument="actual")


def report_folder(report: Report) -> Path:
    return Path(settings.DATA_DIR) / "reports" / str(report.uuid)


@service
def report_generate(*, report: Report, actor: Actor | None) -> Report:
    """Take the snapshot of the records the actor may see and write the report in every format;
    keep the report (its date, its data and its files)."""
    authorize_save(actor, report)
    data = reports.report_data(
        actor,
        lang=report.language,
        initiative=report.initiative,
        organisation=report.organisation,
        network=report.network,
    )
    report.title = data["title"][:300]
    report.data = data
    save_checked(report)  # the uuid and the row exist before the files are written
    folder = ensure_private_dir(report_folder(report))
    files = {}
    for fmt in reports.FORMATS:
        name = f"report-{report.language}.{fmt}"
        path = folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(reports.write(data, fmt))
        files[fmt] = name
    report.files = files
    report.save(update_fields=["files", "updated_at"])
    return report
