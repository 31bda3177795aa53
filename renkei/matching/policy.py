"""Access rules for needs and matching.

- **Coordinators** are the secretariat of a network (`networks.policy.staff_network_ids`): they keep
  the network's surveys, invitations, hearings, matching runs, target segments and proposals, and see
  every response, need and match of the network.
- **Employers** are the people of the respondent organisation (a role there, inherited down its
  units): they see their own answers, needs and matches only; its editors write their needs.
- Nobody else sees any of it: not the public, not another employer, not another network's staff.

An invited respondent without an account answers through the survey link, whose token is the
credential (`renkei.matching.services.invitation_for_token`); the writes are then the system's.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.core import policy
from renkei.core.policy import Action, Actor
from renkei.matching.models import (
    EmployerProfile,
    Hearing,
    Invitation,
    Match,
    MatchRun,
    Need,
    NeedSkill,
    Proposal,
    Question,
    Response,
    Survey,
    SurveySection,
    TargetSegment,
)
from renkei.networks import policy as network_policy
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Affiliation

EDITOR = organisation_policy.RANK[Affiliation.Role.EDITOR]


def coordinator_network_ids(user: Actor | None) -> set[int]:
    return network_policy.staff_network_ids(user)


class CoordinatorRules:
    """Rows of a network that only its coordinators see and write (`network_path` leads to it)."""

    def __init__(self, network_path: str = "network") -> None:
        self.network_path = network_path

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        return policy.related_id(obj, self.network_path) in coordinator_network_ids(user)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(**{f"{self.network_path}_id__in": coordinator_network_ids(user)})

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(coordinator_network_ids(user))


class EmployerOrCoordinatorRules:
    """Rows of one employer in one network: the employer's people see them (its editors write them),
    and so do the network's coordinators."""

    def __init__(self, organisation_path: str, network_path: str) -> None:
        self.organisation_path = organisation_path
        self.network_path = network_path

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        if policy.related_id(obj, self.network_path) in coordinator_network_ids(user):
            return True
        rank = organisation_policy.role_at(user, policy.related_id(obj, self.organisation_path))
        return rank > 0 if action == Action.VIEW else rank >= EDITOR

    def visibility_q(self, user: Actor | None) -> models.Q:
        own = list(organisation_policy.organisation_roles(user))
        return models.Q(**{f"{self.organisation_path}_id__in": own}) | models.Q(
            **{f"{self.network_path}_id__in": coordinator_network_ids(user)}
        )

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(self.visibility_q(user))

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(coordinator_network_ids(user)) or bool(
            organisation_policy.editable_organisation_ids(user)
        )


class EmployerProfileRules:
    """An employer's profile: its people see it (editors write it); so do the coordinators of a network
    it was invited to or has needs in."""

    @staticmethod
    def _coordinated(user: Actor | None, organisation_id: int) -> bool:
        networks = coordinator_network_ids(user)
        if not networks:
            return False
        return (
            Need.objects.filter(organisation_id=organisation_id, network_id__in=networks).exists()
            or Invitation.objects.filter(
                organisation_id=organisation_id, survey__network_id__in=networks
            ).exists()
        )

    def can(self, user: Actor | None, action: Action, obj: EmployerProfile) -> bool:
        rank = organisation_policy.role_at(user, obj.organisation_id)
        if rank >= EDITOR or (action == Action.VIEW and rank > 0):
            return True
        return self._coordinated(user, obj.organisation_id)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        networks = coordinator_network_ids(user)
        q = models.Q(organisation_id__in=list(organisation_policy.organisation_roles(user)))
        if networks:
            q |= models.Q(organisation__needs__network_id__in=networks)
            q |= models.Q(organisation__survey_invitations__survey__network_id__in=networks)
        return queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(coordinator_network_ids(user)) or bool(
            organisation_policy.editable_organisation_ids(user)
        )


class MatchRules:
    """A match is seen by the run's coordinators and by the employer whose need it answers; written by
    the run's coordinators (through the run)."""

    def can(self, user: Actor | None, action: Action, obj: Match) -> bool:
        if obj.run.network_id in coordinator_network_ids(user):
            return True
        return action == Action.VIEW and organisation_policy.role_at(user, obj.need.organisation_id) > 0

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(
            models.Q(run__network_id__in=coordinator_network_ids(user))
            | models.Q(need__organisation_id__in=list(organisation_policy.organisation_roles(user)))
        )

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(coordinator_network_ids(user))


NEED_RULES = EmployerOrCoordinatorRules("organisation", "network")


def register_rules() -> None:
    policy.register(Survey, CoordinatorRules("network"))
    policy.register(SurveySection, CoordinatorRules("survey__network"))
    policy.register(Question, CoordinatorRules("survey__network"))
    policy.register(Invitation, CoordinatorRules("survey__network"))
    policy.register(Hearing, CoordinatorRules("network"))
    policy.register(MatchRun, CoordinatorRules("network"))
    policy.register(TargetSegment, CoordinatorRules("network"))
    policy.register(Proposal, CoordinatorRules("network"))
    policy.register(Response, EmployerOrCoordinatorRules("organisation", "survey__network"))
    policy.register(Need, NEED_RULES)
    policy.register(NeedSkill, EmployerOrCoordinatorRules("need__organisation", "need__network"))
    policy.register(EmployerProfile, EmployerProfileRules())
    policy.register(Match, MatchRules())
