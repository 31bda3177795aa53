"""Indicator pages (namespace "indicators"): dashboards per initiative, organisation and network, an
indicator with the records behind each computed number, the registry of computations, and reports
(the live HTML, and kept reports made by a background job in HTML, Excel and PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from renkei.core import charts, policy
from renkei.core.jdates import format_fiscal_year
from renkei.core.params import ParamErrors, problems_from_errors
from renkei.core.policy import Action
from renkei.indicators import reports, selectors
from renkei.indicators.computations import registry
from renkei.indicators.models import Indicator, Initiative, Report
from renkei.indicators.params import DashboardFilter, RecordsFilter, ReportRequest
from renkei.indicators.services import report_folder
from renkei.indicators.tasks import KIND, STEP, report_make
from renkei.jobs.models import Job
from renkei.jobs.selectors import job_status
from renkei.jobs.services import job_create, job_enqueue
from renkei.networks.models import Network
from renkei.organisations.models import Organisation
from renkei.portal import params  # noqa: F401  (registers the path converters)
from renkei.portal.params import bad_parameters, parses

STATUS_LABELS = {
    "achieved": _("achieved"),
    "on_track": _("on track"),
    "behind": _("behind"),
    "no_target": _("no target"),
    "no_data": _("no data"),
}
TREND_LABELS = {"improving": _("improving"), "worsening": _("worsening"), "steady": _("steady")}


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def chart_for(s: selectors.Series) -> charts.Svg:
    """The indicator as a line over contiguous fiscal years (era labels), its baseline as the first
    value, its targets as diamonds; a dashed line across years with no value."""
    years = s.years
    i = s.indicator
    if not years:
        return charts.lines([], [], title=i.name, unit=i.unit, empty=str(_("No values yet.")))
    span = list(range(years[0], years[-1] + 1))
    labels = [format_fiscal_year(fy, style="short") for fy in span]
    values: list[float | None] = []
    for fy in span:
        point = s.point(fy)
        if point is not None:
            values.append(float(point.value))
        elif i.baseline_fy == fy and i.baseline_value is not None:
            values.append(float(i.baseline_value))
        else:
            values.append(None)
    targets = [
        charts.Target(format_fiscal_year(t.fiscal_year, style="short"), float(t.value), str(_("target")))
        for t in s.targets
    ]
    return charts.lines(
        labels, [charts.Series(str(_("actual")), values)], title=i.name, unit=i.unit, targets=targets,
        empty=str(_("No values yet.")),
    )  # fmt: skip


def _rows(s: selectors.Series) -> list[dict[str, Any]]:
    rows = []
    for fy in s.years:
        target = s.target(fy)
        rows.append({
            "fy": fy,
            "short": format_fiscal_year(fy, style="short"),
            "baseline": s.indicator.baseline_value if s.indicator.baseline_fy == fy else None,
            "target": target.value if target else None,
            "point": s.point(fy),
        })  # fmt: skip
    return rows


def _cards(series: list[selectors.Series]) -> list[dict[str, Any]]:
    return [
        {"s": s, "chart": chart_for(s), "rows": _rows(s), "status": STATUS_LABELS[str(s.assessment.status)],
         "trend": TREND_LABELS.get(str(s.assessment.trend)),
         "achievement": None if s.assessment.achievement is None else round(s.assessment.achievement * 100),
         "sentence": reports.sentence_en(s.facts()) if _lang() == "en" else reports.sentence_ja(s.facts()) + "。"}
        for s in series
    ]  # fmt: skip


def _dashboard(
    request: HttpRequest, filters: DashboardFilter, owner: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    series = selectors.dashboard(request.user, category=filters.category, **owner)
    return render(
        request,
        "portal/indicators/dashboard.html",
        {
            **context,
            "cards": _cards(series),
            "categories": selectors.categories_of(**owner),
            "kept_reports": selectors.reports_of(request.user, **owner),
            "category": filters.category or "",
            "may_report": request.user.is_authenticated
            and policy.can(request.user, Action.ADD, _report_for(owner)),
            "nav": "indicators",
        },
    )


def _report_for(owner: dict[str, Any]) -> Report:
    return Report(**owner)


def indicators_home(request: HttpRequest) -> HttpResponse:
    initiatives = Initiative.objects.select_related("organisation", "network").order_by("key")
    # a dashboard for every owner of an indicator or of an initiative (whose indicators it shows)
    networks = Network.objects.filter(
        Q(pk__in=Indicator.objects.values("network")) | Q(pk__in=Initiative.objects.values("network"))
    ).order_by("name_ja")
    organisations = Organisation.objects.filter(
        Q(pk__in=Indicator.objects.values("organisation"))
        | Q(pk__in=Initiative.objects.values("organisation"))
    ).order_by("name_ja")
    return render(
        request,
        "portal/indicators/home.html",
        {"initiatives": initiatives, "networks": networks, "organisations": organisations, "nav": "indicators",
         "computations": registry.all()},
    )  # fmt: skip


@parses(DashboardFilter)
def initiative_dashboard(request: HttpRequest, filters: DashboardFilter, key: str) -> HttpResponse:
    initiative = get_object_or_404(
        Initiative.objects.select_related("organisation", "network", "source"), key=key
    )
    context = {"initiative": initiative, "title": initiative.name, "owner_kind": "initiative",
               "evaluations": selectors.evaluations_of(initiative)}  # fmt: skip
    return _dashboard(request, filters, {"initiative": initiative}, context)


@parses(DashboardFilter)
def organisation_dashboard(request: HttpRequest, filters: DashboardFilter, key: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, key=key)
    context = {"organisation": organisation, "title": organisation.name, "owner_kind": "organisation",
               "initiatives": selectors.initiatives_of(organisation=organisation)}  # fmt: skip
    return _dashboard(request, filters, {"organisation": organisation}, context)


@parses(DashboardFilter)
def network_dashboard(request: HttpRequest, filters: DashboardFilter, key: str) -> HttpResponse:
    network = get_object_or_404(Network, key=key)
    context = {"network": network, "title": network.name, "owner_kind": "network",
               "initiatives": selectors.initiatives_of(network=network)}  # fmt: skip
    return _dashboard(request, filters, {"network": network}, context)


@parses(RecordsFilter)
def indicator_detail(request: HttpRequest, filters: RecordsFilter, key: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator.objects.select_related("initiative", "source"), key=key)
    s = selectors.series(indicator, request.user)
    card = _cards([s])[0]
    chosen = s.point(filters.fy) if filters.fy else None
    return render(
        request,
        "portal/indicators/indicator_detail.html",
        {"card": card, "indicator": indicator, "chosen": chosen, "fy": filters.fy, "nav": "indicators"},
    )


def computation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/indicators/computations.html", {"computations": registry.all(), "nav": "indicators"}
    )


OWNER_MODELS: dict[str, type[Initiative] | type[Organisation] | type[Network]] = {
    "initiative": Initiative,
    "organisation": Organisation,
    "network": Network,
}


def _owner(kind: str, key: str) -> dict[str, Any]:
    model = OWNER_MODELS.get(kind)
    if model is None:
        raise Http404
    return {kind: get_object_or_404(model, key=key)}


# A report's HTML is one document standing alone (it is also downloaded and opened from disk): its style
# sits in the page, and nothing else may load or run in it.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


def report_live(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    """The report as HTML, written now from what the user may see (nothing is kept)."""
    data = reports.report_data(request.user, lang=_lang(), **_owner(kind, key))
    response = HttpResponse(reports.write_html(data), content_type=reports.CONTENT_TYPES["html"])
    response["Content-Security-Policy"] = REPORT_CSP
    return response


def _report_request(request: HttpRequest) -> ReportRequest:
    """The report form's fields (sent in the POST body), checked by the same typed model as a query."""
    data = {name: value for name in ReportRequest.names() if (value := request.POST.get(name, ""))}
    try:
        return ReportRequest.model_validate(data, context={"request": request})
    except ValidationError as exc:
        raise ParamErrors(problems_from_errors(exc.errors(include_url=False))) from exc


@login_required
@require_POST
def report_new(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    try:
        form = _report_request(request)
    except ParamErrors as exc:
        return bad_parameters(request, exc)
    owner = _owner(kind, key)
    if not policy.can(request.user, Action.ADD, _report_for(owner)):
        raise PermissionDenied
    job = job_create(
        kind=KIND, step=STEP, user=request.user,
        params={"owner": kind, "key": key, "language": form.language or _lang()},
    )  # fmt: skip
    job_enqueue(job, report_make)
    return redirect("indicators:report-job", job_id=job.pk)


def _own_report_job(request: HttpRequest, job_id: str) -> Job:
    user = request.user
    job = (
        Job.objects.filter(pk=job_id, user=user, kind=KIND).first()
        if user.is_authenticated and _uuid(job_id)
        else None
    )
    if job is None:
        raise Http404
    return job


def _job_context(job: Job) -> dict[str, Any]:
    status = job_status(job, _lang())
    return {"job": job, "status": status, "finished": status.finished, "nav": "indicators"}


@login_required
def report_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_report_job(request, job_id)
    report = (
        Report.objects.filter(uuid=job.result.get("report")).first() if job.result.get("report") else None
    )
    if report is not None and job.state == Job.State.DONE:
        return redirect("indicators:report-detail", uuid=report.uuid)
    return render(request, "portal/indicators/report_job.html", _job_context(job))


@login_required
def report_job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress fragment the job page polls (HTMX); once the job has finished or stalled, the page
    reloads (and a made report opens)."""
    context = _job_context(_own_report_job(request, job_id))
    response = render(request, "portal/indicators/_report_progress.html", context)
    if context["finished"] or context["status"].stalled:
        response["HX-Refresh"] = "true"
    return response


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _visible_report(request: HttpRequest, uuid: str) -> Report:
    if not _uuid(uuid):
        raise Http404
    report = Report.objects.select_related("initiative", "organisation", "network").filter(uuid=uuid).first()
    if report is None or not policy.can(request.user, Action.VIEW, report):
        raise Http404
    return report


@login_required
def report_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    report = _visible_report(request, uuid)
    kind = "initiative" if report.initiative_id else "network" if report.network_id else "organisation"
    owner = getattr(report, kind)
    dashboard_url = reverse(f"indicators:{kind}", kwargs={"key": owner.key})
    return render(
        request,
        "portal/indicators/report_detail.html",
        {"report": report, "dashboard_url": dashboard_url, "nav": "indicators"},
    )


@login_required
def report_file(request: HttpRequest, uuid: str, fmt: str) -> FileResponse:
    report = _visible_report(request, uuid)
    name = report.files.get(fmt)
    if fmt not in reports.FORMATS or not name:
        raise Http404
    file_path = Path(report_folder(report)) / name
    if not file_path.is_file():
        raise Http404
    response = FileResponse(file_path.open("rb"), content_type=reports.CONTENT_TYPES[fmt])
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_CSP
    else:
        response["Content-Disposition"] = f'attachment; filename="{report.uuid}-{name}"'
    return response


def report_list_url(report: Report) -> str:
    return reverse("indicators:report-detail", kwargs={"uuid": report.uuid})


app_name = "indicators"
urlpatterns = [
    path("", indicators_home, name="home"),
    path("computations/", computation_list, name="computations"),
    path("initiatives/<key:key>/", initiative_dashboard, name="initiative"),
    path("organisations/<key:key>/", organisation_dashboard, name="organisation"),
    path("networks/<key:key>/", network_dashboard, name="network"),
    path("i/<key:key>/", indicator_detail, name="indicator"),
    path("report/<key:kind>/<key:key>/", report_live, name="report-live"),
    path("report/<key:kind>/<key:key>/new/", report_new, name="report-new"),
    path("reports/jobs/<str:job_id>/", report_job, name="report-job"),
    path("reports/jobs/<str:job_id>/status/", report_job_status, name="report-job-status"),
    path("reports/<str:uuid>/", report_detail, name="report-detail"),
    path("reports/<str:uuid>/<key:fmt>/", report_file, name="report-file"),
]
