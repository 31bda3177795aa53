"""Catalog models: constraints, validation, derived values, and that writes are audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from renkei.catalog import services
from renkei.catalog.models import FeeBand, Program, ProgramRun, TeachingContent
from renkei.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_natural_key_is_unique_per_provider(owner_org, other_org, make_program):
    make_program(owner_org, "C1")
    make_program(other_org, "C1")  # another provider may use the same code
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(provider=owner_org, code="C1", title_ja="重複")


def test_coordinates_come_in_pairs(owner_org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(provider=owner_org, code="X", title_ja="x", latitude=Decimal("38.1"))


@pytest.mark.parametrize("code", ["a/b", " lead", "trail ", ""])
def test_bad_codes_are_rejected(owner_org, code):
    with pytest.raises(ValidationError):
        Program(provider=owner_org, code=code, title_ja="x").full_clean()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"audiences": ["aliens"]}, "audiences"),
        ({"municipality_code": "6201"}, "municipality_code"),
        ({"prefecture": "04", "municipality_code": "06201"}, "municipality_code"),
    ],
)
def test_validation(owner_org, values, field):
    with pytest.raises(ValidationError) as excinfo:
        Program(provider=owner_org, code="V", title_ja="x", **values).full_clean()
    assert field in excinfo.value.message_dict


def test_the_unit_must_belong_to_the_provider(owner_org, owner_unit, other_org):
    Program(provider=owner_org, unit=owner_unit, code="U", title_ja="x").full_clean()
    with pytest.raises(ValidationError):
        Program(provider=other_org, unit=owner_unit, code="U", title_ja="x").full_clean()


def test_a_run_cannot_end_before_it_starts(owner_org, make_program):
    program = make_program(owner_org, "R")
    with pytest.raises(ValidationError):
        services.program_run_save(
            run=ProgramRun(program=program, starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 4, 1)),
            actor=None,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramRun.objects.create(program=program, starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2025, 4, 1))


def test_next_run(owner_org, make_program):
    program = make_program(owner_org, "N", runs=[dt.date(2025, 4, 1), dt.date(2025, 9, 1)])
    assert program.next_run(today=dt.date(2025, 5, 1)).starts_on == dt.date(2025, 9, 1)
    assert program.next_run(today=dt.date(2026, 1, 1)) is None  # every run has passed
    assert make_program(owner_org, "M").next_run() is None


@pytest.mark.parametrize(
    ("fee", "band"),
    [
        (None, "unknown"),
        (0, "free"),
        (1, "le10k"),
        (10_000, "le10k"),
        (10_001, "le50k"),
        (50_000, "le50k"),
        (50_001, "gt50k"),
    ],
)
def test_fee_bands(fee, band):
    assert FeeBand.of(fee) == band


def test_bilingual_fields(owner_org, make_program):
    program = make_program(owner_org, "B", title_ja="統計入門", title_en="Introduction to statistics")
    with translation.override("en"):
        assert program.title == "Introduction to statistics"
    with translation.override("ja"):
        assert program.title == "統計入門"
    untranslated = make_program(owner_org, "J", title_ja="看護")
    with translation.override("en"):
        assert untranslated.title == "看護"  # falls back to Japanese


def test_program_writes_are_audited(owner_org, make_program, concepts):
    program = make_program(owner_org, "A", title_ja="講座", skills=[concepts.python])
    entries = AuditEntry.objects.filter(object_id=str(program.pk), content_type__model="program")
    assert {e.action for e in entries} == {"create", "update"}  # the m2m set is an update
    assert all(e.on_behalf_of_id == owner_org.pk for e in entries)


def test_content_licence(owner_org):
    content = TeachingContent(
        provider=owner_org, code="C", title_ja="教材", licence=TeachingContent.Licence.CC_BY
    )
    assert content.is_open_licence
    assert not TeachingContent(licence=TeachingContent.Licence.ALL_RIGHTS_RESERVED).is_open_licence
