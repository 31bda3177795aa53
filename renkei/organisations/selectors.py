"""Reads of the organisation registry, always filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from renkei.core import policy
from renkei.organisations.models import Affiliation, GroupComponent, Organisation


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
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(name_ja__icontains=q)
            | Q(name_en__icontains=q)
            | Q(name_kana__icontains=q)
            | Q(code=q)
            | Q(short_name_ja__icontains=q)
            | Q(short_name_en__icontains=q)
        )
    return (
        qs.select_related("parent")
        .prefetch_related("identifiers", "sources")
        .order_by("kind", "name_kana", "pk")
    )


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
    """The organisation a user works on behalf of: the one they edit by affiliation, if exactly one."""
    if user is None or not user.is_authenticated:
        return None
    ids = set(
        Affiliation.objects.filter(
            user=user, role__in=[Affiliation.Role.EDITOR, Affiliation.Role.ADMIN]
        ).values_list("organisation_id", flat=True)
    )
    return Organisation.objects.filter(pk=ids.pop()).first() if len(ids) == 1 else None
