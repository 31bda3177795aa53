"""The SAMPLE catalog of the demo: marked everywhere, from the real members, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from renkei.catalog.models import JointCurriculum, Program, ProgramIndex, ProgramRun, TeachingContent
from renkei.catalog.samples import (
    ALLIANCE,
    CONTENT_TOPICS,
    KIND_HOURS_FEES,
    PREFIX_JA,
    TOPIC_CONCEPTS,
    YAMAGATA_HEIS,
    catalog_load_samples,
)
from renkei.catalog.selectors import program_search
from renkei.catalog.services import program_run_save, program_save, programs_reindex
from renkei.core.audit import Via, audit_context
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
    # venues are where the provider is (秋田大学 in Akita, not in a Yamagata village)
    assert all(p.prefecture == p.provider.prefecture for p in located)
    assert set(located.values_list("prefecture", flat=True)) > {"06"}
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
    assert len(program_search(user=None).facet("field").values) > 10
    assert {v.label for v in result.facet("field").values} == {"ものづくり・製造"}  # 品質 is manufacturing


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


def _index_rows() -> list[tuple]:
    return list(ProgramIndex.objects.order_by("pk").values_list())


def test_samples_keep_a_program_a_person_edited(demo_loaded, superuser):
    # given: the samples of TODAY's fiscal year, and a sample program an editor renamed in the admin
    catalog_load_samples(today=TODAY)
    program = Program.objects.get(provider__key="yamagata-u", code="SAMPLE-001")
    with audit_context(via=Via.ADMIN, actor=superuser):
        program.title_ja = "【サンプル】管理画面で編集した講座"
        program_save(program=program, actor=superuser)
    entries = AuditEntry.objects.count()
    # when
    report = catalog_load_samples(today=TODAY)
    # then
    program.refresh_from_db()
    assert program.title_ja == "【サンプル】管理画面で編集した講座"
    assert +report.kept == {"Program": 1}
    assert report.writes == 0
    assert AuditEntry.objects.count() == entries


def test_a_new_fiscal_year_replaces_the_runs_but_keeps_one_a_person_edited(demo_loaded, superuser):
    # given: the samples of TODAY's fiscal year; an editor changed the note of one run
    catalog_load_samples(today=TODAY)
    run = ProgramRun.objects.filter(program__is_sample=True).order_by("pk").first()
    with audit_context(via=Via.ADMIN, actor=superuser):
        run.note_ja = "会場変更あり"
        program_run_save(run=run, actor=superuser)
    next_year = TODAY.replace(year=TODAY.year + 1)
    # when: the demo is loaded a year later (every run moves to the new fiscal year)
    report = catalog_load_samples(today=next_year)
    # then: the old runs are gone but the edited one, and the new ones are there
    assert ProgramRun.objects.get(pk=run.pk).note_ja == "会場変更あり"
    assert report.deleted["ProgramRun"] > 100
    assert report.kept["ProgramRun"] == 1
    assert report.created["ProgramRun"] > 100
    old = ProgramRun.objects.filter(program__is_sample=True, starts_on__lt=dt.date(TODAY.year + 1, 4, 1))
    assert list(old.values_list("pk", flat=True)) == [run.pk]
    # and the programs were re-indexed at the end as a full re-index would have done it
    indexed = _index_rows()
    programs_reindex(program_ids=None, today=next_year)
    assert _index_rows() == indexed


def _topic(title_ja: str) -> str:
    rest = title_ja.removeprefix(PREFIX_JA)
    return max((t for t in TOPIC_CONCEPTS if rest.startswith(t)), key=len)


def test_samples_are_plausible(demo_loaded):
    programs = Program.objects.select_related("provider").prefetch_related("runs", "skills", "fields")
    for program in programs:
        hours, fees = KIND_HOURS_FEES[program.kind]
        # hours and fees in the range of the kind of program, hours with the program's runs
        assert program.hours_total in hours, (program.code, program.kind, program.hours_total)
        if program.fee_yen is not None and program.level not in ("mdash_literacy", "mdash_applied_basic"):
            assert program.fee_yen in fees, (program.code, program.kind, program.fee_yen)
        for run in program.runs.all():
            assert run.hours == program.hours_total
            assert run.sessions
            assert run.hours / run.sessions in (Decimal("1.5"), 2, 3, 6)
        # skills and field that fit the title
        field, skills = TOPIC_CONCEPTS[_topic(program.title_ja)]
        assert {c.label_ja for c in program.fields.all()} == {field}
        assert {c.label_ja for c in program.skills.all()} <= set(skills), program.title_ja
        assert program.skills.all()
    if_located = [p for p in programs if p.latitude is not None]
    assert {p.provider.prefecture for p in if_located} == {p.prefecture for p in if_located}
    akita = [p for p in if_located if p.provider.key == "akita-u"]
    assert akita
    assert {p.prefecture for p in akita} == {"05"}
    assert all("秋田" in p.venue_address_ja for p in akita)
    # teaching material is mapped to the model-curriculum units it serves
    units = {ja: set(labels) for ja, _, labels in CONTENT_TOPICS}
    for content in TeachingContent.objects.filter(is_sample=True).prefetch_related("mdash_units"):
        topic = content.title_ja.removeprefix(PREFIX_JA).split("（")[0]
        assert {u.label_ja for u in content.mdash_units.all()} == units[topic], content.title_ja
