"""The upload page as a secretariat meets it: a file of another kind is named once, the preview shows
labels, and the column lists show labels."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from support.import_files import PROGRAM_HEADER, csv_bytes, program_row


def _upload(client: Any, data: bytes, importer: str) -> Any:
    return client.post(
        reverse("portal:import-start"),
        {"importer": importer, "file": SimpleUploadedFile("file.csv", data), "encoding": ""},
    )


def test_a_programs_file_uploaded_as_organisations_is_named_once(
    client: Any, catalog_base: Any, superuser: Any
) -> None:
    # given
    client.force_login(superuser)
    # when
    response = _upload(client, csv_bytes([PROGRAM_HEADER, program_row("DS201")]), "organisations")
    ja = client.get(response["Location"]).content.decode()
    en = client.get("/en" + response["Location"]).content.decode()
    # then
    assert ja.count("<li>") == 1
    assert "このファイルの見出しは「プログラム」のものです" in ja
    assert "不明な列" not in ja
    assert "Choose “Programs”" in en


def test_the_preview_shows_labels_not_codes(client: Any, catalog_base: Any, superuser: Any) -> None:
    # given: a stored program, then a file changing its mode and fee
    client.force_login(superuser)
    first = _upload(client, csv_bytes([PROGRAM_HEADER, program_row("DS202", mode="hybrid")]), "programs")
    client.post(reverse("portal:import-confirm", args=[first["Location"].rstrip("/").split("/")[-1]]))
    change = csv_bytes([["provider", "code", "mode", "fee_yen"], ["tohoku-u", "DS202", "onsite", "15000"]])
    # when
    response = _upload(client, change, "programs")
    ja = client.get(response["Location"]).content.decode()
    en = client.get("/en" + response["Location"]).content.decode()
    # then
    assert "<td>形式</td>" in ja
    assert "<del>ハイブリッド</del>" in ja
    assert "<ins>対面</ins>" in ja
    assert "<td>受講料</td>" in ja
    assert "fee_yen" not in ja
    assert "hybrid→onsite" not in ja
    assert "<td>Fee (yen)</td>" in en


def test_the_column_lists_show_labels(client: Any, superuser: Any) -> None:
    client.force_login(superuser)
    html = client.get(reverse("portal:import-start")).content.decode()
    assert "受講料" in html
    assert "?codes=1" in html


def test_the_kind_is_recognised_from_the_header_by_default(
    client: Any, catalog_base: Any, superuser: Any
) -> None:
    # given: the page offers recognition first
    client.force_login(superuser)
    page = client.get(reverse("portal:import-start")).content.decode()
    assert '<option value="auto" selected>ファイルの見出しから判定する</option>' in page
    # when: a programs file, and a file whose header names no kind
    programs = _upload(client, csv_bytes([PROGRAM_HEADER, program_row("DS203")]), "auto")
    unknown = _upload(client, csv_bytes([["colour", "taste"], ["red", "sweet"]]), "auto")
    # then
    preview = client.get(programs["Location"]).content.decode()
    assert "ファイルの内容: <strong>プログラム</strong>" in preview
    assert "見出しから判定" in preview
    assert "新規作成1件" in preview
    refused = client.get(unknown["Location"]).content.decode()
    assert "見出しからファイルの種類を判定できませんでした" in refused
