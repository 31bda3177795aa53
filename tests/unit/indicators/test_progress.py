"""The progress rules of `renkei.indicators.progress`, table by table."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from renkei.core.jdates import format_fiscal_year, parse_fiscal_year
from renkei.indicators.progress import Status, TargetPoint, Trend, achievement, assess, target_for, trend

# (baseline, target, actual) -> achievement
ACHIEVEMENT = [
    (D(2048), D(3500), D(3548), D("1.033057851239669421487603306")),  # target already exceeded: above 1
    (D(100), D(200), D(150), D("0.5")),
    (D(100), D(200), D(100), D(0)),
    (D(100), D(200), D(90), D("-0.1")),  # moved the wrong way
    (D(50), D(20), D(35), D("0.5")),  # decreasing indicator: same formula
    (None, D(200), D(150), None),  # no baseline
    (D(100), None, D(150), None),  # no target
    (D(100), D(100), D(150), None),  # target equals baseline
]


@pytest.mark.parametrize(("baseline", "target", "actual", "expected"), ACHIEVEMENT)
def test_achievement(baseline, target, actual, expected) -> None:
    assert achievement(baseline, target, actual) == expected


T19, T23 = TargetPoint(2019, D(720)), TargetPoint(2023, D(3500))


@pytest.mark.parametrize(
    ("targets", "fy", "expected"),
    [
        ([T19, T23], 2019, T19),  # a target of that very year
        ([T19, T23], 2020, T23),  # the next one
        ([T19, T23], 2025, T23),  # every target past: the last one
        ([], 2020, None),
    ],
)
def test_which_target(targets, fy, expected) -> None:
    assert target_for(targets, fy) == expected


# name, higher, baseline (value, fy), targets, actuals, as_of -> status, trend
CASES = [
    ("exceeded before the target year", True, (D(2048), 2013), [T23], {2019: D(3548)}, None,
     Status.ACHIEVED, Trend.UNKNOWN),
    ("met in the target year", True, (D(269), 2013), [TargetPoint(2019, D(720))], {2019: D(720)}, None,
     Status.ACHIEVED, Trend.UNKNOWN),
    ("no target", True, (D(11), 2013), [], {2019: D(70)}, None, Status.NO_TARGET, Trend.UNKNOWN),
    ("no actual", True, (D(11), 2013), [T23], {}, None, Status.NO_DATA, Trend.UNKNOWN),
    ("on the path", True, (D(100), 2020), [TargetPoint(2025, D(200))], {2022: D(140)}, None,
     Status.ON_TRACK, Trend.UNKNOWN),
    ("below the path", True, (D(100), 2020), [TargetPoint(2025, D(200))], {2022: D(130)}, None,
     Status.BEHIND, Trend.UNKNOWN),
    ("target year passed, not met", True, (D(100), 2020), [TargetPoint(2022, D(200))], {2023: D(190)}, None,
     Status.BEHIND, Trend.UNKNOWN),
    ("decreasing: met", False, (D(50), 2020), [TargetPoint(2025, D(20))], {2024: D(18)}, None,
     Status.ACHIEVED, Trend.UNKNOWN),
    ("decreasing: on the path", False, (D(50), 2020), [TargetPoint(2025, D(20))], {2022: D(35)}, None,
     Status.ON_TRACK, Trend.UNKNOWN),
    ("decreasing: rising", False, (D(50), 2020), [TargetPoint(2025, D(20))], {2021: D(45), 2022: D(55)}, None,
     Status.BEHIND, Trend.WORSENING),
    ("missing year: the latest present year counts, never a zero", True, (D(100), 2020),
     [TargetPoint(2025, D(200))], {2021: D(120), 2023: D(170)}, 2024, Status.ON_TRACK, Trend.IMPROVING),
    ("as_of before any actual", True, (D(100), 2020), [TargetPoint(2025, D(200))], {2023: D(170)}, 2022,
     Status.NO_DATA, Trend.UNKNOWN),
    # target set in FY2022, after the FY2020 baseline: the path starts at FY2022's actual (100)
    ("target set after the baseline year", True, (D(100), 2020), [TargetPoint(2026, D(300), set_in_fy=2022)],
     {2022: D(100), 2024: D(200)}, None, Status.ON_TRACK, Trend.IMPROVING),
    # ...whereas measured from the baseline year's path (expected 233.3 in FY2024) it would be behind
    ("same numbers, target set with the baseline", True, (D(100), 2020), [TargetPoint(2026, D(300))],
     {2022: D(100), 2024: D(200)}, None, Status.BEHIND, Trend.IMPROVING),
    ("no baseline: the path starts at the first actual", True, (None, None), [TargetPoint(2025, D(200))],
     {2021: D(100), 2023: D(160)}, None, Status.ON_TRACK, Trend.IMPROVING),
    ("steady", True, (D(10), 2020), [], {2021: D(12), 2022: D(12)}, None, Status.NO_TARGET, Trend.STEADY),
]  # fmt: skip


@pytest.mark.parametrize(
    ("higher", "baseline", "targets", "actuals", "as_of", "status", "the_trend"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_status_and_trend(higher, baseline, targets, actuals, as_of, status, the_trend) -> None:
    result = assess(
        higher=higher, baseline_value=baseline[0], baseline_fy=baseline[1], targets=targets, actuals=actuals,
        as_of=as_of,
    )  # fmt: skip
    assert (result.status, result.trend) == (status, the_trend)


def test_trend_counts_only_years_with_actuals() -> None:
    assert trend({2019: D(1), 2021: D(3)}) == Trend.IMPROVING
    assert trend({2019: D(3), 2021: D(1)}, higher=False) == Trend.IMPROVING
    assert trend({2019: D(3)}) == Trend.UNKNOWN


# fiscal year -> short era label, Japanese label, English label
LABELS = [
    (2013, "H25", "平成25年度", "FY2013"),
    (2018, "H30", "平成30年度", "FY2018"),
    (2019, "R1", "令和元年度", "FY2019"),
    (2020, "R2", "令和2年度", "FY2020"),
    (2023, "R5", "令和5年度", "FY2023"),
    (1989, "H1", "平成元年度", "FY1989"),
    (1988, "S63", "昭和63年度", "FY1988"),
]


@pytest.mark.parametrize(("fy", "short", "ja", "en"), LABELS)
def test_fiscal_year_and_era_labels(fy, short, ja, en) -> None:
    assert format_fiscal_year(fy, style="short") == short
    assert format_fiscal_year(fy) == ja
    assert format_fiscal_year(fy, style="en") == en
    assert parse_fiscal_year(short) == parse_fiscal_year(ja) == parse_fiscal_year(en) == fy
