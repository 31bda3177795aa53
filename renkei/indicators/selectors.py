"""Reads: the indicators of an initiative, organisation or network with their series (typed and
computed), targets and progress, as the policy lets the user see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from renkei.core import policy
from renkei.core.jdates import fiscal_year
from renkei.core.policy import Actor
from renkei.indicators.computations import Computation, Counted, registry, total
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Report, Target
from renkei.indicators.progress import Assessment, TargetPoint, assess
from renkei.indicators.sentences import Facts
from renkei.networks.models import Network
from renkei.organisations.models import Organisation

HISTORY_YEARS = 5  # a computed indicator without a baseline shows this many years up to now


@dataclass
class Point:
    """The value of one fiscal year, where it came from and what stands behind it."""

    fiscal_year: int
    value: Decimal
    origin: str  # "typed" or "computed"
    basis: str  # "declared" or "counted"
    state: str = Actual.State.PUBLISHED
    actual: Actual | None = None
    records: list[Counted] = field(default_factory=list)
    is_sample: bool = False

    @property
    def note(self) -> str:
        return self.actual.note if self.actual else ""


@dataclass
class Series:
    indicator: Indicator
    points: list[Point]
    targets: list[Target]
    assessment: Assessment
    computation: Computation | None

    @property
    def years(self) -> list[int]:
        years = {p.fiscal_year for p in self.points} | {t.fiscal_year for t in self.targets}
        if self.indicator.baseline_fy is not None:
            years.add(self.indicator.baseline_fy)
        return sorted(years)

    def point(self, fy: int) -> Point | None:
        return next((p for p in self.points if p.fiscal_year == fy), None)

    def target(self, fy: int) -> Target | None:
        return next((t for t in self.targets if t.fiscal_year == fy), None)

    @property
    def is_sample(self) -> bool:
        return self.indicator.is_sample or any(p.is_sample for p in self.points)

    def facts(self) -> Facts:
        i, a = self.indicator, self.assessment
        start_fy, start = i.baseline_fy, i.baseline_value
        if start is None and self.points:
            start_fy, start = self.points[0].fiscal_year, self.points[0].value
        return Facts(
            name_ja=i.name_ja,
            name_en=i.name_en or i.name_ja,
            unit_ja=i.unit_ja,
            unit_en=i.unit_en,
            higher=i.direction == Indicator.Direction.HIGHER,
            start_fy=start_fy,
            start=start,
            last_fy=a.fiscal_year,
            last=a.actual,
            target_fy=a.target.fiscal_year if a.target else None,
            target=a.target.value if a.target else None,
            on_track=a.status == "on_track",
        )


def current_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


def computation_subject(indicator: Indicator) -> Organisation | Network | None:
    organisation_id, network_id = indicator.owner_ids()
    if network_id is not None:
        return Network.objects.filter(pk=network_id).first()
    if organisation_id is not None:
        return Organisation.objects.filter(pk=organisation_id).first()
    return None


def computed_records(
    indicator: Indicator, user: Actor | None, *, upto: int | None = None
) -> dict[int, list[Counted]]:
    """Fiscal year → the records a computed indicator counts (for the years it is shown)."""
    computation = registry.get(indicator.computation)
    subject = computation_subject(indicator)
    end = upto or current_fiscal_year()
    typed_years = [a.fiscal_year for a in indicator.actuals.all()]
    starts = [y for y in (indicator.baseline_fy, *typed_years) if y is not None]
    start = min([*starts, end - HISTORY_YEARS + 1]) if starts else end - HISTORY_YEARS + 1
    records = computation.records(subject, range(start, end + 1), user)
    first = min((fy for fy, rows in records.items() if rows), default=None)
    if first is None:
        return {}
    keep_from = min(first, indicator.baseline_fy or first)
    return {fy: rows for fy, rows in records.items() if fy >= keep_from}


def series(indicator: Indicator, user: Actor | None, *, upto: int | None = None) -> Series:
    """The indicator's values by fiscal year: typed actuals the user may see, and for a computed
    indicator the computed count of every other year; its targets; its progress (rules in `progress`)."""
    actuals = policy.visible(user, Actual.objects.filter(indicator=indicator).select_related("source"))
    points: dict[int, Point] = {
        a.fiscal_year: Point(a.fiscal_year, a.value, "typed", a.basis, a.state, a, is_sample=a.is_sample)
        for a in actuals
        if upto is None or a.fiscal_year <= upto
    }
    computation = None
    if indicator.computation and registry.has(indicator.computation):
        computation = registry.get(indicator.computation)
        for fy, rows in computed_records(indicator, user, upto=upto).items():
            if fy not in points:
                points[fy] = Point(
                    fy, Decimal(total(rows)), "computed", Actual.Basis.COUNTED, records=rows,
                    is_sample=any(r.is_sample for r in rows),
                )  # fmt: skip
    targets = list(Target.objects.filter(indicator=indicator).order_by("fiscal_year"))
    ordered = [points[fy] for fy in sorted(points)]
    assessment = assess(
        higher=indicator.direction == Indicator.Direction.HIGHER,
        baseline_value=indicator.baseline_value,
        baseline_fy=indicator.baseline_fy,
        targets=[TargetPoint(t.fiscal_year, t.value, t.set_in_fy) for t in targets],
        actuals={p.fiscal_year: p.value for p in ordered},
    )
    return Series(indicator, ordered, targets, assessment, computation)


def indicators_of(
    *,
    initiative: Initiative | None = None,
    organisation: Organisation | None = None,
    network: Network | None = None,
    category: str | None = None,
) -> models.QuerySet[Indicator]:
    """The indicators on a dashboard: an initiative's; or an organisation's (or network's) own and
    those of its initiatives."""
    rows = Indicator.objects.select_related("initiative", "organisation", "network", "source")
    if initiative is not None:
        rows = rows.filter(initiative=initiative)
    elif organisation is not None:
        rows = rows.filter(
            models.Q(organisation=organisation) | models.Q(initiative__organisation=organisation)
        )
    elif network is not None:
        rows = rows.filter(models.Q(network=network) | models.Q(initiative__network=network))
    if category:
        rows = rows.filter(category=category)
    return rows.order_by("initiative_id", "sort_order", "key")


def dashboard(user: Actor | None, **owner: Any) -> list[Series]:
    return [series(i, user) for i in policy.visible(user, indicators_of(**owner))]


def categories_of(**owner: Any) -> list[tuple[str, str]]:
    used = set(indicators_of(**owner).values_list("category", flat=True))
    return [(value, str(label)) for value, label in Indicator.Category.choices if value in used]


def initiatives_of(
    *, organisation: Organisation | None = None, network: Network | None = None
) -> models.QuerySet[Initiative]:
    rows = Initiative.objects.all()
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if network is not None:
        rows = rows.filter(network=network)
    return rows


def evaluations_of(initiative: Initiative) -> models.QuerySet[Evaluation]:
    return Evaluation.objects.filter(initiative=initiative).select_related("source").order_by("fiscal_year")


def reports_of(
    user: Actor | None,
    *,
    initiative: Initiative | None = None,
    organisation: Organisation | None = None,
    network: Network | None = None,
    limit: int = 20,
) -> list[Report]:
    """The kept reports made from this dashboard that the user may see, newest first."""
    rows = Report.objects.filter(initiative=initiative, organisation=organisation, network=network)
    return list(policy.visible(user, rows.select_related("made_by")).order_by("-created_at")[:limit])
