"""Every number a person can write has a sensible range, checked before any write on every path.

Found by probing: a capacity of 2**63 passed the import preview and crashed at write; 2**31 and
70,000 sessions were accepted on SQLite and would fail in PostgreSQL's int/smallint columns.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from renkei.catalog import services
from renkei.catalog.models import Program, ProgramRun
from renkei.core.models import AuditedModel
from renkei.core.rules import number_limits
from renkei.importing import get_importer, plan_import
from renkei.importing.problems import ImportRejected

# The largest value every supported database keeps in each column type.
PORTABLE_MAX = [
    (models.PositiveSmallIntegerField, 32_767),
    (models.SmallIntegerField, 32_767),
    (models.PositiveBigIntegerField, 2**63 - 1),
    (models.BigIntegerField, 2**63 - 1),
    (models.PositiveIntegerField, 2**31 - 1),
    (models.IntegerField, 2**31 - 1),
]


def _number_fields() -> list[Any]:
    found = []
    for model in apps.get_models():
        if not issubclass(model, AuditedModel) or not model.__module__.startswith("renkei."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.AutoField | models.ForeignKey):
                continue
            if isinstance(field, models.IntegerField | models.DecimalField):
                found.append(pytest.param(field, id=f"{model.__name__}.{field.name}"))
    return found


@pytest.mark.parametrize("field", _number_fields())
def test_every_number_field_states_a_range_its_column_can_hold(field: Any) -> None:
    low, high = number_limits(field)
    assert high is not None, f"{field} states no maximum (add a MaxValueValidator)"
    if isinstance(field, models.DecimalField):
        assert high < 10 ** (field.max_digits - field.decimal_places)
        return
    column_max = next(limit for kind, limit in PORTABLE_MAX if isinstance(field, kind))
    assert high <= column_max
    if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField):
        assert low is None or low >= 0


@pytest.mark.django_db
@pytest.mark.parametrize("capacity", [2**63, 2**31, 100_001])
def test_the_import_refuses_a_capacity_out_of_range_naming_row_column_and_limit(owner_org, capacity) -> None:
    data = f"provider,code,title_ja,capacity\nowner-u,BIG,大きな講座,{capacity}\n".encode()
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer("programs"), data, filename="big.csv")
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.code) == (2, "capacity", "range")
    assert "100000" in problem.text("ja")
    assert "at most 100000" in problem.text("en")
    assert not Program.objects.filter(code="BIG").exists()


@pytest.mark.django_db
def test_the_services_refuse_numbers_out_of_range(owner_org) -> None:
    program = Program(provider=owner_org, code="P", title_ja="講座", capacity=2**31)
    with pytest.raises(ValidationError) as exc:
        services.program_save(program=program, actor=None)
    assert "capacity" in exc.value.message_dict
    assert not Program.objects.filter(code="P").exists()
    program = Program(provider=owner_org, code="Q", title_ja="講座")
    services.program_save(program=program, actor=None)
    run = ProgramRun(program=program, starts_on="2030-04-01", sessions=70_000)
    with pytest.raises(ValidationError) as exc:
        services.program_run_save(run=run, actor=None)
    assert "sessions" in exc.value.message_dict
