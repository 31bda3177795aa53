"""Reads of the organisation registry, always filtered by the policy."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Prefetch, QuerySet

from renkei.core import policy
from renkei.core.pagination import Key, Keyset
from renkei.organisations.models import GroupComponent, Organisation
from renkei.organisations.policy import acting_organisation_id
from renkei.text import Query, index_terms, matches, parse_query

ORGANISATION_KEYSET = Keyset("organisations", Key("kind"), Key("name_kana"), Key("pk"))
NAME_COLUMNS = ("name_ja", "name_en", "name_kana", "short_name_ja", "short_name_en", "code")


@functools.lru_cache(maxsize=65536)
def _name_terms(text: str) -> frozenset[str]:
    """The index terms of one name (names are short and recur: memoised per process)."""
    return frozenset(index_terms(text))


def _matching_names(qs: QuerySet[Organisation], query: Query) -> list[int]:
    """The organisations of `qs` whose names, kana, short names or code match `query`: the catalog's
    text pipeline (normalised terms, Japanese bigrams, Sudachi forms), evaluated on the names."""
    found = []
    for pk, *texts in qs.order_by().values_list("pk", *NAME_COLUMNS):
        terms = frozenset().union(*(_name_terms(text) for text in texts if text))
        if matches(query, terms):
            found.append(pk)
    return found


def organisation_list(
    *,
    user: Any,
    kind: str | None = None,
    prefecture: str | None = None,
    country: str | None = None,
    parent: str | None = None,
    q: str | None = None,
) -> QuerySet[Organisation]:
    qs = policy.visible(user, Organisation.objects.all())
    if kind:
        qs = qs.filter(kind=kind)
    if prefecture:
        qs = qs.filter(prefecture=prefecture)
    if country:
        qs = qs.filter(country=country.upper())
    if parent:
        qs = qs.filter(parent__key=parent)
    query = parse_query(q or "")
    if not query.is_empty:
        qs = qs.filter(pk__in=_matching_names(qs, query))
    return ORGANISATION_KEYSET.order(qs.select_related("parent").prefetch_related("identifiers", "sources"))


def organisation_get(*, user: Any, key: str) -> Organisation:
    qs = (
        policy.visible(user, Organisation.objects.all())
        .select_related("parent")
        .prefetch_related(
            "identifiers",
            "sources",
            Prefetch("units", queryset=Organisation.objects.order_by("pk")),
            Prefetch("components", queryset=GroupComponent.objects.select_related("member")),
            Prefetch("groups", queryset=GroupComponent.objects.select_related("group")),
        )
    )
    return qs.get(key=key)


def organisation_acting_for(user: Any) -> Organisation | None:
    """The organisation a user works on behalf of (`policy.acting_organisation_id`), as a row."""
    pk = acting_organisation_id(user)
    return None if pk is None else Organisation.objects.filter(pk=pk).first()
