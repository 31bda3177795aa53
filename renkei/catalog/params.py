"""Query parameters of the catalog (program search, map, content, curricula), in the one typed layer.

The API and the pages declare the same filters from here, so a facet's allowed values, the sort
options and every bound are defined once.
"""

from __future__ import annotations

from typing import Annotated

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.catalog.facets import FACETS
from renkei.catalog.models import FeeBand, Program, TeachingContent
from renkei.core.pagination import PageParams
from renkei.core.params import INT64_MAX, Optional, Params, choice, integer, many, pattern, text
from renkei.networks.params import NetworkKey
from renkei.organisations.params import OrganisationKey, PrefectureCode

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Sort(models.TextChoices):
    """The orders of a program search; `relevance` needs words to rank by."""

    RELEVANCE = "relevance", _("Best match")
    NEWEST = "newest", _("Newest")
    START = "start", _("Starting soonest")
    FEE = "fee", _("Lowest fee")
    TITLE = "title", _("Title")


SearchWords = Annotated[
    str,
    *text(
        max_chars=200,
        max_words=20,
        description='Words, "quoted phrases", -exclusions, a OR b; Japanese or English. All words must match.',
    ),
]
ProgramCode = Annotated[
    str,
    *pattern(
        r"[^/\s\x00](?:[^/\x00]{0,58}[^/\s\x00])?",
        max_chars=60,
        description="A program's code.",
        examples=["QC-1"],
    ),
]
MunicipalityCode = Annotated[
    str, *pattern(r"[0-9]{5}", max_chars=5, description="5-digit municipality code.", examples=["06201"])
]
StartMonth = Annotated[
    str,
    *pattern(r"[0-9]{4}-(?:0[1-9]|1[0-2])", max_chars=7, description="YYYY-MM.", examples=["2026-04"]),
]
SortOrder = Annotated[
    str,
    *choice(
        Sort.values, description="relevance (default with q), newest (default without), start, fee, title."
    ),
]
ConceptRef = Annotated[
    str,
    *pattern(
        r"[0-9]{1,18}|[A-Za-z][A-Za-z0-9_.:\-]{0,199}",
        max_chars=200,
        description="A concept: its code as the API shows it (e.g. field-management) or its id.",
        examples=["field-management"],
    ),
]
Fields = Annotated[
    list[ConceptRef],
    *many(description="Fields by code or id (repeat for OR); a value naming nothing is a 422."),
]
Skills = Annotated[
    list[ConceptRef],
    *many(description="Skills by code or id (repeat for OR); a value naming nothing is a 422."),
]
Modes = Annotated[list[Annotated[str, *choice(Program.Mode.values)]], *many(description="How it is taught.")]
Providers = Annotated[
    list[OrganisationKey], *many(description="Organisation keys; a key naming no organisation is a 422.")
]
Prefectures = Annotated[list[PrefectureCode], *many(description="JIS prefecture codes, e.g. 06.")]
Municipalities = Annotated[list[MunicipalityCode], *many(description="Municipality codes.")]
Levels = Annotated[list[Annotated[str, *choice(Program.Level.values)]], *many(description="Levels.")]
FeeBands = Annotated[list[Annotated[str, *choice(FeeBand.values)]], *many(description="Fee bands.")]
StartMonths = Annotated[list[StartMonth], *many(description="Start months of the next run.")]
Subsidy = Annotated[
    list[Annotated[str, *choice(["1", "0", "true", "false"])]],
    *many(description="1: 教育訓練給付 eligible; 0: not designated."),
]
SearchLimit = Annotated[
    int, *integer(ge=1, le=MAX_PAGE_SIZE, description=f"Programs per page (1-{MAX_PAGE_SIZE}).")
]
MapLimit = Annotated[int, *integer(ge=1, le=20000, description="At most this many programs (1-20000).")]
LinkLanguage = Annotated[str, *choice(["ja", "en"], description="Language of the page links.")]
ContentKind = Annotated[str, *choice(TeachingContent.Kind.values, description="Kind of material.")]
ContentLicence = Annotated[str, *choice(TeachingContent.Licence.values, description="Licence.")]
CurriculumUnit = Annotated[
    int, *integer(ge=1, le=INT64_MAX, description="Model-curriculum unit (concept id).")
]


class ProgramFilter(Params):
    q: SearchWords = ""
    field: Fields = []
    skill: Skills = []
    mode: Modes = []
    provider: Providers = []
    prefecture: Prefectures = []
    municipality: Municipalities = []
    level: Levels = []
    fee: FeeBands = []
    start: StartMonths = []
    subsidy: Subsidy = []

    def facets(self) -> dict[str, list[str]]:
        return {facet.key: [str(v) for v in getattr(self, facet.key)] for facet in FACETS}


class ProgramSearchPage(ProgramFilter, PageParams):
    """The search page: the same filters and sorts, and page numbers."""

    sort: SortOrder | Optional = None


class MapQuery(ProgramFilter):
    limit: MapLimit = 5000
    lang: LinkLanguage | Optional = None


class ContentFilter(Params):
    q: SearchWords = ""
    provider: OrganisationKey | Optional = None
    kind: ContentKind | Optional = None
    licence: ContentLicence | Optional = None
    unit: CurriculumUnit | Optional = None


class ContentListPage(ContentFilter, PageParams):
    pass


class CurriculumFilter(Params):
    network: NetworkKey | Optional = None
