"""Computed indicators against hand-counted fixtures (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from renkei.catalog import services as catalog_services
from renkei.catalog.models import Program, ProgramRun
from renkei.core.audit import Via, audit_context
from renkei.indicators import selectors, services
from renkei.indicators.computations import registry
from renkei.indicators.models import Indicator, Initiative
from renkei.networks.models import Membership

pytestmark = pytest.mark.django_db


def _program(provider, code, language, starts, *, status="published", shared=()):
    program = Program(provider=provider, code=code, title_ja=code, language=language, status=status)
    catalog_services.program_save(program=program, actor=None, shared_with=list(shared))
    for day in starts:
        catalog_services.program_run_save(run=ProgramRun(program=program, starts_on=day), actor=None)
    return program


@pytest.fixture
def world(owner_org, owner_unit, other_org, network):
    with audit_context(via=Via.COMMAND):
        # programs in English of owner_org (and its unit), by the fiscal year their runs start:
        # FY2023: EN1 (2023-04-01), EN2 (unit; 2024-03-31) -> 2; JAEN taught in ja+en counts too -> 3
        # FY2024: EN1 again (2024-04-01) -> 1;  JA (Japanese only), OTHER (another provider) never count
        _program(owner_org, "EN1", "en", [dt.date(2023, 4, 1), dt.date(2023, 10, 1), dt.date(2024, 4, 1)])
        unit_program = Program(provider=owner_org, unit=owner_unit, code="EN2", title_ja="EN2", language="en",
                               status="published")  # fmt: skip
        catalog_services.program_save(program=unit_program, actor=None, shared_with=[network])
        catalog_services.program_run_save(
            run=ProgramRun(program=unit_program, starts_on=dt.date(2024, 3, 31)), actor=None
        )
        _program(owner_org, "JAEN", "ja_en", [dt.date(2023, 7, 1)])
        _program(owner_org, "JA", "ja", [dt.date(2023, 7, 1)], shared=[network])
        _program(other_org, "OTHER", "en", [dt.date(2023, 7, 1)], shared=[network])
        _program(owner_org, "DRAFT", "en", [dt.date(2023, 7, 1)], status="draft")
    return {"a": owner_org, "b": other_org, "network": network}


def test_programs_in_english_by_fiscal_year(world) -> None:
    records = registry.get("programs_in_english").records(world["a"], range(2022, 2026), None)
    counts = {fy: len(rows) for fy, rows in records.items()}
    assert counts == {2022: 0, 2023: 3, 2024: 1, 2025: 0}  # the draft is not seen by the public
    assert sorted(r.label.split(" ")[0] for r in records[2023]) == ["EN1", "EN2", "JAEN"]


def test_the_owner_counts_its_own_draft(world, owner_org) -> None:
    from factories import AffiliationFactory, UserFactory

    editor = AffiliationFactory(organisation=owner_org, role="editor", user=UserFactory(username="ed")).user
    records = registry.get("programs_in_english").records(world["a"], range(2023, 2024), editor)
    assert len(records[2023]) == 4


def test_network_programs_and_members(world) -> None:
    programs = registry.get("network_programs").records(world["network"], range(2023, 2024), None)
    assert sorted(r.label.split(" ")[0] for r in programs[2023]) == ["EN2", "JA", "OTHER"]
    members = registry.get("network_members").records(world["network"], range(2023, 2024), None)
    expected = {
        m.organisation_id for m in Membership.objects.filter(network=world["network"]) if m.role != "observer"
    }
    assert {r.pk for r in members[2023]} == expected


def test_a_computed_indicator_series_links_each_number_to_its_records(world) -> None:
    with audit_context(via=Via.COMMAND):
        initiative = services.initiative_save(
            initiative=Initiative(key="a-plan", organisation=world["a"], name_ja="計画"), actor=None
        )
        indicator = services.indicator_save(
            indicator=Indicator(key="a-english", initiative=initiative, name_ja="英語プログラム数",
                                computation="programs_in_english", baseline_value=Decimal(1), baseline_fy=2022),
            actor=None,
        )  # fmt: skip
    series = selectors.series(indicator, None, upto=2024)
    assert [(p.fiscal_year, int(p.value), p.origin) for p in series.points] == [
        (2022, 0, "computed"), (2023, 3, "computed"), (2024, 1, "computed"),
    ]  # fmt: skip
    assert len(series.point(2023).records) == 3


def test_an_unknown_computation_or_a_wrong_owner_is_refused(world) -> None:
    from django.core.exceptions import ValidationError

    with audit_context(via=Via.COMMAND):
        with pytest.raises(ValidationError) as unknown:
            services.indicator_save(
                indicator=Indicator(key="x1", organisation=world["a"], name_ja="x", computation="nope"),
                actor=None,
            )
        assert "nope" in str(unknown.value)
        with pytest.raises(ValidationError):
            services.indicator_save(
                indicator=Indicator(
                    key="x2", organisation=world["a"], name_ja="x", computation="network_members"
                ),
                actor=None,
            )
        with pytest.raises(ValidationError):
            services.indicator_save(
                indicator=Indicator(key="x3", organisation=world["a"], network=world["network"], name_ja="x"),
                actor=None,
            )
    assert not Indicator.objects.filter(key__in=["x1", "x2", "x3"]).exists()


@pytest.fixture
def mobility(owner_org, owner_unit, other_org):
    """Counted mobility figures of owner_org's partnerships, hand-counted by fiscal year:
    FY2022: 5 undergraduates + 7 graduates under the agreement -> 12
    FY2023: 4 undergraduates under the agreement -> 4 (the unit's partnership adds 3 -> 7)
    left out: inbound (9), faculty (2), no agreement (6), declared (100), a typical year (8), other_org's (50),
    a draft partnership's (11, unseen by the public)."""
    from factories import OrganisationFactory

    from renkei.partnerships import models as pm

    partner = OrganisationFactory(key="partner-u", name_ja="相手大学", country="DE")
    second = OrganisationFactory(key="partner-v", name_ja="第二相手大学", country="FR")

    def partnership(key, home, to, status="published"):
        p = pm.Partnership.objects.create(key=key, home=home, partner=to, status=status, summary_ja="概要")
        a = pm.Agreement.objects.create(key=f"{key}-ag", owner=home, partnership=p, kind="student_exchange",
                                        title_ja="協定")  # fmt: skip
        return p, a

    def figure(p, agreement, fy, count, *, direction="outbound", category="undergraduate", basis="counted"):
        pm.MobilityFigure.objects.create(partnership=p, agreement=agreement, fiscal_year=fy, direction=direction,
                                         category=category, count=count, basis=basis)  # fmt: skip

    p, a = partnership("a-partner", owner_org, partner)
    figure(p, a, 2022, 5)
    figure(p, a, 2022, 7, category="graduate")
    figure(p, a, 2023, 4)
    figure(p, a, 2023, 9, direction="inbound")
    figure(p, a, 2023, 2, category="faculty")
    figure(p, None, 2023, 6, category="graduate")
    figure(p, a, 2022, 100, basis="declared", category="graduate")
    figure(p, a, None, 8, category="graduate")
    unit_p, unit_a = partnership("unit-partner", owner_unit, second)
    figure(unit_p, unit_a, 2023, 3)
    other_p, other_a = partnership("b-partner", other_org, partner)
    figure(other_p, other_a, 2023, 50)
    draft_p, draft_a = partnership("a-draft", owner_org, second, status="draft")
    figure(draft_p, draft_a, 2023, 11)
    return owner_org


def test_outbound_mobility_under_agreements_sums_the_counted_figures(mobility) -> None:
    from renkei.indicators.computations import total

    records = registry.get("outbound_mobility").records(mobility, range(2021, 2025), None)
    assert {fy: total(rows) for fy, rows in records.items()} == {2021: 0, 2022: 12, 2023: 7, 2024: 0}
    assert sorted((r.label.split(":")[0], r.weight) for r in records[2023]) == [
        ("相手大学", 4),
        ("第二相手大学", 3),
    ]


def test_an_indicator_computed_from_mobility_shows_the_sums_on_its_series(mobility) -> None:
    with audit_context(via=Via.COMMAND):
        indicator = Indicator(key="outbound", organisation=mobility, name_ja="派遣学生数",
                              computation="outbound_mobility", baseline_value=12, baseline_fy=2022)  # fmt: skip
        services.indicator_save(indicator=indicator, actor=None)
    s = selectors.series(indicator, None, upto=2023)
    assert [(p.fiscal_year, p.value, p.origin) for p in s.points] == [
        (2022, Decimal(12), "computed"),
        (2023, Decimal(7), "computed"),
    ]
