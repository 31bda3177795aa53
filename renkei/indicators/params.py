"""Query parameters of the indicator pages, in the one typed layer."""

from __future__ import annotations

from typing import Annotated

from renkei.core.params import Optional, Params, choice, integer
from renkei.indicators.models import Indicator, Report

Category = Annotated[str, *choice(Indicator.Category.values, description="Indicator category.")]
Language = Annotated[str, *choice(Report.Language.values, description="Report language.")]


class DashboardFilter(Params):
    category: Category | Optional = None


class RecordsFilter(Params):
    fy: Annotated[int, *integer(ge=1900, le=2200, description="Fiscal year.")] | Optional = None


class ReportRequest(Params):
    language: Language | Optional = None
