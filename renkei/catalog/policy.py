"""Access rules for the catalog.

Programs and teaching content belong to their provider: editors of the provider (or of a parent
organisation, or of the unit running a program) write them; everyone sees published rows; drafts and
archived rows are seen by the provider's own users and, for programs, by the secretariat of every
network the program is shared with. Joint curricula are network records kept by the secretariat.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.catalog.models import (
    CurriculumUnit,
    JointCurriculum,
    Program,
    ProgramRun,
    Status,
    TeachingContent,
)
from renkei.core import policy
from renkei.core.policy import Action, Actor
from renkei.networks import policy as network_policy
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Affiliation

EDITOR = organisation_policy.RANK[Affiliation.Role.EDITOR]


def _member_ids(user: Actor | None) -> list[int]:
    """Organisations where the user holds any role (inherited down the unit tree)."""
    return list(organisation_policy.organisation_roles(user))


class ProviderOwnedRules:
    """Write: editors of the provider (or its parent, or the row's unit). Read: published rows for all."""

    unit_field: str | None = None

    def _rank(self, user: Actor | None, obj: Any) -> int:
        rank = organisation_policy.role_at(user, obj.provider_id)
        if self.unit_field:
            rank = max(rank, organisation_policy.role_at(user, getattr(obj, f"{self.unit_field}_id")))
        return rank

    def _insider(self, user: Actor | None, obj: Any) -> bool:
        return self._rank(user, obj) > 0

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        if action == Action.VIEW:
            return obj.status == Status.PUBLISHED or self._insider(user, obj)
        return self._rank(user, obj) >= EDITOR

    def visibility_q(self, user: Actor | None) -> models.Q:
        """A filter usable on the model and on any table with the same `status`/`provider_id` columns."""
        q = models.Q(status=Status.PUBLISHED)
        ids = _member_ids(user)
        if ids:
            q |= models.Q(provider_id__in=ids)
            if self.unit_field:
                q |= models.Q(**{f"{self.unit_field}_id__in": ids})
        return q

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(self.visibility_q(user))

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(organisation_policy.editable_organisation_ids(user))


class ProgramRules(ProviderOwnedRules):
    unit_field = "unit"

    def _insider(self, user: Actor | None, obj: Any) -> bool:
        if super()._insider(user, obj):
            return True
        staff = network_policy.staff_network_ids(user)
        return bool(staff) and obj.shared_with.filter(pk__in=staff).exists()

    def visibility_q(self, user: Actor | None) -> models.Q:
        q = super().visibility_q(user)
        staff = network_policy.staff_network_ids(user)
        if staff:
            shared = Program.shared_with.through.objects.filter(network_id__in=staff).values("program_id")
            q |= models.Q(pk__in=shared)
        return q


class ProgramRunRules:
    """A run is seen and written with its program."""

    def can(self, user: Actor | None, action: Action, obj: ProgramRun) -> bool:
        program = obj.program
        if action == Action.VIEW:
            return policy.can(user, Action.VIEW, program)
        return policy.can(user, Action.CHANGE, program)

    def may_write_some(self, user: Actor | None) -> bool:
        return policy.rules_for(Program).may_write_some(user)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        q = program_visibility_q(user)
        if q is None:
            return queryset
        return queryset.filter(program__in=Program.objects.filter(q).values("pk"))


def program_visibility_q(user: Actor | None) -> models.Q | None:
    """The policy's filter for programs as a Q over `status`/`provider_id`/`unit_id`/`pk`; None = all."""
    if policy.is_superuser(user):
        return None
    rules = policy.rules_for(Program)
    if isinstance(rules, ProgramRules):
        return rules.visibility_q(user)
    return models.Q(pk__in=rules.visible(user, Program.objects.all()).values("pk"))


def register_rules() -> None:
    policy.register(Program, ProgramRules())
    policy.register(ProgramRun, ProgramRunRules())
    policy.register(TeachingContent, ProviderOwnedRules())
    policy.register(JointCurriculum, network_policy.NetworkRecordRules("network"))
    policy.register(CurriculumUnit, network_policy.NetworkRecordRules("curriculum__network"))


def may_share(user: Actor | None, program: Program, networks: list[Any]) -> bool:
    """Sharing a program with a network shows it on that network's pages, so each network newly
    added must be one the provider currently belongs to, or one whose secretariat the user keeps."""
    if policy.is_superuser(user):
        return True
    current = set(program.shared_with.values_list("pk", flat=True)) if program.pk else set()
    added = {network.pk for network in networks} - current
    if not added:
        return True
    provider = program.provider
    members = {provider.pk, provider.root_id() or provider.pk}
    allowed = network_policy.staff_network_ids(user) | network_policy.current_network_ids(
        members, among=added
    )
    return added <= allowed
