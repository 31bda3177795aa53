"""Each persona gets exactly what the partnerships policy says: the home's users see and (editors)
write everything of a partnership; others see what is published, signed versions of public agreements
only, funded projects only, and no alerts; the secretariat keeps its network's projects."""

from __future__ import annotations

import datetime as dt

import pytest
from factories import AgreementFactory, OrganisationFactory

from renkei.core import policy
from renkei.partnerships import models as pm
from renkei.partnerships import services


@pytest.fixture
def world(owner_org, other_org, network):
    partner = OrganisationFactory(key="partner-u", country="DE")
    published = pm.Partnership.objects.create(key="pub", home=owner_org, partner=partner, status="published")
    draft = pm.Partnership.objects.create(key="draft", home=owner_org, partner=other_org, status="draft")
    public = AgreementFactory(owner=owner_org, partnership=published, is_public=True, key="public")
    internal = AgreementFactory(owner=owner_org, partnership=published, key="internal")
    signed = pm.AgreementVersion.objects.create(
        agreement=public, number=1, status="in_effect", valid_from=dt.date(2024, 4, 1)
    )
    drafted = pm.AgreementVersion.objects.create(
        agreement=public, number=2, previous=signed, change="amendment"
    )
    fund = pm.JointFund.objects.create(partnership=published, key="fund", name_ja="基金")
    call = pm.FundCall.objects.create(fund=fund, number=1)
    funded = pm.FundApplication.objects.create(call=call, title_ja="採択", outcome="funded")
    rejected = pm.FundApplication.objects.create(call=call, title_ja="不採択", outcome="not_funded")
    alert = pm.AgreementAlert.objects.create(
        version=signed, lead_days=90, due_on=dt.date(2029, 3, 31), sent_on=dt.date(2028, 12, 31)
    )
    project = pm.NetworkProject.objects.create(network=network, key="p", lead=owner_org, title_ja="事業")
    return locals()  # fmt: skip


def _seen(user, model):
    return set(policy.visible(user, model.objects.all()).values_list("pk", flat=True))


@pytest.mark.parametrize("persona", ["owner", "viewer", "org_admin"])
def test_the_home_sees_everything(request, world, persona) -> None:
    user = request.getfixturevalue(persona)
    assert _seen(user, pm.Partnership) == {world["published"].pk, world["draft"].pk}
    assert _seen(user, pm.Agreement) == {world["public"].pk, world["internal"].pk}
    assert _seen(user, pm.AgreementVersion) == {world["signed"].pk, world["drafted"].pk}
    assert _seen(user, pm.FundApplication) == {world["funded"].pk, world["rejected"].pk}
    assert _seen(user, pm.AgreementAlert) == {world["alert"].pk}


@pytest.mark.parametrize("persona", ["other_org_editor", "outsider", "anonymous", "secretariat"])
def test_others_see_what_is_published(request, world, persona) -> None:
    user = request.getfixturevalue(persona)
    assert _seen(user, pm.Partnership) == {world["published"].pk}
    assert _seen(user, pm.Agreement) == {world["public"].pk}
    assert _seen(user, pm.AgreementVersion) == {world["signed"].pk}  # not the draft amendment
    assert _seen(user, pm.FundApplication) == {world["funded"].pk}
    assert _seen(user, pm.AgreementAlert) == set()
    for name in ("published", "draft", "public", "signed"):
        assert not policy.can(user, "change", world[name])
    assert policy.can(user, "view", world["published"])
    assert not policy.can(user, "view", world["draft"])


def test_only_the_homes_editors_write(world, owner, viewer, org_admin, other_org_editor, secretariat) -> None:
    for user in (owner, org_admin):
        assert policy.can(user, "change", world["draft"])
        assert policy.can(user, "change", world["drafted"])
    for user in (viewer, other_org_editor, secretariat):
        assert not policy.can(user, "change", world["draft"])


def test_the_secretariat_keeps_its_networks_projects(world, secretariat, owner) -> None:
    assert policy.can(secretariat, "change", world["project"])
    assert not policy.can(owner, "change", world["project"])
    assert policy.can(None, "view", world["project"])


def test_nobody_moves_a_partnership_to_another_home(world, owner, other_org) -> None:
    from django.core.exceptions import PermissionDenied

    partnership = world["published"]
    partnership.home = other_org
    with pytest.raises(PermissionDenied):
        services.partnership_save(partnership=partnership, actor=owner)
