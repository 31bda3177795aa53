"""Reads of the organisation registry, always filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from renkei.core import policy
from renkei.core.pagination import Key, Keyset
from renkei.core.text_match import matching_pks
from renkei.organisations.models import GroupComponent, Organisation
from renkei.organisations.policy import acting_organisation_id
from renkei.text import parse_query

ORGANISATION_KEYSET = Keyset("organisations", Key("kind"), Key("name_kana"), Key("pk"))
NAME_COLUMNS = ("name_ja", "name_en", "name_kana", "short_name_ja", "short_name_en", "code")


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
        qs = qs.filter(pk__in=matching_pks(qs, query, NAME_COLUMNS))
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


def organisation_renamed(*, user: Any, key: str) -> Organisation | None:
    """The organisation an old key now names: municipalities were once keyed under their prefecture
    (`yamagata-pref.yamagata-city`, see migration 0003); their pages moved to `yamagata-city`."""
    if "." not in key:
        return None
    prefix, _, rest = key.partition(".")
    return (
        policy.visible(user, Organisation.objects.all())
        .filter(key=rest, kind=Organisation.Kind.MUNICIPALITY, prefecture__isnull=False)
        .filter(prefecture__in=Organisation.objects.filter(key=prefix).values("prefecture"))
        .first()
    )


def local_governments_in(*, user: Any, organisation: Organisation) -> list[Organisation]:
    """The municipalities located in a prefecture (an organisation of kind prefecture), by code."""
    if organisation.kind != Organisation.Kind.PREFECTURE or not organisation.prefecture:
        return []
    return list(
        policy.visible(user, Organisation.objects.all())
        .filter(kind=Organisation.Kind.MUNICIPALITY, prefecture=organisation.prefecture)
        .order_by("municipality_code", "pk")
    )
