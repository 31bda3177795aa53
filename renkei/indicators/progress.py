"""Progress of an indicator against its targets: pure rules, no Django (tested table by table).

The rules, as stated to users (docs on the dashboard say the same):

1. **Achievement** = (actual − baseline) / (target − baseline). It is 0 at the baseline, 1 (100 %) at
   the target, above 1 when the target is exceeded, negative when the value moved the wrong way. It
   works unchanged for a decreasing indicator (both differences are negative). It is not defined
   (None) without a baseline, without a target, or when the target equals the baseline.
2. **Which year**: the latest fiscal year with an actual (at or before `as_of` when given). A missing
   year is a gap: never read as zero, never interpolated; with no actual at all the status is
   *no data*.
3. **Which target**: the first target of that year or later; when every target lies in the past, the
   last one. No target at all: status *no target*.
4. **Achieved**: the actual meets or beats the target in the indicator's direction (≥ when higher is
   better, ≤ when lower is better), even before the target year (a target already exceeded stays
   achieved, with its achievement above 100 %).
5. **Behind**: not achieved and the target year has come.
6. **On track / behind** before the target year: the actual is compared with the straight path from
   the start to the target. The path starts at the baseline; when the target was set after the
   baseline year, it starts in the year the target was set, from that year's actual (or the baseline
   when that year has none). Without a baseline the path starts at the first actual. At or better
   than the path: *on track*; worse: *behind*.
7. **Trend**: the last two years that have actuals: *improving*, *worsening* or *steady* in the
   indicator's direction; *unknown* with fewer than two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Assessment",
    "Status",
    "TargetPoint",
    "Trend",
    "achievement",
    "assess",
    "expected_on_path",
    "target_for",
    "trend",
]


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


class Trend(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TargetPoint:
    fiscal_year: int
    value: Decimal
    set_in_fy: int | None = None


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    trend: Trend
    fiscal_year: int | None = None
    actual: Decimal | None = None
    target: TargetPoint | None = None
    achievement: Decimal | None = None
    expected: Decimal | None = None


def _better_or_equal(a: Decimal, b: Decimal, higher: bool) -> bool:
    return a >= b if higher else a <= b


def achievement(baseline: Decimal | None, target: Decimal | None, actual: Decimal) -> Decimal | None:
    """(actual − baseline) / (target − baseline), or None when it is not defined (rule 1)."""
    if baseline is None or target is None or target == baseline:
        return None
    return (Decimal(actual) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline))


def target_for(targets: Sequence[TargetPoint], fiscal_year: int) -> TargetPoint | None:
    """The first target of `fiscal_year` or later, else the last one (rule 3)."""
    ordered = sorted(targets, key=lambda t: t.fiscal_year)
    for t in ordered:
        if t.fiscal_year >= fiscal_year:
            return t
    return ordered[-1] if ordered else None


def expected_on_path(start_fy: int, start_value: Decimal, target: TargetPoint, fiscal_year: int) -> Decimal:
    """The value on the straight path from (start_fy, start_value) to the target, in `fiscal_year`."""
    if target.fiscal_year <= start_fy:
        return target.value
    share = Decimal(fiscal_year - start_fy) / Decimal(target.fiscal_year - start_fy)
    share = min(max(share, Decimal(0)), Decimal(1))
    return start_value + (target.value - start_value) * share


def trend(actuals: Mapping[int, Decimal], *, higher: bool = True, upto: int | None = None) -> Trend:
    """Rule 7: the last two years with actuals (at or before `upto`)."""
    years = sorted(fy for fy in actuals if upto is None or fy <= upto)
    if len(years) < 2:
        return Trend.UNKNOWN
    before, last = actuals[years[-2]], actuals[years[-1]]
    if last == before:
        return Trend.STEADY
    return Trend.IMPROVING if (last > before) == higher else Trend.WORSENING


def _path_start(
    baseline_value: Decimal | None,
    baseline_fy: int | None,
    target: TargetPoint,
    actuals: Mapping[int, Decimal],
) -> tuple[int, Decimal] | None:
    if baseline_value is not None and baseline_fy is not None:
        if target.set_in_fy is not None and target.set_in_fy > baseline_fy:
            return target.set_in_fy, actuals.get(target.set_in_fy, baseline_value)
        return baseline_fy, baseline_value
    if not actuals:
        return None
    first = min(actuals)
    return first, actuals[first]


def assess(
    *,
    higher: bool,
    baseline_value: Decimal | None,
    baseline_fy: int | None,
    targets: Sequence[TargetPoint],
    actuals: Mapping[int, Decimal],
    as_of: int | None = None,
) -> Assessment:
    """Status, trend and achievement of an indicator (rules 1–7)."""
    years = sorted(fy for fy in actuals if as_of is None or fy <= as_of)
    the_trend = trend(actuals, higher=higher, upto=as_of)
    if not years:
        return Assessment(Status.NO_DATA, the_trend)
    fy = years[-1]
    actual = Decimal(actuals[fy])
    target = target_for(targets, fy)
    if target is None:
        return Assessment(Status.NO_TARGET, the_trend, fy, actual)
    ach = achievement(baseline_value, target.value, actual)
    if _better_or_equal(actual, target.value, higher):
        return Assessment(Status.ACHIEVED, the_trend, fy, actual, target, ach)
    if fy >= target.fiscal_year:
        return Assessment(Status.BEHIND, the_trend, fy, actual, target, ach)
    start = _path_start(baseline_value, baseline_fy, target, {y: actuals[y] for y in years})
    expected = expected_on_path(start[0], Decimal(start[1]), target, fy) if start else None
    on_track = expected is not None and _better_or_equal(actual, expected, higher)
    return Assessment(
        Status.ON_TRACK if on_track else Status.BEHIND, the_trend, fy, actual, target, ach, expected
    )
