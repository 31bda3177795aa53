"""The SAMPLE catalog of the demo: marked everywhere, from the real members, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from renkei.catalog.models import JointCurriculum, Program, ProgramIndex, TeachingContent
from renkei.catalog.samples import ALLIANCE, YAMAGATA_HEIS, catalog_load_samples
from renkei.catalog.selectors import program_search
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 1)


def test_samples(demo_loaded):
    # given the demo, which loads the samples; when they are loaded again
    report = catalog_load_samples(today=TODAY)
    # then
    programs = Program.objects.select_related("provider", "source")
    assert 250 <= programs.count() <= 400
    assert report.created["Program"] == 0
    assert all(p.is_sample and p.source.code == "sample" and p.source.is_sample for p in programs)
    assert all(p.title_ja.startswith("【サンプル】") and p.title_en.startswith("[Sample]") for p in programs)
    assert {p.provider.key for p in programs} == set(YAMAGATA_HEIS) | set(ALLIANCE)
    assert set(programs.values_list("mode", flat=True)) == {"onsite", "online", "hybrid", "on_demand"}
    located = programs.filter(latitude__isnull=False)
    assert located.count() > 50
    assert set(located.values_list("prefecture", flat=True)) == {"06"}  # venues in Yamagata municipalities
    assert ProgramIndex.objects.count() == programs.count()
    # the starter taxonomy is loaded with the demo: programs have fields and skills
    assert programs.filter(fields__isnull=False).distinct().count() == programs.count()
    assert programs.filter(skills__isnull=False).exists()
    assert TeachingContent.objects.filter(is_sample=True).count() >= 20
    assert JointCurriculum.objects.filter(is_sample=True, network__key="tohoku-sosei-alliance").exists()
    # search, facets and the map have something to show
    result = program_search(user=None, query="品質")
    assert result.total > 0
    assert len(result.facet("provider").values) > 1
    assert len(result.facet("field").values) > 1


def test_samples_are_idempotent(demo_loaded):
    catalog_load_samples(today=TODAY)
    first = list(Program.objects.order_by("pk").values_list("provider_id", "code", "title_ja", "fee_yen"))
    entries = AuditEntry.objects.count()
    # when
    report = catalog_load_samples(today=TODAY)
    # then
    assert report.writes == 0
    assert AuditEntry.objects.count() == entries
    assert (
        list(Program.objects.order_by("pk").values_list("provider_id", "code", "title_ja", "fee_yen"))
        == first
    )


def test_samples_without_a_taxonomy(demo_loaded):
    from renkei.taxonomy.models import Scheme

    JointCurriculum.objects.all().delete()
    Program.objects.all().delete()  # the demo loaded them with the starter taxonomy
    Scheme.objects.filter(key="renkei-starter").update(key="not-the-starter")  # as if never loaded
    catalog_load_samples(today=TODAY)
    assert Program.objects.count() > 250
    assert not Program.objects.filter(fields__isnull=False).exists()
    assert not JointCurriculum.objects.exists()  # no model-curriculum units to map
