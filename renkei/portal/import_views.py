"""Upload a CSV or Excel file, see exactly what it would change, confirm; and download exports.

Parse the request, call the import pipeline (`renkei.importing`), render. The work runs as background
jobs (`renkei.importing.jobs`, run by `renkei worker`) whose progress the page polls with HTMX.
"""

from __future__ import annotations

import tempfile
from typing import Annotated, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from renkei.core import policy
from renkei.core.params import ParamErrors, Params, flag
from renkei.importing import Limits, importers, jobs
from renkei.importing.decoding import ENCODING_CHOICES
from renkei.importing.exporting import CONTENT_TYPES, csv_chunks, write_xlsx
from renkei.importing.spec import factories
from renkei.jobs.models import Job
from renkei.jobs.selectors import job_for_user, job_status
from renkei.organisations.selectors import organisation_acting_for
from renkei.portal.params import bad_parameters


def _lang() -> str:
    return "en" if (get_language() or "ja")[:2] == "en" else "ja"


def _require_editor(user: Any) -> None:
    """Imports are for people who may write some rows of what at least one importer writes."""
    models = [spec.model for spec in importers().values()] + [model for model, _f in factories().values()]
    if not any(policy.may_write_some(user, model) for model in models):
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
        importer = self.fields["importer"]
        if not isinstance(importer, forms.ChoiceField):
            raise TypeError(f"ImportForm.importer must be a ChoiceField, not {type(importer).__name__}")
        importer.choices = [(jobs.AUTO, _("Recognise it from the file's header"))] + [
            (n, getattr(s, label) or n) for n, s in importers().items()
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > Limits.from_settings().max_upload_bytes:
            raise forms.ValidationError(too_large_message())
        return upload


def too_large_message() -> str:
    limit = Limits.from_settings().max_upload_bytes
    return _(
        "The file is larger than %(mb)s MB, the limit for uploads here. Split it into smaller files, "
        "or ask the site administrator to import it with the renkei import command."
    ) % {"mb": f"{limit / 1048576:,.0f}"}


class _UploadLimit(FileUploadHandler):
    """Stops an upload at the limit: the rest of the body is read through and dropped, and nothing of the
    file is kept, not even in a temporary file. It runs first among the upload handlers."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False
        self.refused = False  # the view answers 413 when the upload was stopped here

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        self.too_large = content_length > self.limit + 1024 * 1024  # room for the form's other fields

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        self.refused = True
        raise StopUpload(connection_reset=False)


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the body: checked below
@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    handlers = request.upload_handlers
    if not isinstance(handlers, list):  # an immutable tuple once the body has been read
        raise RuntimeError("import_start: the request body was read before the upload limit was put in place")
    upload_limit = _UploadLimit(request, Limits.from_settings().max_upload_bytes)
    handlers.insert(0, upload_limit)
    return _import_start(request, upload_limit)


@csrf_protect
def _import_start(request: HttpRequest, upload_limit: _UploadLimit) -> HttpResponse:
    _require_editor(request.user)
    initial = {"importer": request.GET.get("kind") or jobs.AUTO}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if upload_limit.refused:
        context = {
            "form": ImportForm(initial=initial),
            "importers": _importer_list(),
            "refused": too_large_message(),
        }
        return render(request, "portal/import/start.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.import_job_start(
            user=request.user, organisation=organisation_acting_for(request.user), importer=form.cleaned_data["importer"],
            filename=upload.name, chunks=upload.chunks(), encoding=form.cleaned_data["encoding"],
        )  # fmt: skip
        return redirect("portal:import-job", job_id=job.pk)
    return render(request, "portal/import/start.html", {"form": form, "importers": _importer_list()})


def _importer_list() -> list[dict[str, Any]]:
    lang = _lang()
    return [
        {"name": name, "label": getattr(spec, f"label_{lang}") or name,
         "columns": [getattr(c, f"label_{lang}") or c.name for c in spec().columns],
         "codes": [c.name for c in spec().columns],
         "key": [getattr(spec().column(k), f"label_{lang}") or k for k in spec.key]}
        for name, spec in importers().items()
    ]  # fmt: skip


def _own_job(request: HttpRequest, job_id: str) -> Job:
    job = job_for_user(job_id, request.user)
    if job is None or job.kind != jobs.KIND:
        raise Http404
    return job


def _job_context(job: Job) -> dict[str, Any]:
    lang = _lang()
    status = job_status(job, lang)
    result = dict(job.result)
    if "changes" in result:
        result["changes"] = jobs.localised_changes(result["changes"], lang)
    if isinstance(result.get("importer_label"), dict):
        result["importer_label"] = result["importer_label"].get(lang, "")
    return {
        "job": job,
        "status": status,
        "filename": job.params.get("filename", ""),
        "result": result,
        "problems": [p[lang] for p in job.result.get("problems", [])],
        "finished": status.finished,
        "start_url": job.params.get("start_url") or reverse("portal:import-start"),
        "started": [_started(item, lang) for item in job.result.get("started", [])],
    }


def _started(item: dict[str, Any], lang: str) -> dict[str, str]:
    """A note of the work the import started (e.g. matching its needs), with the link to follow it."""
    try:
        url = reverse(item["url_name"], args=item.get("args", []))
    except (KeyError, NoReverseMatch):
        url = ""
    return {"text": item.get(lang) or item.get("ja", ""), "link": item.get(f"link_{lang}", ""), "url": url}


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "portal/import/job.html", _job_context(job))


@login_required
@require_GET
def import_job_status(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress fragment the job page polls; once the job has finished or stalled, the page reloads."""
    job = _own_job(request, job_id)
    context = _job_context(job)
    response = render(request, "portal/import/_progress.html", context)
    if context["finished"] or context["status"].stalled:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    _require_editor(request.user)
    job = _own_job(request, job_id)
    jobs.import_job_confirm(job)  # does nothing unless the job waits for this confirmation
    return redirect("portal:import-job", job_id=job.pk)


@login_required
@require_POST
def import_retry(request: HttpRequest, job_id: str) -> HttpResponse:
    """Run the step again after it failed or its worker stopped (it wrote nothing)."""
    _require_editor(request.user)
    job = _own_job(request, job_id)
    jobs.import_job_retry(job)  # does nothing unless the job failed or stalled
    return redirect("portal:import-job", job_id=job.pk)


class ExportPage(Params):
    codes: Annotated[bool, *flag(description="true: column codes and stored codes (for machines).")] = False


@require_GET
def export_download(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    """Everything the user may see, in the importer's columns (an import reads it back unchanged): with
    the labels people read in the user's language, or with `?codes=1` the column and value codes."""
    try:
        params = ExportPage.from_request(request)
    except ParamErrors as exc:
        return bad_parameters(request, exc)
    spec_class = importers().get(name)
    if spec_class is None or fmt not in CONTENT_TYPES:
        raise Http404
    spec = spec_class()
    queryset = spec.export_queryset(request.user)
    lang = _lang()
    filename = f"renkei-{name}-{timezone.localdate():%Y%m%d}{'-codes' if params.codes else ''}.{fmt}"
    if fmt == "csv":
        chunks = csv_chunks(spec, queryset, codes=params.codes, lang=lang)
        response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    spooled = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    write_xlsx(spec, queryset, spooled, codes=params.codes, lang=lang)
    spooled.seek(0)
    return FileResponse(spooled, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])


urlpatterns = [
    path("import/", import_start, name="import-start"),
    path("import/jobs/<str:job_id>/", import_job, name="import-job"),
    path("import/jobs/<str:job_id>/status/", import_job_status, name="import-job-status"),
    path("import/jobs/<str:job_id>/confirm/", import_confirm, name="import-confirm"),
    path("import/jobs/<str:job_id>/retry/", import_retry, name="import-retry"),
    path("export/<slug:name>.<str:fmt>", export_download, name="export"),
]
