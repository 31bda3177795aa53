"""Import a survey's answers from a form tool's export (Google Forms and the like): upload → mapping of
the file's columns to the questions (proposed, confirmed or changed) → the shared import job's preview
with counts (`portal:import-job`) → confirm. Parse, call the importer and the services, render."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from renkei.core import policy
from renkei.core.policy import Action
from renkei.importing import ImportRejected, Limits
from renkei.importing import jobs as import_jobs
from renkei.importing.decoding import ENCODING_CHOICES
from renkei.importing.planning import fold
from renkei.importing.readers import open_table
from renkei.matching import importers, services
from renkei.matching.models import Survey
from renkei.organisations.selectors import organisation_acting_for
from renkei.portal.import_views import too_large_message

SAMPLE_CHARS = 60


def _lang() -> str:
    return "en" if (get_language() or "ja")[:2] == "en" else "ja"


def _survey(request: HttpRequest, pk: int) -> Survey:
    """The survey, if the user may manage it (its network's coordinators): 404 if not visible, 403 if seen
    but not managed."""
    survey = policy.visible(request.user, Survey.objects.select_related("network")).filter(pk=pk).first()
    if survey is None:
        raise Http404
    if not policy.can(request.user, Action.CHANGE, survey):
        raise PermissionDenied
    return survey


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Exported file (.csv or .xlsx)"))
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"), required=False,
        choices=[("", _("Detect (UTF-8, then Shift_JIS)"))] + [(v, label) for v, label in ENCODING_CHOICES],
    )  # fmt: skip

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > Limits.from_settings().max_upload_bytes:
            raise forms.ValidationError(too_large_message())
        return upload


def _pending(token: str) -> Path:
    return Path(settings.DATA_DIR) / "imports" / f"pending-{token}"


def _read_pending(request: HttpRequest, survey: Survey, token: str) -> tuple[dict[str, Any], bytes]:
    try:
        folder = _pending(uuid.UUID(token).hex)
        meta = json.loads((folder / "meta.json").read_text())
        data = (folder / "upload").read_bytes()
    except (ValueError, OSError):
        raise Http404 from None
    if meta.get("user") != request.user.pk or meta.get("survey") != survey.pk:
        raise Http404
    return meta, data


def _header(data: bytes, meta: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The file's header and its first data row (a sample of each column)."""
    table = open_table(data, filename=meta["filename"], encoding=meta["encoding"] or None,
                       limits=Limits.from_settings())  # fmt: skip
    first = next(iter(table.rows), (0, []))[1]
    return list(table.header), list(first)


@login_required
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: upload the export; its header is read (nothing is written) and the mapping step follows."""
    survey = _survey(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = b"".join(upload.chunks())
        meta = {"user": request.user.pk, "survey": survey.pk, "filename": Path(upload.name).name[:200],
                "encoding": form.cleaned_data["encoding"]}  # fmt: skip
        try:
            _header(data, meta)
        except ImportRejected as exc:
            problems = exc.lines(_lang())
        else:
            token = uuid.uuid4().hex
            folder = _pending(token)
            folder.mkdir(parents=True, mode=0o700)
            (folder / "upload").write_bytes(data)
            (folder / "meta.json").write_text(json.dumps(meta))
            return redirect("matching:survey-import-mapping", pk=survey.pk, token=token)
    context = {"survey": survey, "form": form, "problems": problems, "nav": "matching",
               "coordinator_nav": True, "kept": bool(survey.import_mapping)}  # fmt: skip
    return render(request, "portal/matching/survey_import.html", context)


@login_required
def survey_import_mapping(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Step 2: which question or respondent field each column holds, as proposed (from the mapping kept
    for this survey and the headers); confirmed, it is kept and the import job checks the file."""
    survey = _survey(request, pk)
    meta, data = _read_pending(request, survey, token)
    try:
        header, sample = _header(data, meta)
    except ImportRejected:
        raise Http404 from None
    lang = _lang()
    choices = importers.targets(survey, lang)
    proposed = importers.propose_mapping(survey, header)
    problems: list[str] = []
    if request.method == "POST":
        allowed = {value for value, _label in choices}
        mapping = {}
        for index, cell in enumerate(header):
            if fold(cell):
                value = request.POST.get(f"col-{index}", "")
                mapping[fold(cell)] = value if value in allowed else ""
        found = importers.check_mapping(survey, header, mapping)
        if found:
            problems = [p.text(lang) for p in found]
            proposed = mapping
        else:
            services.survey_import_mapping_save(survey=survey, mapping=mapping, actor=request.user)
            job = import_jobs.import_job_start(
                user=request.user, organisation=organisation_acting_for(request.user), importer=importers.NAME,
                filename=meta["filename"], chunks=[data], encoding=meta["encoding"],
                options={"survey": survey.pk, "mapping": mapping, "filename": meta["filename"]},
                start_url=reverse("matching:survey-import", kwargs={"pk": survey.pk}),
            )  # fmt: skip
            shutil.rmtree(_pending(uuid.UUID(token).hex), ignore_errors=True)
            return redirect("portal:import-job", job_id=job.pk)
    columns = []
    for index, cell in enumerate(header):
        if not fold(cell):
            continue
        example = sample[index] if index < len(sample) else None
        text = "" if example is None else str(example)
        columns.append({
            "index": index, "header": str(cell).strip(), "selected": proposed.get(fold(cell), ""),
            "sample": text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS] + "…",
        })  # fmt: skip
    context = {"survey": survey, "filename": meta["filename"], "columns": columns, "choices": choices,
               "problems": problems, "nav": "matching", "coordinator_nav": True}  # fmt: skip
    return render(request, "portal/matching/survey_import_mapping.html", context)
