"""factory_boy factories for the registry and governance models.

Every write goes through the audited managers, so a factory only works inside an audit context
(tests/conftest.py opens one for every test).
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from renkei.accounts.models import User
from renkei.core.models import Source
from renkei.indicators.models import Actual, Evaluation, Indicator, Initiative, Target
from renkei.networks.models import (
    AgendaItem,
    Body,
    DeclaredCount,
    Meeting,
    Membership,
    Network,
    NetworkStaff,
    Post,
)
from renkei.organisations.models import Affiliation, GroupComponent, Identifier, Organisation

SINCE = dt.date(2021, 4, 1)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    # an unusable password: no hashing cost, and no one signs in with it (tests use force_login)
    password = factory.LazyFunction(lambda: make_password(None))


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    code = factory.Sequence(lambda n: f"t{n:03d}")
    title_ja = factory.Sequence(lambda n: f"資料{n}")
    title_en = factory.Sequence(lambda n: f"Document {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    key = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.UNIVERSITY
    name_ja = factory.Sequence(lambda n: f"テスト大学{n}")
    name_en = factory.Sequence(lambda n: f"Test University {n}")
    name_kana = factory.Sequence(lambda n: f"てすとだいがく{n}")
    country = "JP"


class UnitFactory(OrganisationFactory):
    key = factory.LazyAttributeSequence(lambda unit, n: f"{unit.parent.key}.unit-{n}")
    kind = Organisation.Kind.FACULTY
    name_ja = factory.Sequence(lambda n: f"学部{n}")
    name_en = factory.Sequence(lambda n: f"Faculty {n}")
    parent = factory.SubFactory(OrganisationFactory)


class IdentifierFactory(DjangoModelFactory):
    class Meta:
        model = Identifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = Identifier.Scheme.OTHER
    value = factory.Sequence(lambda n: f"id-{n}")


class GroupComponentFactory(DjangoModelFactory):
    class Meta:
        model = GroupComponent

    group = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.INSTITUTION_GROUP)
    member = factory.SubFactory(OrganisationFactory)


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = Affiliation

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Affiliation.Role.VIEWER


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    key = factory.Sequence(lambda n: f"network-{n}")
    kind = Network.Kind.ALLIANCE
    name_ja = factory.Sequence(lambda n: f"テスト連携{n}")
    name_en = factory.Sequence(lambda n: f"Test Alliance {n}")
    founded_on = dt.date(2021, 3, 12)


class NetworkStaffFactory(DjangoModelFactory):
    class Meta:
        model = NetworkStaff

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory(UserFactory)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    start_date = SINCE


class DeclaredCountFactory(DjangoModelFactory):
    class Meta:
        model = DeclaredCount

    network = factory.SubFactory(NetworkFactory)
    subject = factory.Sequence(lambda n: f"subject-{n}")
    label_ja = "加盟機関"
    label_en = "Members"
    value = 10


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = Body

    network = factory.SubFactory(NetworkFactory)
    key = factory.Sequence(lambda n: f"body-{n}")
    kind = Body.Kind.STEERING_COUNCIL
    name_ja = factory.Sequence(lambda n: f"運営会議{n}")
    name_en = factory.Sequence(lambda n: f"Steering Council {n}")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    body = factory.SubFactory(BodyFactory)
    role = Post.Role.CHAIR
    label_ja = factory.Sequence(lambda n: f"議長{n}")
    label_en = factory.Sequence(lambda n: f"Chair {n}")
    selection = Post.Selection.ELECTED_AMONG_MEMBERS


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(BodyFactory)
    title_ja = factory.Sequence(lambda n: f"第{n}回運営会議")
    title_en = factory.Sequence(lambda n: f"Steering Council meeting {n}")
    held_on = dt.date(2024, 6, 1)
    is_public = False


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    title_ja = factory.Sequence(lambda n: f"議題{n}")


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    key = factory.Sequence(lambda n: f"initiative-{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    name_ja = "試験の取組"
    starts_fy = 2020


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    initiative = factory.SubFactory(InitiativeFactory)
    evaluator_ja = "外部評価委員会"
    fiscal_year = 2022


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    key = factory.Sequence(lambda n: f"indicator-{n}")
    initiative = factory.SubFactory(InitiativeFactory)
    name_ja = "留学生数"
    unit_ja = "人"
    baseline_value = 100
    baseline_fy = 2020


class TargetFactory(DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2025
    value = 200


class ActualFactory(DjangoModelFactory):
    class Meta:
        model = Actual

    indicator = factory.SubFactory(IndicatorFactory)
    fiscal_year = 2022
    value = 150


# --- partnerships ----------------------------------------------------------------------------------


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.Phase"

    home = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: n + 1)
    name_ja = factory.Sequence(lambda n: f"第{n + 1}期")
    starts_on = dt.date(2021, 4, 1)
    ends_on = dt.date(2025, 3, 31)


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.Partnership"

    key = factory.Sequence(lambda n: f"partnership-{n}")
    home = factory.SubFactory(OrganisationFactory)
    partner = factory.SubFactory(OrganisationFactory, country="DE")
    status = "published"


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.TeamMember"

    partnership = factory.SubFactory(PartnershipFactory)
    unit = factory.LazyAttribute(lambda m: UnitFactory(parent=m.partnership.home))


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.Agreement"

    key = factory.Sequence(lambda n: f"agreement-{n}")
    owner = factory.SubFactory(OrganisationFactory)
    kind = "student_exchange"
    title_ja = factory.Sequence(lambda n: f"学生交流協定{n}")


class AgreementVersionFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.AgreementVersion"

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: n + 1)
    valid_from = dt.date(2022, 4, 1)
    valid_until = dt.date(2027, 3, 31)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = "partnerships.Activity"

    partnership = factory.SubFactory(PartnershipFactory)
    key = factory.Sequence(lambda n: f"activity-{n}")
    kind = "symposium"
    title_ja = factory.Sequence(lambda n: f"合同シンポジウム{n}")
    starts_on = dt.date(2023, 11, 1)
