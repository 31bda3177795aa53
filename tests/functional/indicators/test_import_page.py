"""Targets and actuals on the shared import page: listed with their templates, previewed, confirmed."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import IndicatorFactory, InitiativeFactory
from support.import_files import csv_bytes

from renkei.indicators.models import Target


def test_targets_are_imported_from_the_import_page(client: Any, owner: Any, owner_org: Any) -> None:
    IndicatorFactory(key="students-a", initiative=InitiativeFactory(key="init-a", organisation=owner_org))
    client.force_login(owner)
    page = client.get(reverse("portal:import-start")).content.decode()
    assert "指標の目標値" in page
    assert "指標の実績値" in page
    assert "/export/indicator_targets.csv" in page
    template = b"".join(client.get("/export/indicator_targets.csv").streaming_content).decode("utf-8-sig")
    assert template.splitlines()[0].startswith("指標,年度,値")  # the headers people read, by default
    codes = b"".join(client.get("/export/indicator_targets.csv?codes=1").streaming_content).decode(
        "utf-8-sig"
    )
    assert codes.splitlines()[0].startswith("indicator,fiscal_year,value")
    data = csv_bytes([["指標", "年度", "値"], ["students-a", 2023, 3500]])  # the template's own headers
    response = client.post(
        reverse("portal:import-start"),
        {"importer": "indicator_targets", "file": SimpleUploadedFile("t.csv", data), "encoding": ""},
    )
    assert response.status_code == 302
    assert not Target.objects.exists()  # previewed, not yet written
    job_id = response["Location"].rstrip("/").split("/")[-1]
    client.post(reverse("portal:import-confirm", args=[job_id]), follow=True)
    assert Target.objects.get(indicator__key="students-a", fiscal_year=2023).value == 3500
