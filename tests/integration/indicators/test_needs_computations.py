"""Needs collected and matched, by the fiscal year they were collected, against a hand-counted fixture
(runs on SQLite and PostgreSQL); the public sees the numbers, not the employers' needs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from factories import HearingFactory, NeedFactory, ResponseFactory, SurveyFactory

from renkei.indicators.computations import PRIVATE_NEED, registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(network, owner_org, other_org):
    survey = SurveyFactory(network=network, key="needs", title_ja="ニーズ調査")

    def answered(on: dt.date, organisation):
        moment = timezone.make_aware(dt.datetime(on.year, on.month, on.day, 10))
        return ResponseFactory(survey=survey, organisation=organisation, submitted_at=moment)

    # FY2023: two answered (one matched), one heard in March 2024 (matched) -> collected 3, matched 2
    NeedFactory(network=network, organisation=owner_org, response=answered(dt.date(2023, 6, 1), owner_org))
    NeedFactory(network=network, organisation=other_org, response=answered(dt.date(2023, 9, 1), other_org),
                status="matched")  # fmt: skip
    NeedFactory(network=network, organisation=owner_org, status="addressed",
                hearing=HearingFactory(network=network, organisation=owner_org, held_on=dt.date(2024, 3, 31)))  # fmt: skip
    # FY2024: one heard in April 2024; one withdrawn (never counted); one entered directly (no date: left out)
    NeedFactory(network=network, organisation=other_org,
                hearing=HearingFactory(network=network, organisation=other_org, held_on=dt.date(2024, 4, 1)))  # fmt: skip
    NeedFactory(network=network, organisation=owner_org, status="withdrawn",
                response=answered(dt.date(2024, 5, 1), owner_org))  # fmt: skip
    NeedFactory(network=network, organisation=owner_org, status="matched")
    return network


def test_needs_collected_and_matched_by_fiscal_year(needs) -> None:
    collected = registry.get("needs_collected").records(needs, range(2022, 2026), None)
    matched = registry.get("needs_matched").records(needs, range(2022, 2026), None)
    assert {fy: len(rows) for fy, rows in collected.items()} == {2022: 0, 2023: 3, 2024: 1, 2025: 0}
    assert {fy: len(rows) for fy, rows in matched.items()} == {2022: 0, 2023: 2, 2024: 0, 2025: 0}


def test_the_public_sees_the_numbers_but_not_the_employers_needs(needs) -> None:
    records = registry.get("needs_collected").records(needs, range(2023, 2024), None)[2023]
    assert {(r.label, r.url) for r in records} == {(str(PRIVATE_NEED), "")}
