"""The open-data page (/open-data/): the bundle (ZIP of CSVs), its manifest, the Popolo JSON documents,
and, for superusers, a button that regenerates the bundle in a background job."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, register_converter
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.formats import bundle, popolo
from renkei.formats.jobs import KIND, open_data_job_start
from renkei.jobs.models import Job


class PopoloKindConverter:
    regex = "|".join(popolo.KINDS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PopoloKindConverter, "popolo")


def open_data(request: HttpRequest) -> HttpResponse:
    manifest = bundle.current_manifest()
    files = []
    for entry in (manifest or {}).get("files", []):
        table = bundle.TABLES.get(entry["name"])
        files.append({**entry, "about": table.about.text() if table else ""})
    context: dict[str, Any] = {
        "manifest": manifest,
        "generated_at": parse_datetime(manifest["generated_at"]) if manifest else None,
        "files": files,
        "rows": sum(f["rows"] for f in files),
        "licence": bundle.LICENCE,
        "attribution": bundle.ATTRIBUTION.text(),
        "popolo_kinds": popolo.KINDS,
        "nav": "open-data",
        "may_regenerate": policy.is_superuser(request.user),
    }
    if context["may_regenerate"]:
        context["last_job"] = Job.objects.filter(kind=KIND).order_by("-created_at").first()
    return render(request, "portal/opendata/page.html", context)


def bundle_download(request: HttpRequest) -> HttpResponse:
    # Read whole (the bundle is a few MB) rather than streamed: nothing is left open when a client stops
    # early, and a bundle replaced meanwhile never mixes with the one being sent.
    try:
        data = bundle.bundle_path().read_bytes()
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{bundle.BUNDLE_NAME}"'
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    data = bundle.current_manifest()
    if data is None:
        raise Http404
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _json(data: Any) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8")


def popolo_document(request: HttpRequest) -> HttpResponse:
    return _json(popolo.document())


def popolo_kind(request: HttpRequest, kind: str) -> HttpResponse:
    return _json(popolo.document([kind]))


@require_POST
def regenerate(request: HttpRequest) -> HttpResponse:
    if not policy.is_superuser(request.user):
        raise PermissionDenied
    job = open_data_job_start(user=request.user)
    if job.state == Job.State.FAILED:
        messages.error(request, job.error(request.LANGUAGE_CODE))
    else:
        messages.success(request, _("The open-data bundle is being regenerated."))
    return redirect("opendata:page")


app_name = "opendata"
urlpatterns = [
    path("", open_data, name="page"),
    path(bundle.BUNDLE_NAME, bundle_download, name="bundle"),
    path("manifest.json", manifest, name="manifest"),
    path("popolo.json", popolo_document, name="popolo"),
    path("popolo/<popolo:kind>.json", popolo_kind, name="popolo-kind"),
    path("regenerate/", regenerate, name="regenerate"),
]
