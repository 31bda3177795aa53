"""Query parameters of the needs and matching pages and API, in the one typed layer."""

from __future__ import annotations

from typing import Annotated

from renkei.core.pagination import PageParams
from renkei.core.params import Optional, Params, choice
from renkei.matching.models import Need
from renkei.networks.params import NetworkKey

NeedStatus = Annotated[str, *choice(Need.Status.values, description="A need's status.")]
GapTable = Annotated[str, *choice(("skills", "segments", "unmet"), description="Which table of the gaps.")]


class NeedFilter(Params):
    network: NetworkKey | Optional = None
    status: NeedStatus | Optional = None


class NeedListPage(NeedFilter, PageParams):
    pass


class GapsPage(Params):
    network: NetworkKey | Optional = None


class GapsCsv(Params):
    network: NetworkKey | Optional = None
    table: GapTable | Optional = None
