"""Access rules for initiatives, indicators and reports.

Every record here has an owner: an organisation or a network (an indicator, target or actual through
its initiative when it has one). Editors of the owning organisation (or of a parent) and the network's
secretariat write them. Initiatives, evaluations, indicators and targets are public; an actual is
public once published, and until then seen only by its owners (anyone with a role at the owning
organisation, or the network's secretariat). Reports are seen by their owners.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.core import policy
from renkei.core.policy import Action, Actor
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Report, Target
from renkei.networks import policy as network_policy
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Affiliation

EDITOR = organisation_policy.RANK[Affiliation.Role.EDITOR]


def owner_rank(user: Actor | None, obj: Any) -> tuple[int, bool]:
    """(rank at the owning organisation, whether the user keeps the owning network)."""
    organisation_id, network_id = obj.owner_ids()
    rank = organisation_policy.role_at(user, organisation_id)
    staff = network_id is not None and network_id in network_policy.staff_network_ids(user)
    return rank, staff


def is_owner(user: Actor | None, obj: Any) -> bool:
    if policy.is_superuser(user):
        return True
    rank, staff = owner_rank(user, obj)
    return rank > 0 or staff


def may_write(user: Actor | None, obj: Any) -> bool:
    rank, staff = owner_rank(user, obj)
    return rank >= EDITOR or staff


def _may_write_some(user: Actor | None) -> bool:
    return bool(organisation_policy.editable_organisation_ids(user) or network_policy.staff_network_ids(user))


def owner_q(user: Actor | None, prefix: str) -> models.Q:
    """Rows whose owner (reached through `prefix`, e.g. 'indicator__') the user belongs to."""
    orgs = list(organisation_policy.organisation_roles(user))
    nets = list(network_policy.staff_network_ids(user))
    q = models.Q(pk__in=[])
    for path in (prefix, f"{prefix}initiative__"):
        if orgs:
            q |= models.Q(**{f"{path}organisation_id__in": orgs})
        if nets:
            q |= models.Q(**{f"{path}network_id__in": nets})
    return q


class PublicOwnedRules:
    """Everyone reads; the owners' editors (or the network's secretariat) write."""

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        if action == Action.VIEW:
            return True
        return may_write(user, obj)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def may_write_some(self, user: Actor | None) -> bool:
        return _may_write_some(user)


class ActualRules(PublicOwnedRules):
    """An actual is public once published; before that only its owners see it."""

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        if action == Action.VIEW:
            return obj.state == Actual.State.PUBLISHED or is_owner(user, obj)
        return may_write(user, obj)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(models.Q(state=Actual.State.PUBLISHED) | owner_q(user, "indicator__"))


class ReportRules(PublicOwnedRules):
    """Reports (they may show actuals not yet published) are seen by their owners only."""

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        if action == Action.VIEW:
            return is_owner(user, obj)
        return may_write(user, obj)

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        return queryset.filter(owner_q(user, ""))


def register_rules() -> None:
    for model in (Initiative, Evaluation, Indicator, Target):
        policy.register(model, PublicOwnedRules())
    policy.register(Actual, ActualRules())
    policy.register(Report, ReportRules())
