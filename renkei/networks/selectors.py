"""Reads of networks and their governance, always filtered by the policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from renkei.core import policy
from renkei.core.pagination import Key, Keyset
from renkei.networks.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyParticipant,
    Decision,
    DeclaredCount,
    Document,
    DocumentVersion,
    Meeting,
    Membership,
    Network,
    Post,
    Tenure,
)
from renkei.organisations.models import Organisation

NETWORK_KEYSET = Keyset("networks", Key("founded_on", nullable=True), Key("pk"))
MEMBERSHIP_KEYSET = Keyset(
    "memberships", Key("network__founded_on", nullable=True), Key("network_id"), Key("role"), Key("pk")
)


def _current_member_filter(prefix: str = "memberships__") -> Q:
    today = timezone.localdate()
    return (Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": today})) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today})
    )


def network_list(*, user: Any) -> QuerySet[Network]:
    member_filter = Q(memberships__role=Membership.Role.MEMBER) & _current_member_filter()
    return NETWORK_KEYSET.order(
        policy.visible(user, Network.objects.all())
        .annotate(member_count=Count("memberships", filter=member_filter, distinct=True))
        .prefetch_related(
            "sources", Prefetch("declared_counts", queryset=DeclaredCount.objects.order_by("sort_order"))
        )
    )


def network_get(*, user: Any, key: str) -> Network:
    return network_list(user=user).get(key=key)


def membership_list(
    *,
    user: Any,
    network: str | None = None,
    organisation: str | None = None,
    role: str | None = None,
    current: bool | None = None,
) -> QuerySet[Membership]:
    qs = policy.visible(user, Membership.objects.all())
    if network:
        qs = qs.filter(network__key=network)
    if organisation:
        qs = qs.filter(organisation__key=organisation)
    if role:
        qs = qs.filter(role=role)
    if current is True:
        qs = qs.filter(_current_member_filter(prefix=""))
    return MEMBERSHIP_KEYSET.order(qs.select_related("network", "organisation", "on_behalf_of", "source"))


@dataclass(frozen=True)
class NetworkPage:
    """Everything the network page shows, loaded in a fixed number of queries."""

    network: Network
    memberships: list[Membership]
    bodies: list[Body]
    documents: list[Document]
    meetings: list[Meeting]
    kind_counts: list[tuple[str, int]]

    @property
    def member_count(self) -> int:
        """Distinct organisations listed as members (the secretariat row is not a second member)."""
        return len({m.organisation_id for m in self.memberships if m.role == Membership.Role.MEMBER})


def network_page(*, user: Any, key: str) -> NetworkPage:
    network = network_get(user=user, key=key)
    memberships = list(membership_list(user=user, network=key).select_related("organisation__parent"))
    tenures = Tenure.objects.select_related("person", "on_behalf_of").order_by("-start_date")
    bodies = list(
        policy.visible(user, Body.objects.filter(network=network))
        .select_related("reports_to_body", "reports_to_post", "hosted_by__parent", "source")
        .prefetch_related(
            # django-stubs 5.2 loses Prefetch's type variables on a manager made by as_manager()
            # (fixed in django-stubs 6, PR 3263); the ignore goes when that stubs version is ours.
            Prefetch("posts", queryset=Post.objects.prefetch_related(Prefetch("tenures", queryset=tenures))),  # type: ignore[arg-type]
            Prefetch("participants", queryset=BodyParticipant.objects.select_related("organisation")),
        )
    )
    documents = list(
        policy.visible(user, Document.objects.filter(network=network)).prefetch_related(
            Prefetch(
                "versions", queryset=DocumentVersion.objects.select_related("source").order_by("-number")
            )
        )
    )
    meetings = list(
        policy.visible(user, Meeting.objects.filter(body__network=network))
        .select_related("body")
        .prefetch_related("agenda_items", "decisions", "attendances__organisation")
    )
    kinds: dict[str, int] = {}
    for membership in memberships:
        if membership.role == Membership.Role.MEMBER:
            label = Organisation.Kind(membership.organisation.kind).label
            kinds[str(label)] = kinds.get(str(label), 0) + 1
    return NetworkPage(
        network=network,
        memberships=memberships,
        bodies=bodies,
        documents=documents,
        meetings=meetings,
        kind_counts=sorted(kinds.items(), key=lambda item: -item[1]),
    )


def organisation_memberships(*, user: Any, organisation: Organisation) -> list[Membership]:
    ids = [organisation.pk, *(unit.pk for unit in organisation.units.all())]
    return list(
        policy.visible(user, Membership.objects.filter(organisation_id__in=ids))
        .select_related("network", "organisation", "source")
        .order_by("network__founded_on", "pk")
    )


def organisation_body_participations(*, user: Any, organisation: Organisation) -> list[BodyParticipant]:
    return list(
        policy.visible(user, BodyParticipant.objects.filter(organisation=organisation)).select_related(
            "body__network"
        )
    )


# --- governance records for the API: bodies, posts, documents, meetings -----------------------------------

BODY_KEYSET = Keyset("bodies", Key("network_id"), Key("sort_order"), Key("pk"))
POST_KEYSET = Keyset("posts", Key("body_id"), Key("sort_order"), Key("pk"))
DOCUMENT_KEYSET = Keyset("documents", Key("network_id"), Key("pk"))
MEETING_KEYSET = Keyset("meetings", Key("held_on", descending=True), Key("pk"))


def body_list(*, user: Any, network: str | None = None, kind: str | None = None) -> QuerySet[Body]:
    qs = policy.visible(user, Body.objects.all())
    if network:
        qs = qs.filter(network__key=network)
    if kind:
        qs = qs.filter(kind=kind)
    return BODY_KEYSET.order(
        qs.select_related("network", "reports_to_body", "hosted_by", "source").prefetch_related(
            Prefetch(
                "participants",
                queryset=policy.visible(user, BodyParticipant.objects.all())
                .select_related("organisation")
                .order_by("sort_order", "pk"),
            )
        )
    )


def body_get(*, user: Any, network: str, key: str) -> Body:
    return body_list(user=user, network=network).get(key=key)


def post_list(*, user: Any, network: str | None = None, body: str | None = None) -> QuerySet[Post]:
    qs = policy.visible(user, Post.objects.all())
    if network:
        qs = qs.filter(body__network__key=network)
    if body:
        qs = qs.filter(body__key=body)
    tenures = policy.visible(user, Tenure.objects.all()).select_related("person", "on_behalf_of")
    return POST_KEYSET.order(
        qs.select_related("body__network", "source").prefetch_related(
            Prefetch("tenures", queryset=tenures.order_by("-start_date", "pk"))
        )
    )


def document_list(*, user: Any, network: str | None = None, kind: str | None = None) -> QuerySet[Document]:
    qs = policy.visible(user, Document.objects.all())
    if network:
        qs = qs.filter(network__key=network)
    if kind:
        qs = qs.filter(kind=kind)
    versions = policy.visible(user, DocumentVersion.objects.all()).select_related("source")
    return DOCUMENT_KEYSET.order(
        qs.select_related("network").prefetch_related(
            Prefetch("versions", queryset=versions.order_by("-number"))
        )
    )


def document_get(*, user: Any, pk: int) -> Document:
    return document_list(user=user).get(pk=pk)


def meeting_list(
    *, user: Any, network: str | None = None, body: str | None = None, public: bool | None = None
) -> QuerySet[Meeting]:
    qs = policy.visible(user, Meeting.objects.all())
    if network:
        qs = qs.filter(body__network__key=network)
    if body:
        qs = qs.filter(body__key=body)
    if public is not None:
        qs = qs.filter(is_public=public)
    return MEETING_KEYSET.order(qs.select_related("body__network", "source"))


def meeting_get(*, user: Any, pk: int) -> Meeting:
    return (
        meeting_list(user=user)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("number")),
            Prefetch("decisions", queryset=Decision.objects.select_related("agenda_item").order_by("pk")),
            Prefetch(
                "attendances", queryset=Attendance.objects.select_related("organisation").order_by("pk")
            ),
        )
        .get(pk=pk)
    )
