"""The open-data bundle carries the indicators domain (initiatives, evaluations, indicators, targets and the
published actuals only), marks sample organisations, and unpacks readable by everyone."""

from __future__ import annotations

import csv
import datetime as dt
import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from factories import (
    ActualFactory,
    EvaluationFactory,
    IndicatorFactory,
    InitiativeFactory,
    OrganisationFactory,
    SourceFactory,
    TargetFactory,
)

from renkei.formats import bundle

pytestmark = pytest.mark.django_db

TABLES = ("initiatives", "initiative_evaluations", "indicators", "indicator_targets", "indicator_actuals")


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(bundle.bundle_path()) as archive:
        text = archive.read(f"{name}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.removeprefix(bundle.BOM))))


def test_the_indicator_tables_hold_what_a_visitor_sees() -> None:
    # given: an initiative with its evaluation, an indicator with a target, a published and an entered actual
    university = OrganisationFactory(key="kpi-u")
    initiative = InitiativeFactory(key="kpi-initiative", organisation=university, name_en="KPI initiative")
    EvaluationFactory(initiative=initiative, evaluator_en="External board", grade="S")
    indicator = IndicatorFactory(
        key="kpi-students", initiative=initiative, organisation=university, baseline_value=120
    )
    TargetFactory(indicator=indicator, fiscal_year=2025, value=300)
    ActualFactory(indicator=indicator, fiscal_year=2022, value=150, state="published", basis="counted")
    ActualFactory(indicator=indicator, fiscal_year=2023, value=999, state="entered")
    # when
    manifest = bundle.build()
    # then: one file per table, described in the manifest
    assert set(TABLES) <= {entry["name"] for entry in manifest["files"]}
    initiatives = _rows("initiatives")
    assert [(r["key"], r["organisation"], r["name_en"]) for r in initiatives] == [
        ("kpi-initiative", "kpi-u", "KPI initiative")
    ]
    assert [(r["initiative"], r["evaluator_en"], r["grade"]) for r in _rows("initiative_evaluations")] == [
        ("kpi-initiative", "External board", "S")
    ]
    indicators = _rows("indicators")
    assert [(r["key"], r["initiative"], r["baseline_value"]) for r in indicators] == [
        ("kpi-students", "kpi-initiative", "120.00")
    ]
    assert [(r["indicator"], r["fiscal_year"], r["value"]) for r in _rows("indicator_targets")] == [
        ("kpi-students", "2025", "300.00")
    ]
    # an actual not yet published is not on the portal, so not in the bundle
    assert [(r["fiscal_year"], r["value"], r["basis"]) for r in _rows("indicator_actuals")] == [
        ("2022", "150.00", "counted")
    ]


def test_an_organisation_from_sample_sources_only_is_marked_as_sample() -> None:
    real, sample = SourceFactory(code="real-doc"), SourceFactory(code="made-up", is_sample=True)
    OrganisationFactory(key="real-u").sources.add(real)
    OrganisationFactory(key="mixed-u").sources.add(real, sample)
    OrganisationFactory(key="sample-co").sources.add(sample)
    OrganisationFactory(key="no-source-u")
    bundle.build()
    marks = {row["key"]: row["is_sample"] for row in _rows("organisations")}
    assert marks == {"real-u": "false", "mixed-u": "false", "sample-co": "true", "no-source-u": "false"}


def test_the_files_unpack_readable_by_everyone_dated_when_made() -> None:
    manifest = bundle.build()
    with zipfile.ZipFile(bundle.bundle_path()) as archive:
        infos = archive.infolist()
    assert infos
    made = dt.datetime.fromisoformat(manifest["generated_at"]).replace(tzinfo=None)
    for info in infos:
        mode = info.external_attr >> 16
        assert stat.S_IMODE(mode) == 0o644, (info.filename, oct(mode))
        # a ZIP keeps the time to two seconds
        assert dt.timedelta(0) <= made - dt.datetime(*info.date_time) < dt.timedelta(seconds=2), info.filename
