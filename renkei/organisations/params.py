"""Query parameters of the organisation lists (API and pages), in the one typed layer."""

from __future__ import annotations

from typing import Annotated

from renkei.core.keys import KEY_PATTERN
from renkei.core.params import Optional, Params, choice, pattern, text
from renkei.organisations.models import Organisation, Prefecture

OrganisationKey = Annotated[
    str,
    *pattern(
        KEY_PATTERN,
        max_chars=120,
        description="An organisation's key.",
        examples=["tohoku-u", "utokyo.ipmu"],
    ),
]
OrganisationKind = Annotated[str, *choice(Organisation.Kind.values, description="Kind of organisation.")]
PrefectureCode = Annotated[
    str, *choice(Prefecture.values, description="JIS X 0401 prefecture code, e.g. 06 (Yamagata).")
]
CountryCode = Annotated[
    str,
    *pattern(r"[A-Za-z]{2}", max_chars=2, description="ISO 3166-1 alpha-2 country code.", examples=["JP"]),
]
NameSearch = Annotated[
    str,
    *text(
        max_chars=100,
        max_words=10,
        description="Words of the name (Japanese, kana or English), short name or code; all must match.",
    ),
]


class OrganisationFilter(Params):
    kind: OrganisationKind | Optional = None
    prefecture: PrefectureCode | Optional = None
    country: CountryCode | Optional = None
    parent: OrganisationKey | Optional = None
    q: NameSearch = ""
