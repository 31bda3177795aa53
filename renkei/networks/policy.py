"""Access rules for networks: the secretariat keeps a network's records; members read them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from renkei.core import policy
from renkei.core.policy import Action, Actor
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
    NetworkStaff,
    Post,
    Tenure,
)
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Organisation


def staff_network_ids(user: Actor | None) -> set[int]:
    """Networks whose records the user keeps: named secretariat staff, or an editor at the
    organisation that currently serves as the network's secretariat. A scoped user (an API token of
    one organisation) keeps a network only when that network's current secretariat is the scope's
    organisation or one of its units: a personal staff role elsewhere does not travel with the token."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_renkei_staff_networks", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    ids = set(NetworkStaff.objects.filter(user=user).values_list("network_id", flat=True))
    inside = organisation_policy.scope_organisation_ids(user)
    if inside is not None and ids:
        run_here = Membership.objects.filter(
            role=Membership.Role.SECRETARIAT, organisation_id__in=inside, network_id__in=ids
        )
        ids = {m.network_id for m in run_here if m.is_current(today)}
    editable = organisation_policy.editable_organisation_ids(user)
    if editable:
        secretariats = Membership.objects.filter(
            role=Membership.Role.SECRETARIAT, organisation_id__in=editable
        )
        ids |= {m.network_id for m in secretariats if m.is_current(today)}
    setattr(user, "_renkei_staff_networks", ids)  # noqa: B010 (cached on this request's user object, not a model field)
    return ids


def current_network_ids(organisation_ids: Iterable[int], *, among: Iterable[int] | None = None) -> set[int]:
    """Networks that any of these organisations currently belongs to (optionally only `among` these)."""
    rows = Membership.objects.filter(organisation_id__in=list(organisation_ids))
    if among is not None:
        rows = rows.filter(network_id__in=list(among))
    today = timezone.localdate()
    return {m.network_id for m in rows if m.is_current(today)}


def member_network_ids(user: Actor | None) -> set[int]:
    """Networks the user's organisations currently belong to (any role)."""
    ids = set(staff_network_ids(user))
    roles = organisation_policy.organisation_roles(user)
    if roles:
        ids |= current_network_ids(roles)
    return ids


class NetworkRules:
    def can(self, user: Actor | None, action: Action, obj: Network) -> bool:
        if action == Action.VIEW:
            return True
        return action == Action.CHANGE and obj.pk in staff_network_ids(user)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(staff_network_ids(user))


class NetworkRecordRules:
    """Public governance records: the network's secretariat writes them. `network_path` is the
    lookup from the record to its network ('network', 'body__network', 'post__body__network')."""

    def __init__(self, network_path: str = "network") -> None:
        self.network_path = network_path

    def can(self, user: Actor | None, action: Action, obj: models.Model) -> bool:
        if action == Action.VIEW:
            return True
        return policy.related_id(obj, self.network_path) in staff_network_ids(user)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(staff_network_ids(user))


class MeetingRecordRules(NetworkRecordRules):
    """Meetings are public when marked so; otherwise seen by the network's members and secretariat."""

    def __init__(self, meeting_path: str) -> None:
        self.meeting_path = meeting_path
        super().__init__(f"{meeting_path}__body__network" if meeting_path else "body__network")

    def can(self, user: Actor | None, action: Action, obj: models.Model) -> bool:
        if action == Action.VIEW:
            meeting = policy.follow(obj, self.meeting_path)
            if not isinstance(meeting, Meeting):
                raise TypeError(f"{self.meeting_path!r} does not lead from {type(obj).__name__} to a meeting")
            return meeting.is_public or meeting.body.network_id in member_network_ids(user)
        return super().can(user, action, obj)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        prefix = f"{self.meeting_path}__" if self.meeting_path else ""
        return queryset.filter(
            models.Q(**{f"{prefix}is_public": True})
            | models.Q(**{f"{prefix}body__network_id__in": member_network_ids(user)})
        )


class NetworkStaffRules:
    """The secretariat sees and manages its own staff list."""

    def can(self, user: Actor | None, action: Action, obj: NetworkStaff) -> bool:
        return obj.network_id in staff_network_ids(user)

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(staff_network_ids(user))

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(network_id__in=staff_network_ids(user))


class OrganisationRulesWithSecretariat(organisation_policy.OrganisationRules):
    """Secretariat staff may register a new top-level organisation (a prospective member)."""

    def can(self, user: Actor | None, action: Action, obj: Organisation) -> bool:
        if action == Action.ADD and obj.parent_id is None and staff_network_ids(user):
            return True
        return super().can(user, action, obj)

    def may_write_some(self, user: Actor | None) -> bool:
        return super().may_write_some(user) or bool(staff_network_ids(user))


def register_rules() -> None:
    policy.register(Organisation, OrganisationRulesWithSecretariat())
    policy.register(Network, NetworkRules())
    policy.register(NetworkStaff, NetworkStaffRules())
    for model in (Membership, DeclaredCount, Document, Body):
        policy.register(model, NetworkRecordRules("network"))
    policy.register(DocumentVersion, NetworkRecordRules("document__network"))
    policy.register(BodyParticipant, NetworkRecordRules("body__network"))
    policy.register(Post, NetworkRecordRules("body__network"))
    policy.register(Tenure, NetworkRecordRules("post__body__network"))
    policy.register(Meeting, MeetingRecordRules(""))
    for meeting_part in (AgendaItem, Attendance, Decision):
        policy.register(meeting_part, MeetingRecordRules("meeting"))
