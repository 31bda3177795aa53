"""Access rules for partnerships.

A partnership belongs to its home institution: the home's editors (a role at the university covers
its units) write it and everything hanging from it; its users see it all. Everyone else sees what
the home publishes: a published partnership with its tiers, team, partner units, activities,
mobility figures, funds and calls, and the funded projects (not the other applications). Agreements
are internal unless marked public, and then only their signed versions show; expiry alerts are for
the home's users only. Joint-degree programs are public and written by their institution's editors;
a network's projects are network records kept by its secretariat.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from renkei.core import policy
from renkei.core.policy import Action, Actor
from renkei.networks import policy as network_policy
from renkei.organisations import policy as organisation_policy
from renkei.organisations.models import Affiliation
from renkei.partnerships import rules
from renkei.partnerships.models import (
    Activity,
    Agreement,
    AgreementAlert,
    AgreementParty,
    AgreementVersion,
    CooperationCondition,
    FundApplication,
    FundCall,
    JointDegreeFigure,
    JointDegreePartner,
    JointDegreeProgram,
    JointFund,
    MobilityFigure,
    NetworkProject,
    Participation,
    Partnership,
    PartnershipTier,
    PartnerUnit,
    Phase,
    Status,
    TeamMember,
)

EDITOR = organisation_policy.RANK[Affiliation.Role.EDITOR]


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


class HomeOwnedRules:
    """Rows owned by the organisation at `home_path` (e.g. 'partnership__home'): its editors write,
    its users see everything; others see the rows `public_q` selects (None: every row)."""

    def __init__(self, home_path: str, public_q: models.Q | None = None, *, private: bool = False) -> None:
        self.home_path = home_path
        self.public_q = public_q
        self.private = private

    def _home_id(self, obj: Any) -> int | None:
        return policy.related_id(obj, self.home_path)

    def is_public(self, obj: Any) -> bool:
        if self.private:
            return False
        if self.public_q is None:
            return True
        return type(obj)._base_manager.filter(self.public_q, pk=obj.pk).exists() if obj.pk else False

    def can(self, user: Actor | None, action: Action, obj: Any) -> bool:
        rank = organisation_policy.role_at(user, self._home_id(obj))
        if action == Action.VIEW:
            return rank > 0 or self.is_public(obj)
        return rank >= EDITOR

    def visible(self, user: Actor | None, queryset: models.QuerySet) -> models.QuerySet:
        ids = list(organisation_policy.organisation_roles(user))
        mine = models.Q(**{f"{self.home_path}_id__in": ids}) if ids else models.Q(pk__in=[])
        if self.private:
            return queryset.filter(mine)
        if self.public_q is None:
            return queryset
        return queryset.filter(mine | self.public_q)

    def may_write_some(self, user: Actor | None) -> bool:
        return bool(organisation_policy.editable_organisation_ids(user))


def published(path: str) -> models.Q:
    """Rows whose partnership (at `path`) is published."""
    return models.Q(**{f"{_prefix(path)}status": Status.PUBLISHED})


def public_agreement(path: str) -> models.Q:
    return models.Q(**{f"{_prefix(path)}is_public": True})


def signed_public_version(path: str) -> models.Q:
    """Versions (at `path`) that are signed and whose agreement is public."""
    return models.Q(**{f"{_prefix(path)}status__in": rules.SIGNED_STATES}) & public_agreement(
        f"{_prefix(path)}agreement"
    )


def register_rules() -> None:
    policy.register(Phase, HomeOwnedRules("home"))
    policy.register(Partnership, HomeOwnedRules("home", published("")))
    policy.register(PartnershipTier, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(TeamMember, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(PartnerUnit, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(Activity, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(
        Participation, HomeOwnedRules("activity__partnership__home", published("activity__partnership"))
    )
    policy.register(MobilityFigure, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(JointFund, HomeOwnedRules("partnership__home", published("partnership")))
    policy.register(FundCall, HomeOwnedRules("fund__partnership__home", published("fund__partnership")))
    policy.register(
        FundApplication,
        HomeOwnedRules(
            "call__fund__partnership__home",
            published("call__fund__partnership") & models.Q(outcome=FundApplication.Outcome.FUNDED),
        ),
    )
    policy.register(Agreement, HomeOwnedRules("owner", public_agreement("")))
    policy.register(AgreementVersion, HomeOwnedRules("agreement__owner", signed_public_version("")))
    policy.register(
        AgreementParty, HomeOwnedRules("version__agreement__owner", signed_public_version("version"))
    )
    policy.register(
        CooperationCondition, HomeOwnedRules("version__agreement__owner", signed_public_version("version"))
    )
    policy.register(AgreementAlert, HomeOwnedRules("version__agreement__owner", private=True))
    policy.register(JointDegreeProgram, HomeOwnedRules("owner"))
    policy.register(JointDegreePartner, HomeOwnedRules("owner"))
    policy.register(JointDegreeFigure, HomeOwnedRules("owner"))
    policy.register(NetworkProject, network_policy.NetworkRecordRules("network"))
