"""The open-data page, its files and the Popolo documents at their stable URLs."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from support.formats_records import PRIVATE_MARK, make_records

from renkei.formats import bundle, popolo
from renkei.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def test_before_the_first_build_the_page_says_so_and_the_files_are_404(client: Any, db: None) -> None:
    page = client.get("/open-data/")
    assert page.status_code == 200
    assert "まだ作成されていません" in page.content.decode()
    assert client.get("/open-data/renkei-open-data.zip").status_code == 404
    assert client.get("/open-data/manifest.json").status_code == 404


def test_the_page_lists_the_files_and_when_the_bundle_was_made(
    client: Any, owner_org: Any, owner_unit: Any, network: Any
) -> None:
    make_records(owner_org, owner_unit, network)
    manifest = bundle.build()
    html = client.get("/en/open-data/").content.decode()
    for entry in manifest["files"]:
        assert f"<code>{entry['file']}</code>" in html
    assert 'href="/en/open-data/renkei-open-data.zip"' in html
    assert bundle.LICENCE["url"] in html
    home = client.get("/").content.decode()
    assert 'href="/open-data/"' in home  # linked from the footer of every page
    download = client.get("/open-data/renkei-open-data.zip")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(BytesIO(download.content))
    assert json.loads(archive.read("manifest.json"))["generated_at"] == manifest["generated_at"]
    assert client.get("/open-data/manifest.json").json()["files"] == manifest["files"]


def test_popolo_documents_are_served_at_stable_urls_without_private_records(
    client: Any, owner_org: Any, owner_unit: Any, network: Any
) -> None:
    make_records(owner_org, owner_unit, network)
    whole = client.get("/open-data/popolo.json")
    assert whole.status_code == 200
    assert whole["Content-Type"].startswith("application/json")
    assert set(whole.json()) == set(popolo.KINDS)
    assert PRIVATE_MARK not in whole.content.decode()
    for kind in popolo.KINDS:
        part = client.get(reverse("opendata:popolo-kind", args=[kind]))
        assert part.json() == {kind: whole.json()[kind]}
    assert client.get("/open-data/popolo/people.json").status_code == 404


def test_only_a_superuser_may_regenerate_the_bundle(client: Any, owner: Any, superuser: Any) -> None:
    url = reverse("opendata:regenerate")
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    client.force_login(owner)
    assert client.post(url).status_code == 403
    assert not Job.objects.exists()
    client.force_login(superuser)
    response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.step, job.user) == ("open-data", "build", superuser)
    assert "Last run" in client.get("/en/open-data/").content.decode()
