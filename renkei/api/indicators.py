"""Initiatives and indicators: reads (baseline, targets, actuals the caller may see, progress) and the
owners' writes of targets and actuals per fiscal year (through `renkei.indicators.services`).

A target or an actual is named by its indicator and fiscal year: `PUT` sets it (201 when it is new,
200 when it replaces the stored one), `DELETE` removes it. Unpublished actuals are seen only by the
indicator's owners (the policy); a computed indicator's other years are computed from the records.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema

from renkei.api import auth
from renkei.api.catalog_inputs import WriteSchema
from renkei.api.paging import PageOut, page_body
from renkei.api.writes import IdempotencyKeyHeader, no_content, respond, write_operation
from renkei.core import policy
from renkei.core.keys import KEY_PATTERN
from renkei.core.pagination import CursorParams, Key, Keyset, cursor, keyset_page
from renkei.core.params import Optional, Params, choice, integer, pattern, text
from renkei.core.policy import Action
from renkei.indicators import selectors, services
from renkei.indicators.models import Actual, Indicator, Initiative, Target
from renkei.networks.params import NetworkKey
from renkei.organisations.params import OrganisationKey

router = Router(tags=["indicators"])

INITIATIVE_KEYSET = Keyset("initiatives", Key("key"), Key("pk"))
INDICATOR_KEYSET = Keyset("indicators", Key("key"), Key("pk"))

InitiativeKey = Annotated[
    str,
    *pattern(
        KEY_PATTERN, max_chars=80, description="An initiative's key.", examples=["tohoku-global-initiative"]
    ),
]
IndicatorKey = Annotated[
    str,
    *pattern(
        KEY_PATTERN,
        max_chars=80,
        description="An indicator's key.",
        examples=["tohoku-international-students"],
    ),
]
FiscalYear = Annotated[
    int,
    *integer(ge=1900, le=2200, description="Japanese fiscal year by its first calendar year (2019 = R1)."),
]
Category = Annotated[str, *choice(Indicator.Category.values, description="Indicator category.")]
InitiativeCursor = Annotated[str, *cursor(INITIATIVE_KEYSET.name)]
IndicatorCursor = Annotated[str, *cursor(INDICATOR_KEYSET.name)]
Value = Annotated[
    Decimal, Field(ge=-1_000_000_000_000, le=1_000_000_000_000, max_digits=16, decimal_places=2)
]
Note = Annotated[str, *text(max_chars=500)]
SourceDetail = Annotated[str, *text(max_chars=300)]
State = Annotated[
    str, *choice(Actual.State.values, description="entered → checked → published, one step at a time.")
]
Basis = Annotated[
    str, *choice(Actual.Basis.values, description="A declared figure, or counted from records.")
]


# --- what is read ----------------------------------------------------------------------------------------


def _key(obj: Any) -> str | None:
    return obj.key if obj is not None else None


class EvaluationOut(Schema):
    evaluator_ja: str
    evaluator_en: str
    fiscal_year: int
    held_on: dt.date | None
    grade: str
    comments_ja: str
    comments_en: str
    is_sample: bool


class InitiativeOut(Schema):
    key: str
    name_ja: str
    name_en: str
    funder_ja: str
    funder_en: str
    aims_ja: str
    aims_en: str
    starts_fy: int | None
    ends_fy: int | None
    organisation: str | None = Field(description="Key of the owning organisation.")
    network: str | None = Field(description="Key of the owning network.")
    is_sample: bool

    @staticmethod
    def resolve_organisation(obj: Initiative) -> str | None:
        return _key(obj.organisation)

    @staticmethod
    def resolve_network(obj: Initiative) -> str | None:
        return _key(obj.network)


class InitiativeDetailOut(InitiativeOut):
    evaluations: list[EvaluationOut]

    @staticmethod
    def resolve_evaluations(obj: Initiative) -> list[Any]:
        return list(selectors.evaluations_of(obj))


class InitiativePage(PageOut):
    items: list[InitiativeOut]


class BaselineOut(Schema):
    value: Decimal
    fiscal_year: int | None


class IndicatorOut(Schema):
    key: str
    name_ja: str
    name_en: str
    unit_ja: str
    unit_en: str
    definition_ja: str
    definition_en: str
    direction: str
    category: str
    baseline: BaselineOut | None
    computation: str = Field(description="The computation from the registry; empty when typed.")
    initiative: str | None
    organisation: str | None
    network: str | None
    is_sample: bool

    @staticmethod
    def resolve_baseline(obj: Indicator) -> dict[str, Any] | None:
        if obj.baseline_value is None:
            return None
        return {"value": obj.baseline_value, "fiscal_year": obj.baseline_fy}

    @staticmethod
    def resolve_initiative(obj: Indicator) -> str | None:
        return _key(obj.initiative)

    @staticmethod
    def resolve_organisation(obj: Indicator) -> str | None:
        return _key(obj.organisation)

    @staticmethod
    def resolve_network(obj: Indicator) -> str | None:
        return _key(obj.network)


class IndicatorPage(PageOut):
    items: list[IndicatorOut]


class TargetOut(Schema):
    indicator: str
    fiscal_year: int
    value: Decimal
    set_in_fy: int | None
    note_ja: str
    note_en: str

    @staticmethod
    def resolve_indicator(obj: Target) -> str:
        return obj.indicator.key


class ActualOut(Schema):
    indicator: str
    fiscal_year: int
    value: Decimal
    basis: str
    state: str
    source_detail: str
    note_ja: str
    note_en: str
    is_sample: bool

    @staticmethod
    def resolve_indicator(obj: Actual) -> str:
        return obj.indicator.key


class PointOut(Schema):
    fiscal_year: int
    value: Decimal
    origin: str = Field(description="typed or computed.")
    basis: str = Field(description="declared or counted.")
    state: str
    records: int = Field(description="How many records a computed value counts.")
    is_sample: bool


class ProgressOut(Schema):
    status: str = Field(description="achieved, on_track, behind, no_target or no_data.")
    achievement: float | None = Field(
        description="(actual − baseline) / (target − baseline) for the target it is measured against."
    )
    fiscal_year: int | None = Field(description="The fiscal year of the latest value.")
    actual: Decimal | None
    target_fiscal_year: int | None
    target: Decimal | None


class IndicatorDetailOut(IndicatorOut):
    targets: list[TargetOut]
    actuals: list[ActualOut] = Field(description="Typed actuals the caller may see.")
    series: list[PointOut] = Field(description="Every value by fiscal year, typed or computed.")
    progress: ProgressOut

    # `_detail` puts what is read besides the row in `obj.detail`
    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return obj.detail["targets"]

    @staticmethod
    def resolve_actuals(obj: Any) -> list[Any]:
        return obj.detail["actuals"]

    @staticmethod
    def resolve_series(obj: Any) -> list[Any]:
        return obj.detail["series"]

    @staticmethod
    def resolve_progress(obj: Any) -> Any:
        return obj.detail["progress"]


# --- reads -------------------------------------------------------------------------------------------------


class InitiativeListQuery(CursorParams):
    organisation: OrganisationKey | Optional = None
    network: NetworkKey | Optional = None
    cursor: InitiativeCursor | Optional = None


def initiative_list() -> Any:
    return Initiative.objects.select_related("organisation", "network")


@router.get("/initiatives", response=InitiativePage, operation_id="initiatives_list")
def initiatives_list(request: HttpRequest, params: Query[InitiativeListQuery]):
    """Initiatives (funded programmes and projects), by key."""
    qs = policy.visible(request.user, initiative_list())
    if params.organisation:
        qs = qs.filter(organisation__key=params.organisation)
    if params.network:
        qs = qs.filter(network__key=params.network)
    page = keyset_page(qs, INITIATIVE_KEYSET, cursor=params.cursor, limit=params.limit)
    return page_body(request, page)


@router.get("/initiatives/{key}", response=InitiativeDetailOut, operation_id="initiatives_detail")
def initiatives_detail(request: HttpRequest, key: InitiativeKey):
    """One initiative with its evaluations."""
    return policy.visible(request.user, initiative_list()).get(key=key)


class IndicatorFilter(Params):
    initiative: InitiativeKey | Optional = None
    organisation: OrganisationKey | Optional = Field(
        None, description="An organisation's own indicators and those of its initiatives."
    )
    network: NetworkKey | Optional = Field(
        None, description="A network's own indicators and those of its initiatives."
    )
    category: Category | Optional = None


class IndicatorListQuery(IndicatorFilter, CursorParams):
    cursor: IndicatorCursor | Optional = None


def indicator_list(user: Any) -> Any:
    return policy.visible(user, Indicator.objects.select_related("initiative", "organisation", "network"))


@router.get("/indicators", response=IndicatorPage, operation_id="indicators_list")
def indicators_list(request: HttpRequest, params: Query[IndicatorListQuery]):
    """Indicators with their baselines, filtered by owner and category."""
    from django.db.models import Q

    qs = indicator_list(request.user)
    if params.initiative:
        qs = qs.filter(initiative__key=params.initiative)
    if params.organisation:
        qs = qs.filter(
            Q(organisation__key=params.organisation) | Q(initiative__organisation__key=params.organisation)
        )
    if params.network:
        qs = qs.filter(Q(network__key=params.network) | Q(initiative__network__key=params.network))
    if params.category:
        qs = qs.filter(category=params.category)
    page = keyset_page(qs, INDICATOR_KEYSET, cursor=params.cursor, limit=params.limit)
    return page_body(request, page)


def _detail(request: HttpRequest, indicator: Indicator) -> Indicator:
    s = selectors.series(indicator, request.user)
    a = s.assessment
    actuals = policy.visible(
        request.user, Actual.objects.filter(indicator=indicator).select_related("indicator")
    ).order_by("fiscal_year")
    indicator.detail = {  # type: ignore[attr-defined]  # read by IndicatorDetailOut's resolvers
        "targets": s.targets,
        "actuals": list(actuals),
        "series": [
            PointOut(
                fiscal_year=p.fiscal_year,
                value=p.value,
                origin=p.origin,
                basis=p.basis,
                state=p.state,
                records=len(p.records),
                is_sample=p.is_sample,
            )
            for p in s.points
        ],
        "progress": ProgressOut(
            status=str(a.status),
            achievement=None if a.achievement is None else float(a.achievement),
            fiscal_year=a.fiscal_year,
            actual=a.actual,
            target_fiscal_year=a.target.fiscal_year if a.target else None,
            target=a.target.value if a.target else None,
        ),
    }
    return indicator


def _indicator(request: HttpRequest, key: str) -> Indicator:
    return indicator_list(request.user).get(key=key)


@router.get("/indicators/{key}", response=IndicatorDetailOut, operation_id="indicators_detail")
def indicators_detail(request: HttpRequest, key: IndicatorKey):
    """One indicator: its baseline, targets, the actuals the caller may see (unpublished ones only to
    its owners), every value by fiscal year (typed or computed) and its progress."""
    return _detail(request, _indicator(request, key))


# --- writes (see renkei.api.writes) ---------------------------------------------------------------------


class TargetIn(WriteSchema):
    """A target for the fiscal year of the address."""

    value: Value = Field(examples=[3500])
    set_in_fy: FiscalYear | None = Field(None, description="The fiscal year the target was set in.")
    note_ja: Note = ""
    note_en: Note = ""


class ActualIn(WriteSchema):
    """An actual for the fiscal year of the address. A new actual starts as entered; its state moves
    one step at a time (entered → checked → published, or back to entered)."""

    value: Value = Field(examples=[3548])
    basis: Basis = Actual.Basis.DECLARED
    state: State = Actual.State.ENTERED
    source_detail: SourceDetail = ""
    note_ja: Note = ""
    note_en: Note = ""


def _writable(request: HttpRequest, indicator: Indicator) -> Indicator:
    """The indicator, or a 403 for a caller who may not write its values (before anything is read
    from the body's side)."""
    from django.core.exceptions import PermissionDenied

    if not policy.can(request.user, Action.CHANGE, indicator):
        raise PermissionDenied
    return indicator


@router.put(
    "/indicators/{key}/targets/{fiscal_year}",
    response={200: TargetOut, 201: TargetOut},
    auth=auth.WRITE,
    operation_id="indicators_targets_put",
    summary="Set a target",
)
@write_operation
def indicators_targets_put(
    request: HttpRequest,
    key: IndicatorKey,
    fiscal_year: FiscalYear,
    payload: TargetIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """The owners' editors (or the network's secretariat) set an indicator's target for a fiscal year."""
    indicator = _writable(request, _indicator(request, key))
    target = Target.objects.filter(indicator=indicator, fiscal_year=fiscal_year).first()
    created = target is None
    target = target or Target(indicator=indicator, fiscal_year=fiscal_year)
    for name, value in payload.model_dump().items():
        setattr(target, name, value)
    services.target_save(target=target, actor=request.user)
    target.refresh_from_db()  # the value as stored (two decimals)
    location = reverse("api-v1:indicators_detail", kwargs={"key": indicator.key})
    return respond(TargetOut, target, status=201 if created else 200, location=location if created else None)


@router.delete(
    "/indicators/{key}/targets/{fiscal_year}",
    response={204: None},
    auth=auth.WRITE,
    operation_id="indicators_targets_delete",
    summary="Remove a target",
)
@write_operation
def indicators_targets_delete(
    request: HttpRequest,
    key: IndicatorKey,
    fiscal_year: FiscalYear,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    indicator = _writable(request, _indicator(request, key))
    target = Target.objects.get(indicator=indicator, fiscal_year=fiscal_year)
    services.target_delete(target=target, actor=request.user)
    return no_content()


@router.put(
    "/indicators/{key}/actuals/{fiscal_year}",
    response={200: ActualOut, 201: ActualOut},
    auth=auth.WRITE,
    operation_id="indicators_actuals_put",
    summary="Set an actual",
)
@write_operation
def indicators_actuals_put(
    request: HttpRequest,
    key: IndicatorKey,
    fiscal_year: FiscalYear,
    payload: ActualIn,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    """The owners' editors (or the network's secretariat) set an indicator's typed actual for a fiscal
    year; a changed state moves one step (409-free: a skipped step is a 422 naming `state`)."""
    indicator = _writable(request, _indicator(request, key))
    actual = Actual.objects.filter(indicator=indicator, fiscal_year=fiscal_year).first()
    created = actual is None
    actual = actual or Actual(indicator=indicator, fiscal_year=fiscal_year)
    for name, value in payload.model_dump().items():
        setattr(actual, name, value)
    services.actual_save(actual=actual, actor=request.user)
    actual.refresh_from_db()
    location = reverse("api-v1:indicators_detail", kwargs={"key": indicator.key})
    return respond(ActualOut, actual, status=201 if created else 200, location=location if created else None)


@router.delete(
    "/indicators/{key}/actuals/{fiscal_year}",
    response={204: None},
    auth=auth.WRITE,
    operation_id="indicators_actuals_delete",
    summary="Remove an actual",
)
@write_operation
def indicators_actuals_delete(
    request: HttpRequest,
    key: IndicatorKey,
    fiscal_year: FiscalYear,
    idempotency_key: IdempotencyKeyHeader = None,
) -> HttpResponse:
    indicator = _writable(request, _indicator(request, key))
    actual = policy.visible(request.user, Actual.objects.filter(indicator=indicator)).get(
        fiscal_year=fiscal_year
    )
    services.actual_delete(actual=actual, actor=request.user)
    return no_content()
