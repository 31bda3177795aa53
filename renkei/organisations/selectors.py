"""Reads of the organisation registry, always filtered by the policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

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


K = Organisation.Kind
# The order of the public directory: universities and other higher education first, then public
# bodies, associations and the rest (units come last: they are listed on their parent's page).
KIND_ORDER = [
    K.UNIVERSITY,
    K.JUNIOR_COLLEGE,
    K.TECHNICAL_COLLEGE,
    K.OTHER_HEI,
    K.INSTITUTION_GROUP,
    K.RESEARCH_ORGANISATION,
    K.GOVERNMENT_BODY,
    K.AGENCY,
    K.PREFECTURE,
    K.MUNICIPALITY,
    K.BUSINESS_ASSOCIATION,
    K.PROFESSIONAL_ASSOCIATION,
    K.BANKERS_ASSOCIATION,
    K.MEDICAL_ASSOCIATION,
    K.COMPANY,
    K.OTHER,
    K.FACULTY,
    K.GRADUATE_SCHOOL,
    K.INSTITUTE,
    K.CENTRE,
    K.HOSPITAL,
    K.OFFICE,
]


def organisation_directory(
    *, user: Any, kind: str | None = None, q: str | None = None, top_level: bool = True
) -> QuerySet[Organisation]:
    """Organisations for the public directory, grouped by kind in `KIND_ORDER` (universities first),
    Japanese ones first within a kind, then by country and reading. Only top-level ones unless a kind or a name is asked for."""
    qs = organisation_list(user=user, kind=kind, q=q)
    if top_level and not kind and not (q or "").strip():
        qs = qs.filter(parent__isnull=True)
    rank = Case(
        *(When(kind=value, then=Value(i)) for i, value in enumerate(KIND_ORDER)),
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )
    abroad = Case(When(country="JP", then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(kind_rank=rank, abroad=abroad).order_by(
        "kind_rank", "abroad", "country", "name_kana", "name_ja", "pk"
    )


def featured_universities(*, user: Any, limit: int = 8) -> list[Organisation]:
    """Ways in from the home page: the Japanese universities with the most recorded about them
    (units, network memberships and roles), most first."""
    qs = (
        policy.visible(user, Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY, country="JP"))
        .filter(parent__isnull=True)
        .annotate(
            unit_count=Count("units", distinct=True),
            membership_count=Count("memberships", distinct=True),
        )
        .filter(Q(unit_count__gt=0) | Q(membership_count__gt=0))
        .order_by("-unit_count", "-membership_count", "name_kana", "pk")
    )
    return list(qs[:limit])


def organisation_names(*, user: Any) -> list[tuple[str, str]]:
    """(name, key) of the top-level organisations, in both languages, longest name first: what a
    public text may mention and link to (`renkei.portal.linking`)."""
    rows = policy.visible(user, Organisation.objects.filter(parent__isnull=True)).values_list(
        "key", "name_ja", "name_en"
    )
    names = [(name, key) for key, *both in rows for name in both if name and len(name) >= 3]
    return sorted(names, key=lambda pair: -len(pair[0]))
