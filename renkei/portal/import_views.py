"""Upload a CSV or Excel file, see exactly what it would change, confirm; and download exports.

Parse the request, call the import pipeline (`renkei.importing`), render. The work runs in a
background job whose progress the page polls with HTMX (`renkei.importing.jobs`).
"""

from __future__ import annotations

import tempfile
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from renkei.core import policy
from renkei.importing import Limits, importers, jobs
from renkei.importing.decoding import ENCODING_CHOICES
from renkei.importing.exporting import CONTENT_TYPES, csv_chunks, write_xlsx
from renkei.organisations.policy import acting_organisation_id


def _lang() -> str:
    return "en" if (get_language() or "ja")[:2] == "en" else "ja"


def _require_editor(user: Any) -> None:
    """Imports are for people who may write some rows of what at least one importer writes."""
    if not any(policy.may_write_some(user, spec.model) for spec in importers().values()):
        raise PermissionDenied


class ImportForm(forms.Form):
    importer = forms.ChoiceField(label=_("What the file contains"))
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), required=False,
        choices=[("", _("Detect (UTF-8, then Shift_JIS)"))] + [(v, label) for v, label in ENCODING_CHOICES],
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = "label_en" if _lang() == "en" else "label_ja"
        self.fields["importer"].choices = [(n, getattr(s, label) or n) for n, s in importers().items()]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = Limits.from_settings().max_file_bytes
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // 1048576})
        return upload


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    form = ImportForm(
        request.POST or None, request.FILES or None, initial={"importer": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job_id = jobs.create_job(
            user=request.user, importer=form.cleaned_data["importer"], filename=upload.name,
            chunks=upload.chunks(), encoding=form.cleaned_data["encoding"],
        )  # fmt: skip
        jobs.run_in_background(jobs.preview_job, job_id)
        return redirect("portal:import-job", job_id=job_id)
    return render(request, "portal/import/start.html", {"form": form, "importers": _importer_list()})


def _importer_list() -> list[dict[str, Any]]:
    lang = _lang()
    return [
        {"name": name, "label": getattr(spec, f"label_{lang}") or name,
         "columns": [c.name for c in spec().columns], "key": list(spec.key)}
        for name, spec in importers().items()
    ]  # fmt: skip


def _own_job(request: HttpRequest, job_id: str) -> dict[str, Any]:
    job = jobs.get_job(job_id)
    if job is None or job.get("user_id") != request.user.pk:
        raise Http404
    return job


def _job_context(job: dict[str, Any]) -> dict[str, Any]:
    lang = _lang()
    total, done = job.get("total"), job.get("done") or 0
    return {
        "job": job,
        "problems": [p[lang] for p in job.get("problems", [])],
        "summary": (job.get("summary") or {}).get(lang, ""),
        "percent": min(100, 100 * done // total) if total else None,
        "finished": job.get("status") in jobs.FINISHED,
    }


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "portal/import/job.html", _job_context(job))


@login_required
@require_GET
def import_job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress fragment the job page polls; once the job has finished, the page reloads."""
    job = _own_job(request, job_id)
    context = _job_context(job)
    response = render(request, "portal/import/_progress.html", context)
    if context["finished"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    _require_editor(request.user)
    job = _own_job(request, job_id)
    if job.get("status") != "preview" or job.get("committed"):
        return redirect("portal:import-job", job_id=job_id)
    jobs.update_job(
        job_id, status="queued", phase="write", done=0, total=None,
        on_behalf_of=acting_organisation_id(request.user),
    )  # fmt: skip
    jobs.run_in_background(jobs.commit_job, job_id)
    return redirect("portal:import-job", job_id=job_id)


@require_GET
def export_download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """Everything the user may see, in the importer's columns (an import reads it back unchanged)."""
    spec_class = importers().get(name)
    if spec_class is None or fmt not in CONTENT_TYPES:
        raise Http404
    spec = spec_class()
    queryset = spec.export_queryset(request.user)
    filename = f"renkei-{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response: HttpResponse = StreamingHttpResponse(
            csv_chunks(spec, queryset), content_type=CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    spooled = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spec, queryset, spooled)
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


urlpatterns = [
    path("import/", import_start, name="import-start"),
    path("import/jobs/<str:job_id>/", import_job, name="import-job"),
    path("import/jobs/<str:job_id>/status/", import_job_status, name="import-job-status"),
    path("import/jobs/<str:job_id>/confirm/", import_confirm, name="import-confirm"),
    path("export/<slug:name>.<str:fmt>", export_download, name="export"),
]
