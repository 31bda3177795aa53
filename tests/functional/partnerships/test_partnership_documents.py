"""The signed document of an agreement version: uploaded once by an editor of the owner on the agreement
page (a PDF within the size limit, kept under the data directory), downloaded by those who may see the
version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from factories import AgreementFactory
from support.partnerships import signed_version

from renkei.partnerships import services
from renkei.partnerships.models import AgreementVersion

PDF = b"%PDF-1.4\n% signed\n"


@pytest.fixture
def signed(owner_org, other_org, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    agreement = AgreementFactory(owner=owner_org, key="exchange", is_public=False)
    return signed_version(
        agreement, owner_org, other_org, partner_signed_on=dt.date(2022, 3, 10), today=dt.date(2024, 1, 1)
    )


UPLOAD = "/partnerships/agreements/exchange/versions/1/document/upload/"
DOWNLOAD = "/partnerships/agreements/exchange/versions/1/document/"


def _post(client, name: str, content: bytes, lang: str = "ja"):
    prefix = "/en" if lang == "en" else ""
    return client.post(prefix + UPLOAD, {"document": SimpleUploadedFile(name, content)}, follow=True)


def test_an_editor_attaches_the_pdf_once_and_it_is_downloaded(
    client, owner, viewer, signed, tmp_path
) -> None:
    client.force_login(owner)
    page = client.get("/partnerships/agreements/exchange/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    response = _post(client, "協定 signed.PDF", PDF)
    assert response.status_code == 200
    signed.refresh_from_db()
    assert signed.document == "v1-signed.pdf"
    kept = services.agreement_document_path(signed)
    assert kept.read_bytes() == PDF
    assert kept.is_relative_to(tmp_path)
    assert DOWNLOAD in response.content.decode()
    # a second upload is refused: the document is part of the signed version
    again = _post(client, "other.pdf", PDF, "en")
    assert "This version already has its signed document." in again.content.decode()
    assert kept.read_bytes() == PDF
    # the owner's viewer may see the (not public) version, so may download it
    client.force_login(viewer)
    download = client.get(DOWNLOAD)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert 'name="document"' not in client.get("/partnerships/agreements/exchange/").content.decode()


def test_those_who_may_not_see_the_version_get_a_404(client, other_org_editor, signed) -> None:
    services.agreement_document_attach(version=signed, actor=None, name="s.pdf", content=PDF)
    assert client.get(DOWNLOAD).status_code == 404  # anonymous: the agreement is not public
    client.force_login(other_org_editor)
    assert client.get(DOWNLOAD).status_code == 404
    assert client.post(UPLOAD, {"document": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404


def test_a_viewer_may_not_upload(client, viewer, signed) -> None:
    client.force_login(viewer)
    assert client.post(UPLOAD, {"document": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    assert AgreementVersion.objects.get(pk=signed.pk).document == ""


@pytest.mark.parametrize(
    ("name", "content", "lang", "message"),
    [
        ("scan.jpg", b"\xff\xd8\xff", "en", "Only a PDF file can be attached"),
        ("scan.pdf", b"GIF89a", "ja", "PDFファイル"),
        (
            "big.pdf",
            b"%PDF-" + b"0" * 2000,
            "en",
            "The file is too large (2,005 bytes); the limit is 1,000 bytes.",
        ),
        (
            "big.pdf",
            b"%PDF-" + b"0" * 2000,
            "ja",
            "ファイルが大きすぎます（2,005 バイト）。上限は 1,000 バイトです。",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_kept(
    client, owner, signed, settings, tmp_path, name, content, lang, message
) -> None:
    settings.RENKEI_AGREEMENT_DOCUMENT_MAX_BYTES = 1000
    client.force_login(owner)
    response = _post(client, name, content, lang)
    assert message in response.content.decode()
    assert AgreementVersion.objects.get(pk=signed.pk).document == ""
    assert not list(tmp_path.rglob("*.*"))
