"""While a plan is applied, what existed before (the plan above all) is frozen out of the cyclic garbage
collector's full collections; it is given back afterwards, whether the apply worked or was refused, and
nothing that was frozen before the apply (a server freezing before it forks) is ever unfrozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from support.import_files import ORG_HEADER, csv_bytes, org_row

from renkei.importing import ImportRejected, apply_plan, get_importer, plan_import
from renkei.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_frozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _plan(*keys: str):
    return plan_import(
        get_importer("organisations"), csv_bytes([ORG_HEADER, *map(org_row, keys)]), filename="o.csv"
    )


def test_the_plan_is_frozen_while_applied_and_given_back() -> None:
    # given
    plan = _plan("gc-a", "gc-b")
    seen: list[int] = []
    # when
    apply_plan(plan, progress=lambda phase, done, total: seen.append(gc.get_freeze_count()))
    # then
    assert seen
    assert min(seen) > 0
    assert gc.get_freeze_count() == 0
    assert Organisation.objects.filter(key__in=["gc-a", "gc-b"]).count() == 2


def test_given_back_when_the_apply_is_refused() -> None:
    # given: a plan made stale by a write after it was made
    plan = _plan("gc-race")
    Organisation.objects.create(key="gc-race", kind="university", name_ja="先に作られた")
    # when
    with pytest.raises(ImportRejected):
        apply_plan(plan)
    # then
    assert gc.get_freeze_count() == 0


def test_what_was_frozen_before_stays_frozen() -> None:
    # given
    plan = _plan("gc-c")
    gc.freeze()
    frozen = gc.get_freeze_count()
    made_after = [[i] for i in range(1000)]  # would be frozen by a second freeze
    seen: list[int] = []
    # when
    apply_plan(plan, progress=lambda phase, done, total: seen.append(gc.get_freeze_count()))
    # then: left alone (neither unfrozen nor frozen again; frozen objects that die leave the count)
    assert seen
    assert all(0 < count <= frozen for count in seen)
    assert 0 < gc.get_freeze_count() <= frozen
    assert len(made_after) == 1000
