"""job tag skills and knowledge imported into the database: new versions, the command, the real files.

Reading the IPD numeric download file is tested without a database in tests/unit/taxonomy/test_jobtag.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from renkei.core.models import AuditEntry
from renkei.taxonomy.models import Concept, Scheme
from renkei.taxonomy.services import taxonomy_import_jobtag

DAY = dt.date(2030, 2, 3)


@pytest.mark.django_db
def test_import_is_idempotent_and_follows_a_new_version(make_ipd_xlsx: Callable[..., Path]) -> None:
    # given
    first = taxonomy_import_jobtag(path=make_ipd_xlsx(), downloaded_on=DAY)
    entries = AuditEntry.objects.count()
    # when: the same file again
    again = taxonomy_import_jobtag(path=make_ipd_xlsx(), downloaded_on=DAY)
    # then
    assert (first.created, again.writes) == (3, 0)
    assert AuditEntry.objects.count() == entries
    # when: a new version renames an item
    renamed = {"IPD_04_03_01_001": "架空の読解", "IPD_04_03_01_002": "架空の段取り"}
    newer = taxonomy_import_jobtag(
        path=make_ipd_xlsx("IPD_DL_numeric_10_00.xlsx", version="10.00", skills=renamed), downloaded_on=DAY
    )
    # then
    assert (newer.updated, newer.unchanged, newer.scheme_written) == (1, 2, True)
    assert Concept.objects.get(code="IPD_04_03_01_001").label_ja == "架空の読解"
    assert "ver.10.00" in Scheme.objects.get(key="jobtag-skills").attribution


@pytest.mark.django_db
def test_loadtaxonomy_jobtag_command(make_ipd_csv: Callable[..., Path]) -> None:
    # when
    call_command(
        "loadtaxonomy", "jobtag", str(make_ipd_csv()), "--downloaded", "2030-02-03", stdout=StringIO()
    )
    # then
    assert Concept.objects.filter(scheme__key="jobtag-skills").count() == 3
    assert "2030年2月3日" in Scheme.objects.get(key="jobtag-skills").attribution


@pytest.mark.django_db
def test_loadtaxonomy_jobtag_command_needs_a_path() -> None:
    with pytest.raises(CommandError):
        call_command("loadtaxonomy", "jobtag", stdout=StringIO())


@pytest.mark.django_db
def test_loadtaxonomy_jobtag_command_reports_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no IPD_DL_numeric"):
        call_command("loadtaxonomy", "jobtag", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_official_import_counts_and_is_idempotent(jobtag_official: Path) -> None:
    # when
    first = taxonomy_import_jobtag(path=jobtag_official, downloaded_on=DAY)
    entries = AuditEntry.objects.count()
    second = taxonomy_import_jobtag(path=jobtag_official, downloaded_on=DAY)
    # then
    concepts = Concept.objects.filter(scheme__key="jobtag-skills")
    assert (concepts.filter(kind="skill").count(), concepts.filter(kind="knowledge").count()) == (39, 33)
    assert (first.created, second.writes) == (72, 0)
    assert AuditEntry.objects.count() == entries
    assert concepts.get(code="IPD_04_03_01_026").label_ja == "プログラミング"
