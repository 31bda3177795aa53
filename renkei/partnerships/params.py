"""Query parameters of the partnership pages and API, declared once (renkei.core.params)."""

from __future__ import annotations

from typing import Annotated

from renkei.core.params import Optional, Params, choice, integer
from renkei.partnerships.models import Tier

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
