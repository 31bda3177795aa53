"""Partnership pages (namespace "partnerships"), mounted at partnerships/ by renkei/urls.py: the matrix
(page, CSV, Excel), the world map, a partner's timeline, an agreement with its versions, the joint
degree programs, and for staff the expiry dashboard and the renewal review."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core import charts, policy
from renkei.importing.exporting import escape_formula
from renkei.partnerships import rules, selectors, services
from renkei.partnerships.models import Agreement, AgreementVersion, Partnership, Tier
from renkei.partnerships.params import MatrixDownload, MatrixFilter
from renkei.partnerships.services import agreement_document_path, document_max_bytes, lead_days_of
from renkei.portal.params import parses


def _matrix_context(request: HttpRequest, params: MatrixFilter) -> dict[str, Any]:
    result = selectors.matrix(user=request.user, phase=params.phase, tier=params.tier)
    return {
        "matrix": result,
        "tiers": Tier.choices,
        "nav": "partnerships",
        "query": request.GET.urlencode(),
    }


@parses(MatrixFilter)
def matrix_page(request: HttpRequest, params: MatrixFilter) -> HttpResponse:
    return render(request, "portal/partnerships/matrix.html", _matrix_context(request, params))


@parses(MatrixDownload)
def matrix_download(request: HttpRequest, params: MatrixDownload) -> HttpResponse:
    result = selectors.matrix(user=request.user, phase=params.phase, tier=params.tier)
    table = selectors.matrix_table(result)
    name = f"partnership-matrix-phase{result.phase.number if result.phase else 0}"
    if params.format == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "matrix"  # type: ignore[union-attr]
        for row in table:
            sheet.append([escape_formula(v) if isinstance(v, str) else v for v in row])  # type: ignore[union-attr]
        sheet.freeze_panes = "D2"  # type: ignore[union-attr]
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in table:
        writer.writerow([escape_formula(v) if isinstance(v, str) else v for v in row])
    response = HttpResponse(
        ("\ufeff" + text.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@parses(MatrixFilter)
def partner_map(request: HttpRequest, params: MatrixFilter) -> HttpResponse:
    context = _matrix_context(request, params)
    context["geojson"] = selectors.map_partners(user=request.user, phase=params.phase, tier=params.tier)
    context["map_labels"] = {
        "primary": str(Tier.PRIMARY.label),
        "prospective": str(Tier.PROSPECTIVE.label),
        "units": _("participating units"),
        "open": _("Open"),
    }
    return render(request, "portal/partnerships/map.html", context)


def _quota_chart(quota: list[selectors.QuotaYear]) -> Any:
    labels = [f"FY{q.fiscal_year}" for q in quota]
    return charts.lines(
        labels,
        [
            charts.Series(_("Outbound"), [q.actual_out for q in quota]),
            charts.Series(_("Inbound"), [q.actual_in for q in quota]),
            charts.Series(_("Outbound places"), [q.quota_out or None for q in quota]),
            charts.Series(_("Inbound places"), [q.quota_in or None for q in quota]),
        ],
        title=_("Mobility against places per year"),
        unit=_("people"),
        empty=_("No counted mobility yet."),
    )


def partnership_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        partnership = selectors.partnership_get(user=request.user, key=key)
    except Partnership.DoesNotExist as exc:
        raise Http404 from exc
    quota = selectors.mobility_quota(user=request.user, partnership=partnership)
    insider = policy.can(request.user, "change", partnership)
    context = {
        "partnership": partnership,
        "team": list(policy.visible(request.user, partnership.team.select_related("unit"))),
        "tiers": list(policy.visible(request.user, partnership.tiers.select_related("phase"))),
        "partner_units": list(policy.visible(request.user, partnership.partner_units.all())),
        "timeline": selectors.partnership_timeline(user=request.user, partnership=partnership),
        "agreements": selectors.agreement_list(user=request.user, partnership=partnership),
        "funds": selectors.funds_of(user=request.user, partnership=partnership),
        "declared": selectors.declared_mobility(user=request.user, partnership=partnership),
        "quota": quota,
        "quota_chart": _quota_chart(quota) if quota else None,
        "health": selectors.partnership_health(user=request.user, partnership=partnership)
        if insider
        else None,
        "components": list(partnership.partner.components.select_related("member")),
        "nav": "partnerships",
    }
    return render(request, "portal/partnerships/partnership_detail.html", context)


def agreement_detail(request: HttpRequest, key: str) -> HttpResponse:
    try:
        agreement = selectors.agreement_get(user=request.user, key=key)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    versions = selectors.agreement_versions(user=request.user, agreement=agreement)
    # editors of a signed version without its document get the upload form
    attachable = {
        v.number for v in versions if v.is_signed and not v.document and policy.can(request.user, "change", v)
    }
    context = {
        "agreement": agreement,
        "versions": versions,
        "attachable": attachable,
        "lead_days": lead_days_of(agreement),
        "document_max_mb": document_max_bytes() / (1024 * 1024),
        "nav": "partnerships",
    }
    return render(request, "portal/partnerships/agreement_detail.html", context)


def _version(request: HttpRequest, key: str, number: int) -> AgreementVersion:
    try:
        return selectors.agreement_version_get(user=request.user, key=key, number=number)
    except (Agreement.DoesNotExist, AgreementVersion.DoesNotExist) as exc:
        raise Http404 from exc


def _safe_name(name: str) -> str:
    """An uploaded file's name as the service keeps it: ASCII letters, digits, '.', '_', '-'."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:150] or "signed"
    return f"{stem}.{suffix.lower()}" if suffix else stem


@require_POST
@login_required
def agreement_document_upload(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """The signed document (a PDF) of a signed version, attached once by an editor of the owner."""
    version = _version(request, key, number)
    if not policy.can(request.user, "change", version):
        raise PermissionDenied
    page = redirect("partnerships:agreement", key=key)
    upload = request.FILES.get("document")
    if upload is None:
        messages.error(request, _("Choose the signed PDF to attach."))
        return page
    limit = document_max_bytes()
    if upload.size is not None and upload.size > limit:  # refused before reading it into memory
        messages.error(request, rules.document_too_large(upload.size, limit).text())
        return page
    try:
        services.agreement_document_attach(
            version=version, actor=request.user, name=_safe_name(upload.name or ""), content=upload.read()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return page
    messages.success(request, _("The signed document is attached to version %(n)s.") % {"n": number})
    return page


def agreement_document(request: HttpRequest, key: str, number: int) -> FileResponse:
    """The signed document, for those who may see that version."""
    version = _version(request, key, number)
    if not version.document:
        raise Http404
    path = agreement_document_path(version)
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"{key}-{version.document}",
        content_type="application/pdf",
    )


def joint_degrees(request: HttpRequest) -> HttpResponse:
    context = selectors.joint_degrees(user=request.user) | {"nav": "partnerships"}
    return render(request, "portal/partnerships/joint_degrees.html", context)


def _staff(request: HttpRequest) -> None:
    if not (policy.is_superuser(request.user) or policy.may_write_some(request.user, AgreementVersion)):
        raise PermissionDenied


@login_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    """Expiry alerts and agreements due for renewal, dormant partnerships: for the home's staff."""
    _staff(request)
    today = timezone.localdate()
    partnerships = [
        p for p in selectors.partnership_list(user=request.user) if policy.can(request.user, "change", p)
    ]
    health = [
        (p, selectors.partnership_health(user=request.user, partnership=p, today=today)) for p in partnerships
    ]
    context = {
        "renewals": selectors.renewals_due(user=request.user, today=today, within=400),
        "alerts": selectors.alerts_recent(user=request.user),
        "health": sorted(health, key=lambda pair: pair[1].score),
        "today": today,
        "nav": "partnerships",
    }
    return render(request, "portal/partnerships/dashboard.html", context)


@login_required
def renewal_review(request: HttpRequest, key: str) -> HttpResponse:
    """An agreement's intended outcomes beside what the partnership realised while it was in force."""
    _staff(request)
    try:
        agreement = selectors.agreement_get(user=request.user, key=key)
    except Agreement.DoesNotExist as exc:
        raise Http404 from exc
    if not policy.can(request.user, "change", agreement):
        raise PermissionDenied
    version = agreement.current_version()
    due = [
        r
        for r in selectors.renewals_due(user=request.user, within=100_000)
        if r.version.agreement_id == agreement.pk
    ]
    review = due[0] if due else None
    partnership = agreement.partnership
    # what was realised while the agreement was in force: activities since its first version took
    # effect (a series that recurs since earlier counts too), newest first
    since = min((v.valid_from for v in agreement.versions.all() if v.valid_from), default=None)
    activities = policy.visible(request.user, partnership.activities.all()) if partnership else None
    if activities is not None and since is not None:
        activities = activities.filter(
            Q(starts_on__gte=since) | Q(ends_on__gte=since) | Q(is_recurring=True)
        ).order_by("-starts_on")
    context = {
        "agreement": agreement,
        "version": version,
        "review": review,
        "since": since,
        "activities": list(activities) if activities is not None else [],
        "quota": selectors.mobility_quota(user=request.user, partnership=partnership) if partnership else [],
        "health": selectors.partnership_health(user=request.user, partnership=partnership)
        if partnership
        else None,
        "nav": "partnerships",
    }
    return render(request, "portal/partnerships/renewal_review.html", context)


@parses(MatrixFilter)
def map_geojson(request: HttpRequest, params: MatrixFilter) -> JsonResponse:
    return JsonResponse(selectors.map_partners(user=request.user, phase=params.phase, tier=params.tier))
