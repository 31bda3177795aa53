"""ESCO skills imported into the database: idempotent loads, through the command and the service.

Reading the files is tested without a database in tests/unit/taxonomy/test_esco.py.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from renkei.core.models import AuditEntry
from renkei.taxonomy.models import Concept, Scheme

ESCO = "http://data.europa.eu/esco"


@pytest.mark.django_db
def test_import_is_idempotent(tabiya_dir: Path) -> None:
    # given
    out = StringIO()
    call_command("loadtaxonomy", "esco", str(tabiya_dir), "--esco-version", "9.9", stdout=out)
    entries = AuditEntry.objects.count()
    # when
    call_command("loadtaxonomy", "esco", str(tabiya_dir), "--esco-version", "9.9", stdout=out)
    # then
    assert AuditEntry.objects.count() == entries
    concept = Concept.objects.select_related("parent").get(code=f"{ESCO}/skill/fake-3")
    assert concept.parent.code == f"{ESCO}/skill/fake-1"
    assert Scheme.objects.get(key="esco").version == "9.9"


@pytest.mark.django_db
def test_sample_import_counts_and_is_idempotent(esco_sample: Path) -> None:
    # when
    from renkei.taxonomy.services import taxonomy_import_esco

    first = taxonomy_import_esco(path=esco_sample, version="1.1.1")
    entries = AuditEntry.objects.count()
    second = taxonomy_import_esco(path=esco_sample, version="1.1.1")
    # then
    skills = Concept.objects.filter(scheme__key="esco", auto_tag=True)
    assert skills.count() == 1000
    assert (first.created, second.writes) == (1640, 0)
    assert AuditEntry.objects.count() == entries
    assert Concept.objects.filter(scheme__key="esco", parent__isnull=True).count() == 43
