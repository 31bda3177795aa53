"""Query parameters of the catalog (program search, map, content, curricula), in the one typed layer.

The API and the pages declare the same filters from here, so a facet's allowed values, the sort
options and every bound are defined once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from renkei.catalog.facets import FACETS
from renkei.catalog.models import FeeBand, Program, TeachingContent
from renkei.core.pagination import PageParams
from renkei.core.params import INT64_MAX, Choice, Integer, Many, Optional, Params, Pattern, Text
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


SearchWords = Text(
    max_chars=200,
    max_words=20,
    description='Words, "quoted phrases", -exclusions, a OR b; Japanese or English. All words must match.',
)
ProgramCode = Pattern(
    r"[^/\s\x00](?:[^/\x00]{0,58}[^/\s\x00])?",
    max_chars=60,
    description="A program's code.",
    examples=["QC-1"],
)
ConceptId = Integer(ge=1, le=INT64_MAX, description="A taxonomy concept id.")
MunicipalityCode = Pattern(
    r"[0-9]{5}", max_chars=5, description="5-digit municipality code.", examples=["06201"]
)
StartMonth = Pattern(r"[0-9]{4}-(?:0[1-9]|1[0-2])", max_chars=7, description="YYYY-MM.", examples=["2026-04"])
SortOrder = Choice(
    Sort.values, description="relevance (default with q), newest (default without), start, fee, title."
)
Fields = Many(ConceptId, description="Field concept ids (repeat for OR).")
Skills = Many(ConceptId, description="Skill concept ids (repeat for OR).")
Modes = Many(Choice(Program.Mode.values), description="How it is taught.")
Providers = Many(OrganisationKey, description="Organisation keys.")
Prefectures = Many(PrefectureCode, description="JIS prefecture codes, e.g. 06.")
Municipalities = Many(MunicipalityCode, description="Municipality codes.")
Levels = Many(Choice(Program.Level.values), description="Levels.")
FeeBands = Many(Choice(FeeBand.values), description="Fee bands.")
StartMonths = Many(StartMonth, description="Start months of the next run.")
Subsidy = Many(
    Choice(["1", "0", "true", "false"]), description="1: 教育訓練給付 eligible; 0: not designated."
)
SearchLimit = Integer(ge=1, le=MAX_PAGE_SIZE, description=f"Programs per page (1-{MAX_PAGE_SIZE}).")
MapLimit = Integer(ge=1, le=20000, description="At most this many programs (1-20000).")
LinkLanguage = Choice(["ja", "en"], description="Language of the page links.")
ContentKind = Choice(TeachingContent.Kind.values, description="Kind of material.")
ContentLicence = Choice(TeachingContent.Licence.values, description="Licence.")
CurriculumUnit = Integer(ge=1, le=INT64_MAX, description="Model-curriculum unit (concept id).")


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
