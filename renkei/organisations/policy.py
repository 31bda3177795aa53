"""Access rules for organisations: a role at an organisation covers all of its units."""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.core import policy
from renkei.core.policy import Action
from renkei.organisations.models import Affiliation, GroupComponent, Identifier, Organisation, Person

RANK = {Affiliation.Role.VIEWER: 1, Affiliation.Role.EDITOR: 2, Affiliation.Role.ADMIN: 3}


def organisation_roles(user: Any) -> dict[int, int]:
    """Organisation id → highest role rank the user holds there, inherited down the unit tree."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = getattr(user, "_renkei_org_roles", None)
    if cached is not None:
        return cached
    ranks: dict[int, int] = {}
    for organisation_id, role in Affiliation.objects.filter(user=user).values_list("organisation_id", "role"):
        ranks[organisation_id] = max(ranks.get(organisation_id, 0), RANK[role])
    frontier = dict(ranks)
    while frontier:
        children = Organisation.objects.filter(parent_id__in=frontier).values_list("pk", "parent_id")
        next_frontier: dict[int, int] = {}
        for child_id, parent_id in children:
            rank = frontier[parent_id]
            if ranks.get(child_id, 0) < rank:
                ranks[child_id] = next_frontier[child_id] = rank
        frontier = next_frontier
    user._renkei_org_roles = ranks
    return ranks


def role_at(user: Any, organisation_id: int | None) -> int:
    return organisation_roles(user).get(organisation_id, 0) if organisation_id else 0


def editable_organisation_ids(user: Any) -> set[int]:
    return {pk for pk, rank in organisation_roles(user).items() if rank >= RANK[Affiliation.Role.EDITOR]}


def acting_organisation_id(user: Any) -> int | None:
    """The organisation the user writes on behalf of, for the audit log: the university (the root of the
    organisation tree) where they hold an editor or administrator role, if there is exactly one. None
    for superusers without such a role, or for editors of several universities; each audit entry then
    names its row's own organisation."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    affiliations = Affiliation.objects.filter(
        user=user, role__in=[Affiliation.Role.EDITOR, Affiliation.Role.ADMIN]
    ).select_related("organisation")
    roots = {affiliation.organisation.root_id() for affiliation in affiliations}
    return roots.pop() if len(roots) == 1 else None


class OrganisationRules:
    """Everyone sees the registry. Editors change their organisation and its units; admins add units."""

    def can(self, user: Any, action: Action, obj: Organisation) -> bool:
        if action == Action.VIEW:
            return True
        if action == Action.CHANGE:
            return role_at(user, obj.pk) >= RANK[Affiliation.Role.EDITOR]
        # adding or removing a unit takes an administrator of the parent organisation
        return obj.parent_id is not None and role_at(user, obj.parent_id) >= RANK[Affiliation.Role.ADMIN]

    def visible(self, user: Any, queryset: models.QuerySet) -> models.QuerySet:
        return queryset


class OwnedByOrganisation:
    """Rows that belong to one organisation: its editors (or admins) write, everyone reads."""

    def __init__(
        self, owner_field: str, *, min_role: str = Affiliation.Role.EDITOR, private: bool = False
    ) -> None:
        self.owner_field = owner_field
        self.min_rank = RANK[min_role]
        self.private = private

    def can(self, user: Any, action: Action, obj: models.Model) -> bool:
        owner_id = getattr(obj, f"{self.owner_field}_id")
        if action == Action.VIEW:
            return not self.private or role_at(user, owner_id) >= self.min_rank or self._own(user, obj)
        return role_at(user, owner_id) >= self.min_rank

    def visible(self, user: Any, queryset: models.QuerySet) -> models.QuerySet:
        if not self.private:
            return queryset
        allowed = [pk for pk, rank in organisation_roles(user).items() if rank >= self.min_rank]
        mine = (
            models.Q(user_id=user.pk) if user is not None and user.is_authenticated else models.Q(pk__in=[])
        )
        return queryset.filter(models.Q(**{f"{self.owner_field}_id__in": allowed}) | mine)

    @staticmethod
    def _own(user: Any, obj: models.Model) -> bool:
        return user is not None and user.is_authenticated and getattr(obj, "user_id", None) == user.pk


def register_rules() -> None:
    policy.register(Organisation, OrganisationRules())
    policy.register(Identifier, OwnedByOrganisation("organisation"))
    policy.register(GroupComponent, OwnedByOrganisation("group"))
    policy.register(Person, OwnedByOrganisation("organisation"))
    policy.register(
        Affiliation, OwnedByOrganisation("organisation", min_role=Affiliation.Role.ADMIN, private=True)
    )
