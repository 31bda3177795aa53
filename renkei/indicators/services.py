"""Writes to initiatives, evaluations, indicators, targets, actuals and reports (see `renkei.core.services`).

Actuals move through their verification states one step at a time (entered → checked → published,
or back to entered to correct them): `actual_save` checks the step against the row as stored.
Reports are made by `report_generate` (run by a background job, `renkei.indicators.tasks`).
"""

from __future__ import annotations

from renkei.core.policy import Actor
from renkei.core.rules import enforce
from renkei.core.services import (
    authorize_save,
    record_delete,
    record_services,
    register_writes,
    save_checked,
    service,
)
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
