"""Access rules for organisations: a role at an organisation covers all of its units."""

from __future__ import annotations

from django.db import models

from renkei.accounts.models import ApiToken
from renkei.core import policy
from renkei.core.policy import Action, Actor
from renkei.organisations.models import Affiliation, GroupComponent, Identifier, Organisation, Person

RANK: dict[str, int] = {Affiliation.Role.VIEWER: 1, Affiliation.Role.EDITOR: 2, Affiliation.Role.ADMIN: 3}


def scope_organisation_ids(user: Actor | None) -> set[int] | None:
    """The organisations a scoped user (an API token) may act at: the scope's organisation and all of
    its units; None when the user acts in person, unscoped."""
    scope = policy.scope_of(user)
    if scope is None:
        return None
    cached = getattr(user, "_renkei_scope_orgs", None)
    if cached is not None:
        return cached
    inside = (
        {scope.organisation_id} if Organisation.objects.filter(pk=scope.organisation_id).exists() else set()
    )
    frontier = set(inside)
    while frontier:
        frontier = (
            set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - inside
        )
        inside |= frontier
    setattr(user, "_renkei_scope_orgs", inside)  # noqa: B010 (cached on this request's user object, not a model field)
    return inside


def organisation_roles(user: Actor | None) -> dict[int, int]:
    """Organisation id → highest role rank the user holds there, inherited down the unit tree. A scoped
    user (an API token) keeps only the ranks at the scope's organisation and its units."""
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
    inside = scope_organisation_ids(user)
    if inside is not None:
        ranks = {pk: rank for pk, rank in ranks.items() if pk in inside}
    setattr(user, "_renkei_org_roles", ranks)  # noqa: B010 (cached on this request's user object, not a model field)
    return ranks


def role_at(user: Actor | None, organisation_id: int | None) -> int:
    return organisation_roles(user).get(organisation_id, 0) if organisation_id else 0


def editable_organisation_ids(user: Actor | None) -> set[int]:
    return {pk for pk, rank in organisation_roles(user).items() if rank >= RANK[Affiliation.Role.EDITOR]}


def sees_editorial_notes(user: Actor | None) -> bool:
    """Editorial notes (how a record was read from its sources) are for staff and signed-in editors:
    superusers, staff, and anyone holding an editor or administrator role somewhere."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.is_staff or editable_organisation_ids(user))


def acting_organisation_id(user: Actor | None) -> int | None:
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
    """Everyone sees the registry. Editors change their organisation and its units; an administrator
    of the parent adds or removes units. Moving a unit to another parent is removing it from one and
    adding it to the other, so it takes an administrator of both; a top-level organisation is placed
    under another only by a superuser. (Registered with the secretariat's extension by the networks
    app: `renkei.networks.policy.OrganisationRulesWithSecretariat`.)"""

    def can(self, user: Actor | None, action: Action, obj: Organisation) -> bool:
        if action == Action.VIEW:
            return True
        if action == Action.CHANGE:
            return role_at(user, obj.pk) >= RANK[Affiliation.Role.EDITOR]
        return self._may_hold_units(user, obj.parent_id)

    def can_change(self, user: Actor | None, stored: Organisation, new: Organisation) -> bool:
        """Editing in place takes an editor; moving to another parent takes an administrator of the
        old parent and of the new one (a top-level organisation: a superuser)."""
        if not self.can(user, Action.CHANGE, stored):
            return False
        if stored.parent_id == new.parent_id:
            return True
        return self._may_hold_units(user, stored.parent_id) and self._may_hold_units(user, new.parent_id)

    @staticmethod
    def _may_hold_units(user: Actor | None, parent_id: int | None) -> bool:
        """Adding a unit to `parent_id` or removing one from it takes an administrator there."""
        return parent_id is not None and role_at(user, parent_id) >= RANK[Affiliation.Role.ADMIN]

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(editable_organisation_ids(user))


class OwnedByOrganisation:
    """Rows that belong to one organisation: its editors (or admins) write, everyone reads.

    `shown_at` names further organisation keys whose pages show the row (a group's component is
    listed on the member institution's page): writing takes an editor there too."""

    def __init__(
        self,
        owner_field: str,
        *,
        min_role: str = Affiliation.Role.EDITOR,
        private: bool = False,
        shown_at: tuple[str, ...] = (),
    ) -> None:
        self.owner_field = owner_field
        self.min_rank = RANK[min_role]
        self.private = private
        self.shown_at = shown_at

    def can(self, user: Actor | None, action: Action, obj: models.Model) -> bool:
        owner_id = getattr(obj, f"{self.owner_field}_id")
        if action == Action.VIEW:
            return not self.private or role_at(user, owner_id) >= self.min_rank or self._own(user, obj)
        return role_at(user, owner_id) >= self.min_rank and all(
            role_at(user, getattr(obj, f"{name}_id")) >= RANK[Affiliation.Role.EDITOR]
            for name in self.shown_at
        )

    def may_write_some(self, user: Actor | None) -> bool:
        return any(rank >= self.min_rank for rank in organisation_roles(user).values())

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        if not self.private:
            return queryset
        allowed = [pk for pk, rank in organisation_roles(user).items() if rank >= self.min_rank]
        mine = (
            models.Q(user_id=user.pk) if user is not None and user.is_authenticated else models.Q(pk__in=[])
        )
        inside = scope_organisation_ids(user)
        if inside is not None:
            mine &= models.Q(**{f"{self.owner_field}_id__in": inside})
        return queryset.filter(models.Q(**{f"{self.owner_field}_id__in": allowed}) | mine)

    def _own(self, user: Actor | None, obj: models.Model) -> bool:
        if user is None or not user.is_authenticated or getattr(obj, "user_id", None) != user.pk:
            return False
        inside = scope_organisation_ids(user)
        return inside is None or getattr(obj, f"{self.owner_field}_id") in inside


class ApiTokenRules:
    """A user sees, creates and revokes their own tokens, for an organisation where they hold a role
    (any role: the token carries no more than the role). A token never manages tokens. Registered
    here because a role is the registry's notion; the model lives in accounts, below it."""

    @staticmethod
    def _owner(user: Actor | None, obj: ApiToken) -> bool:
        return (
            user is not None
            and user.is_authenticated
            and policy.scope_of(user) is None
            and obj.user_id == user.pk
        )

    def can(self, user: Actor | None, action: Action, obj: ApiToken) -> bool:
        if not self._owner(user, obj):
            return False
        if action == Action.ADD:
            return role_at(user, obj.organisation_id) > 0
        return True

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        if user is None or not user.is_authenticated or policy.scope_of(user) is not None:
            return queryset.none()
        return queryset.filter(user_id=user.pk)

    def may_write_some(self, user: Actor | None) -> bool:
        return policy.scope_of(user) is None and bool(organisation_roles(user))


def token_organisations(user: Actor | None) -> models.QuerySet[Organisation]:
    """The organisations the user may scope a new token to: where they hold a role, or under one."""
    return Organisation.objects.filter(pk__in=list(organisation_roles(user))).order_by("key")


def register_rules() -> None:
    policy.register(ApiToken, ApiTokenRules())
    # Organisation's own rules are registered by the networks app (OrganisationRulesWithSecretariat).
    policy.register(Identifier, OwnedByOrganisation("organisation"))
    policy.register(GroupComponent, OwnedByOrganisation("group", shown_at=("member",)))
    policy.register(Person, OwnedByOrganisation("organisation"))
    policy.register(
        Affiliation, OwnedByOrganisation("organisation", min_role=Affiliation.Role.ADMIN, private=True)
    )
