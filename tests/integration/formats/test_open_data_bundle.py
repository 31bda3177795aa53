"""The open-data bundle: one BOM CSV per registered table, a README and a manifest that match the files,
and nothing an anonymous visitor may not see."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from support.formats_records import PRIVATE_MARK, make_records

from renkei.core.messages import Msg
from renkei.formats import bundle
from renkei.formats.bundle import Column, Table
from renkei.networks.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def records(owner_org: Any, owner_unit: Any, network: Any) -> Any:
    return make_records(owner_org, owner_unit, network)


def _open() -> zipfile.ZipFile:
    return zipfile.ZipFile(bundle.bundle_path())


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8")
    assert text.startswith(bundle.BOM), f"{name} has no byte-order mark"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_bundle_has_one_csv_per_table_with_readme_and_a_manifest_that_matches(records: Any) -> None:
    manifest = bundle.build()
    with _open() as archive:
        names = set(archive.namelist())
        assert {bundle.README_NAME, bundle.MANIFEST_NAME} <= names
        assert names - {bundle.README_NAME, bundle.MANIFEST_NAME} == {f"{t}.csv" for t in bundle.TABLES}
        inside = json.loads(archive.read(bundle.MANIFEST_NAME))
        assert inside == manifest == bundle.current_manifest()
        for key in ("files", "generated_at", "licence"):
            assert manifest[key]
        readme = archive.read(bundle.README_NAME).decode("utf-8")
        for entry in manifest["files"]:
            data = archive.read(entry["file"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            rows = _rows(archive, entry["file"])
            assert len(rows) == entry["rows"]
            header = next(csv.reader(io.StringIO(data.decode("utf-8")[1:])))
            assert header == entry["columns"]
            assert f"## {entry['file']}" in readme
            for column in entry["columns"]:
                assert f"| `{column}` |" in readme
        assert bundle.LICENCE["url"] in readme
        programs = _rows(archive, "programs.csv")
        assert [p["code"] for p in programs] == ["PUB-1"]
        assert programs[0]["fee_yen"] == "0"
        assert programs[0]["is_sample"] == "false"
        assert [r["program"] for r in _rows(archive, "runs.csv")] == ["PUB-1"]
        assert {m["organisation"] for m in _rows(archive, "memberships.csv")} == {"owner-u", "other-u"}
        assert [u["key"] for u in _rows(archive, "units.csv")] == ["owner-u.law"]
        assert [m["title_ja"] for m in _rows(archive, "meetings.csv")] == ["公開の総会"]
        tenures = _rows(archive, "tenures.csv")
        assert tenures[0]["person_ja"] == "試験 花子"
        assert tenures[0]["start_date"] == "2024-04-01"


def test_no_private_record_and_no_staff_note_is_in_the_bundle(records: Any) -> None:
    assert Meeting.objects.filter(title_ja__contains=PRIVATE_MARK).exists()
    bundle.build()
    with _open() as archive:
        for name in archive.namelist():
            assert PRIVATE_MARK not in archive.read(name).decode("utf-8"), name
    assert bundle.bundle_path().read_bytes().find(PRIVATE_MARK.encode()) == -1


def test_a_new_domain_adds_a_table_in_a_few_lines(records: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(bundle, "TABLES", dict(bundle.TABLES))
    from renkei.networks.models import Meeting as Model

    bundle.register(
        Table("activities", Model, Msg("活動", "Activities"), (Column("title_ja", Msg("名称", "Title")),))
    )
    manifest = bundle.build()
    entry = next(e for e in manifest["files"] if e["name"] == "activities")
    assert entry["rows"] == 1  # read through the policy: only the public meeting
    with pytest.raises(ValueError, match="twice"):
        bundle.register(Table("activities", Model, Msg("", ""), ()))


def test_the_command_builds_the_bundle(records: Any) -> None:
    out = io.StringIO()
    call_command("opendata", stdout=out)
    assert bundle.bundle_path().exists()
    assert "files" in out.getvalue()


def test_building_again_replaces_the_bundle_whole(records: Any) -> None:
    first = bundle.build()
    records.draft.status = "published"
    from renkei.catalog import services as catalog_services

    catalog_services.program_save(program=records.draft, actor=None)
    second = bundle.build()
    assert {e["name"]: e["rows"] for e in second["files"]}["programs"] == 2
    assert {e["name"]: e["rows"] for e in first["files"]}["programs"] == 1
    assert not list(bundle.bundle_dir().glob("*.tmp"))
