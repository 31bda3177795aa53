"""Who sees and writes programs, teaching content and joint curricula (personas of tests/conftest.py)."""

from __future__ import annotations

import pytest
from factories import NetworkFactory

from renkei.catalog.models import CurriculumUnit, JointCurriculum, Program, TeachingContent
from renkei.catalog.selectors import program_search
from renkei.core import policy
from renkei.core.policy import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def programs(owner_org, owner_unit, other_org, network, make_program):
    return {
        "published": make_program(owner_org, "PUB", title_ja="公開講座"),
        "draft": make_program(owner_org, "DRAFT", title_ja="準備中講座", status="draft"),
        "shared_draft": make_program(
            owner_org, "SHARED", title_ja="共有準備中講座", status="draft", shared_with=[network]
        ),
        "unit_draft": make_program(other_org, "UNIT", title_ja="他大学の準備中講座", status="draft"),
        "archived": make_program(owner_org, "OLD", title_ja="終了講座", status="archived"),
    }


# persona -> codes it sees
SEES = {
    "anonymous": {"PUB"},
    "outsider": {"PUB"},
    "viewer": {"PUB", "DRAFT", "SHARED", "OLD"},
    "owner": {"PUB", "DRAFT", "SHARED", "OLD"},
    "other_org_editor": {"PUB", "UNIT"},
    "secretariat": {"PUB", "SHARED"},
    "superuser": {"PUB", "DRAFT", "SHARED", "UNIT", "OLD"},
}


@pytest.mark.parametrize(("persona", "codes"), SEES.items(), ids=list(SEES))
def test_visibility(request, programs, persona, codes):
    user = request.getfixturevalue(persona)
    # the policy, the search and can() agree
    assert set(policy.visible(user, Program.objects.all()).values_list("code", flat=True)) == codes
    assert {p.code for p in program_search(user=user, page_size=100).items} == codes
    assert {p.code for p in programs.values() if policy.can(user, Action.VIEW, p)} == codes


# persona -> may change owner-u's programs
WRITES = {
    "anonymous": False,
    "outsider": False,
    "viewer": False,
    "owner": True,
    "org_admin": True,
    "other_org_editor": False,
    "secretariat": False,
    "superuser": True,
}


@pytest.mark.parametrize(("persona", "allowed"), WRITES.items(), ids=list(WRITES))
def test_writing(request, programs, persona, allowed):
    user = request.getfixturevalue(persona)
    assert policy.can(user, Action.CHANGE, programs["published"]) is allowed
    assert policy.can(user, Action.ADD, Program(provider=programs["published"].provider)) is allowed


def test_the_unit_editor_may_write_the_unit_programs(owner_org, owner_unit, other_org, make_program):
    from factories import AffiliationFactory, UserFactory

    unit_editor = AffiliationFactory(user=UserFactory(), organisation=owner_unit, role="editor").user
    unit_program = make_program(owner_org, "U", unit=owner_unit)
    provider_program = make_program(owner_org, "P")
    assert policy.can(unit_editor, Action.CHANGE, unit_program)
    assert not policy.can(unit_editor, Action.CHANGE, provider_program)


def test_an_editor_of_the_parent_writes_the_programs_of_its_units(owner, owner_unit, make_program):
    program = make_program(owner_unit, "F", title_ja="学部の講座")
    assert policy.can(owner, Action.CHANGE, program)


def test_teaching_content(owner, other_org_editor, anonymous, owner_org):
    published = TeachingContent.objects.create(
        provider=owner_org, code="C1", title_ja="教材", status="published"
    )
    draft = TeachingContent.objects.create(provider=owner_org, code="C2", title_ja="下書き")
    assert policy.can(anonymous, Action.VIEW, published)
    assert not policy.can(anonymous, Action.VIEW, draft)
    assert policy.can(owner, Action.VIEW, draft)
    assert policy.can(owner, Action.CHANGE, draft)
    assert not policy.can(other_org_editor, Action.CHANGE, published)
    assert set(policy.visible(anonymous, TeachingContent.objects.all())) == {published}


def test_joint_curricula_are_kept_by_the_secretariat(network, secretariat, owner, anonymous, concepts):
    curriculum = JointCurriculum.objects.create(network=network, key="mdash", title_ja="共同カリキュラム")
    unit = CurriculumUnit.objects.create(curriculum=curriculum, concept=concepts.unit, order=1)
    other = JointCurriculum.objects.create(network=NetworkFactory(), key="x", title_ja="他")
    assert policy.can(anonymous, Action.VIEW, curriculum)
    assert policy.can(secretariat, Action.CHANGE, curriculum)
    assert policy.can(secretariat, Action.CHANGE, unit)
    assert not policy.can(secretariat, Action.CHANGE, other)
    assert not policy.can(owner, Action.CHANGE, curriculum)
