"""The upload page: preview, confirm, problems in the page's language, progress, and downloads."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from support.import_files import ORG_HEADER, csv_bytes, org_row

from renkei.core.audit import Via
from renkei.core.models import AuditEntry
from renkei.importing import jobs
from renkei.jobs.live import Live, write_live
from renkei.jobs.models import Job
from renkei.organisations.models import Organisation


def upload(client: Any, data: bytes, *, name: str = "orgs.csv", importer: str = "organisations",
           encoding: str = "", prefix: str = "") -> Any:  # fmt: skip
    return client.post(
        prefix + reverse("portal:import-start"),
        {"importer": importer, "file": SimpleUploadedFile(name, data), "encoding": encoding},
    )


def job_id_of(response: Any) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def job_of(response: Any) -> Job:
    return Job.objects.get(pk=job_id_of(response))


def test_anonymous_users_are_sent_to_sign_in(client: Any) -> None:
    response = client.get(reverse("portal:import-start"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_only_editors_may_import(client: Any, outsider: Any, viewer: Any) -> None:
    for user in (outsider, viewer):
        client.force_login(user)
        assert client.get(reverse("portal:import-start")).status_code == 403


def test_preview_then_confirm_writes_exactly_the_preview(client: Any, owner: Any, owner_org: Any) -> None:
    # given
    client.force_login(owner)
    page = client.get(reverse("portal:import-start"))
    assert page.status_code == 200
    assert "organisations" in page.content.decode()
    data = csv_bytes([["key", "name_en", "note_ja"], ["owner-u", "Owner University of Tests", "備考です"]])
    # when: uploaded
    response = upload(client, data)
    assert response.status_code == 302
    job_id = job_id_of(response)
    # then: the preview shows the change, and nothing is written yet
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Owner University of Tests" in html
    assert "備考です" in html
    assert Organisation.objects.get(key="owner-u").name_en == "Owner University"
    job = Job.objects.get(pk=job_id)
    assert (job.state, job.step, job.kind) == ("waiting", "preview", "import")
    assert job.result["counts"] == {"create": 0, "update": 1, "unchanged": 0}
    assert (job.user, job.organisation) == (owner, owner_org)
    assert job.task_result_id
    # when: confirmed
    done = client.post(reverse("portal:import-confirm", args=[job_id]), follow=True)
    # then
    assert done.status_code == 200
    stored = Organisation.objects.get(key="owner-u")
    assert (stored.name_en, stored.note_ja) == ("Owner University of Tests", "備考です")
    entry = AuditEntry.objects.filter(object_id=str(stored.pk), action="update").latest("id")
    assert (entry.via, entry.actor_id) == (Via.WEB, owner.pk)
    job.refresh_from_db()
    assert (job.state, job.step, job.attempt) == ("done", "commit", 2)
    assert not jobs.job_dir(job_id).exists()
    # confirming again does nothing
    client.post(reverse("portal:import-confirm", args=[job_id]))
    assert entry == AuditEntry.objects.filter(object_id=str(stored.pk), action="update").latest("id")


def test_a_refused_file_lists_its_problems_in_the_page_language(
    client: Any, owner: Any, owner_org: Any
) -> None:
    client.force_login(owner)
    data = csv_bytes([ORG_HEADER, org_row("owner-u", kind="castle"), org_row("other-u")])
    response = upload(client, data)
    ja = client.get(response["Location"]).content.decode()
    assert "2行目「kind」列" in ja
    assert "3行目「key」列" in ja  # not allowed to create a top-level organisation
    en = client.get("/en" + response["Location"]).content.decode()
    assert "Row 2, column “kind”" in en
    assert "nothing was written" in en


def test_the_encoding_select_is_used(client: Any, owner: Any, owner_org: Any) -> None:
    client.force_login(owner)
    data = csv_bytes([["key", "name_ja"], ["owner-u", "東北大学工学部"]], encoding="euc_jp")
    refused = job_of(upload(client, data))
    assert refused.state == "rejected"
    accepted = job_of(upload(client, data, encoding="euc_jp"))
    assert accepted.state == "waiting"


def test_progress_fragment_polls_until_the_job_has_finished(
    client: Any, owner: Any, owner_org: Any, settings: Any
) -> None:
    client.force_login(owner)
    job = job_of(upload(client, csv_bytes([["key", "name_en"], ["owner-u", "X"]])))
    # given: the job running again, with progress in the database
    Job.objects.filter(pk=job.pk).update(
        state="running", phase="check", phase_en="checking", done=50, total=200
    )
    running = client.get(reverse("portal:import-job-status", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = running.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body
    assert "HX-Refresh" not in running
    page = client.get(reverse("portal:import-job", args=[job.pk])).content.decode()
    assert "htmx" in page
    # the live file of a worker inside its write transaction takes precedence over the database
    write_live(
        job.pk,
        Live(attempt=job.attempt, phase="write", phase_ja="書込中", phase_en="writing", done=150, total=200),
    )
    body = client.get(
        reverse("portal:import-job-status", args=[job.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="75"' in body
    assert (
        "150 of 200"
        in client.get(
            "/en" + reverse("portal:import-job-status", args=[job.pk]), HTTP_HX_REQUEST="true"
        ).content.decode()
    )
    Job.objects.filter(pk=job.pk).update(state="waiting")
    finished = client.get(reverse("portal:import-job-status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished["HX-Refresh"] == "true"


def test_a_restarted_server_still_shows_the_job(client: Any, owner: Any, owner_org: Any) -> None:
    """The job lives in the database: nothing held in a process (cache, thread) is needed to show it."""
    from django.core.cache import cache

    client.force_login(owner)
    job_id = job_id_of(upload(client, csv_bytes([["key", "name_en"], ["owner-u", "Restarted"]])))
    cache.clear()
    page = client.get(reverse("portal:import-job", args=[job_id]))
    assert page.status_code == 200
    assert "Restarted" in page.content.decode()


def test_another_users_job_is_not_found(client: Any, owner: Any, org_admin: Any, owner_org: Any) -> None:
    client.force_login(owner)
    job_id = job_id_of(upload(client, csv_bytes([["key", "name_en"], ["owner-u", "X"]])))
    client.force_login(org_admin)
    assert client.get(reverse("portal:import-job", args=[job_id])).status_code == 404
    assert client.post(reverse("portal:import-confirm", args=[job_id])).status_code == 404


def test_confirming_after_the_data_changed_writes_nothing(client: Any, owner: Any, owner_org: Any) -> None:
    client.force_login(owner)
    job_id = job_id_of(upload(client, csv_bytes([["key", "name_en"], ["owner-u", "From the file"]])))
    Organisation.objects.filter(key="owner-u").update(name_en="Someone else")
    client.post(reverse("portal:import-confirm", args=[job_id]))
    job = Job.objects.get(pk=job_id)
    assert job.state == "rejected"
    assert Organisation.objects.get(key="owner-u").name_en == "Someone else"
    assert "アップロード" in job.result["problems"][0]["ja"]
    assert "何も書き込んでいません" in job.error_ja
    assert "nothing was written" in job.error_en


def test_export_downloads(client: Any, owner_org: Any) -> None:
    response = client.get(reverse("portal:export", args=["organisations", "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="renkei-organisations-')
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeffキー,種別,名称".encode())  # labels people read, in the page's language
    assert "所有大学".encode() in body
    codes = client.get(reverse("portal:export", args=["organisations", "csv"]), {"codes": "1"})
    assert b"".join(codes.streaming_content).startswith(b"\xef\xbb\xbfkey,kind,name_ja")
    assert (
        client.get(reverse("portal:export", args=["organisations", "csv"]), {"codes": "x"}).status_code == 400
    )
    xlsx = client.get(reverse("portal:export", args=["organisations", "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    assert next(rows)[0] == "key"  # the hidden row of codes
    assert next(rows)[0] == "キー"
    assert client.get(reverse("portal:export", args=["castles", "csv"])).status_code == 404
    assert client.get(reverse("portal:export", args=["organisations", "pdf"])).status_code == 404


def test_an_upload_above_the_limit_is_refused_in_the_page_language_and_nothing_is_kept(
    client: Any, owner: Any, owner_org: Any, settings: Any
) -> None:
    # given: a limit of 1 MB for uploads
    settings.RENKEI_IMPORT_LIMITS = {"max_upload_bytes": 1024 * 1024}
    client.force_login(owner)
    row = ["owner-u", "x" * 1000]
    # when: a body far above it (refused as soon as it starts) and a file a little above it (refused
    # when its first megabyte has gone past)
    huge = upload(client, csv_bytes([["key", "note_en"], *[row] * 3000]))
    above = upload(client, csv_bytes([["key", "note_en"], *[row] * 1100]), prefix="/en")
    # then: both refused with the limit named, in the page's language; no job, no upload kept
    assert huge.status_code == 413
    assert "1 MB" in huge.content.decode()
    assert "分割" in huge.content.decode()
    assert above.status_code == 413
    assert "larger than 1 MB" in above.content.decode()
    assert not Job.objects.exists()
    assert not (settings.DATA_DIR / "imports").exists()


def test_the_upload_page_still_checks_the_csrf_token(owner: Any, owner_org: Any) -> None:
    """The page sets its upload limit before Django reads the body, so it checks CSRF itself."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True, SERVER_NAME="localhost")
    strict.force_login(owner)
    response = upload(strict, csv_bytes([["key", "name_en"], ["owner-u", "X"]]))
    assert response.status_code == 403
    assert not Job.objects.exists()
