"""Query parameters of the partnership pages and API, declared once (renkei.core.params)."""

from __future__ import annotations

from typing import Annotated

from renkei.core.keys import KEY_PATTERN
from renkei.core.params import Optional, Params, choice, integer, pattern
from renkei.partnerships.models import Basis, JointDegreeFigure, MobilityFigure, Tier

PhaseNumber = Annotated[
    int, *integer(ge=1, le=99, description="Programme phase number (default: the latest with tiers).")
]
TierChoice = Annotated[str, *choice(Tier.values, description="primary or prospective.")]
MatrixFormat = Annotated[str, *choice(["csv", "xlsx"], description="csv (UTF-8 with BOM) or xlsx.")]


class MatrixFilter(Params):
    phase: PhaseNumber | Optional = None
    tier: TierChoice | Optional = None


class MatrixDownload(MatrixFilter):
    format: MatrixFormat = "csv"


# --- the API's lists ---------------------------------------------------------------------------------

PartnershipKeyFilter = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="Only the funds of this partnership (its key).")
]
OwnerKey = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="Only this institution's (its key).")
]
ProgramKey = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="Only this program's figures (its key).")
]
NetworkKeyFilter = Annotated[
    str, *pattern(KEY_PATTERN, max_chars=120, description="Only this network's projects (its key).")
]
FiscalYearFilter = Annotated[int, *integer(ge=1900, le=2100, description="Fiscal year (April to March).")]
MetricChoice = Annotated[
    str,
    *choice(
        JointDegreeFigure.Metric.values,
        description="enrolment, graduates, funding_yen, programs or partners.",
    ),
]
DirectionChoice = Annotated[
    str,
    *choice(
        MobilityFigure.Direction.values,
        description="outbound, inbound or both (both ways, as a source may declare it).",
    ),
]
CategoryChoice = Annotated[
    str,
    *choice(
        MobilityFigure.Category.values,
        description="undergraduate, graduate, faculty, staff or mixed (faculty, staff and students together).",
    ),
]
BasisChoice = Annotated[
    str, *choice(Basis.values, description="counted (records) or declared (as a source states it).")
]


class FundFilter(Params):
    partnership: PartnershipKeyFilter | Optional = None


class JointDegreeFilter(Params):
    owner: OwnerKey | Optional = None


class JointDegreeFigureFilter(Params):
    owner: OwnerKey | Optional = None
    program: ProgramKey | Optional = None
    metric: MetricChoice | Optional = None
    fiscal_year: FiscalYearFilter | Optional = None


class NetworkProjectFilter(Params):
    network: NetworkKeyFilter | Optional = None


class MobilityFilter(Params):
    direction: DirectionChoice | Optional = None
    category: CategoryChoice | Optional = None
    fiscal_year: FiscalYearFilter | Optional = None
    basis: BasisChoice | Optional = None
