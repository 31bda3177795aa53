"""Partnership health from plain values: the score and the reasons that make it."""

from __future__ import annotations

import datetime as dt

from renkei.partnerships.health import assess

TODAY = dt.date(2026, 12, 5)


def _assess(**overrides):
    values = {
        "today": TODAY, "last_activity": dt.date(2026, 6, 1), "last_contact": None, "series_since": None, "quota_year": None,
        "funded_projects": 0, "declared_projects": 0, "expiring": [],
    }  # fmt: skip
    return assess(**(values | overrides))


def test_a_recent_activity_keeps_full_health() -> None:
    health = _assess()
    assert health.score == 100
    assert not health.dormant


def test_no_activity_since_a_date_is_named_and_flags_dormancy() -> None:
    health = _assess(last_activity=dt.date(2021, 3, 1))
    assert health.dormant
    assert health.score == 70
    assert "no activity recorded since 2021-03" in [r.message.en for r in health.reasons]
    assert "2021-03 以降、活動の記録がありません" in [r.message.ja for r in health.reasons]


def test_places_used_against_the_quota() -> None:
    health = _assess(quota_year=(2025, 4, 10, 6, 10))
    messages = [r.message.en for r in health.reasons]
    assert "outbound 4 of 10 places used (FY2025)" in messages
    assert "inbound 6 of 10 places used (FY2025)" in messages
    assert health.score == 85  # outbound below half: −15; inbound at or above half: 0


def test_an_expiring_agreement_and_funded_projects() -> None:
    health = _assess(expiring=[("協定", dt.date(2027, 3, 31))], declared_projects=29)
    assert health.score == 100  # −10 + 10
    assert any("29 declared" in r.message.en for r in health.reasons)


def test_nothing_recorded_at_all() -> None:
    health = _assess(last_activity=None)
    assert health.dormant
    assert health.score == 60
    assert health.band == "watch"


def test_a_recurring_series_softens_a_stale_date_and_is_named() -> None:
    # a yearly joint conference recorded as a series since 2017: its later occurrences are not dated
    health = _assess(last_activity=dt.date(2017, 1, 10), series_since=dt.date(2017, 1, 10))
    assert health.score == 85  # -15 instead of -30
    assert "no activity recorded since 2017-01 besides a recurring series (since 2017-01)" in [
        r.message.en for r in health.reasons
    ]
    assert "2017-01 以降、活動の記録がありません（2017-01 から続く定例の活動のほか）" in [
        r.message.ja for r in health.reasons
    ]
