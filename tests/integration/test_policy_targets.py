"""Writes that point a row at another organisation or network are checked against the target too.

Found by probing (issue: privilege escalation by re-parenting): an editor of one university moved it,
or one of its units, under another university, through the admin and the import, and so gained
rights there; a group component put a section on another university's page. Each path is tried here
through the services (which the admin, the API and code use) and through the import.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from factories import AffiliationFactory, GroupComponentFactory, OrganisationFactory, UnitFactory

from renkei.catalog import services as catalog_services
from renkei.catalog.models import Program
from renkei.importing import get_importer, plan_import
from renkei.importing.problems import ImportRejected
from renkei.organisations import services
from renkei.organisations.models import GroupComponent, Organisation
from renkei.organisations.policy import role_at

pytestmark = pytest.mark.django_db


def _fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


# --- re-parenting ----------------------------------------------------------------------------------


def test_an_editor_cannot_put_their_university_under_another(owner, owner_org, other_org) -> None:
    # given: an editor of A
    moved = _fresh(owner_org)
    moved.parent = other_org
    # when / then: A under B is refused, and nothing changed
    with pytest.raises(PermissionDenied):
        services.organisation_save(organisation=moved, actor=owner)
    assert _fresh(owner_org).parent_id is None
    # and the editor of B gained nothing
    assert role_at(owner, other_org.pk) == 0


def test_an_editor_cannot_move_a_unit_under_another_university(owner, owner_unit, other_org) -> None:
    unit = _fresh(owner_unit)
    unit.parent = other_org
    unit.name_ja = "改名した学部"
    with pytest.raises(PermissionDenied):
        services.organisation_save(organisation=unit, actor=owner)
    assert _fresh(owner_unit).parent_id == owner_unit.parent_id
    assert _fresh(owner_unit).name_ja == "法学部"


def test_an_administrator_of_only_one_side_cannot_move_a_unit(org_admin, owner_unit, other_org) -> None:
    unit = _fresh(owner_unit)
    unit.parent = other_org
    with pytest.raises(PermissionDenied):
        services.organisation_save(organisation=unit, actor=org_admin)


def test_an_administrator_of_both_parents_moves_a_unit(org_admin, owner_org, owner_unit) -> None:
    # given: a second faculty of A, where the administrator of A also administers
    other_faculty = UnitFactory(parent=owner_org, key="owner-u.science", name_ja="理学部")
    unit = _fresh(owner_unit)
    unit.parent = other_faculty
    # when
    services.organisation_save(organisation=unit, actor=org_admin)
    # then
    assert _fresh(owner_unit).parent_id == other_faculty.pk


def test_an_organisation_cannot_be_its_own_parent_or_ancestor(superuser, owner_org, owner_unit) -> None:
    looped = _fresh(owner_org)
    looped.parent = looped
    with pytest.raises(ValidationError) as exc:
        services.organisation_save(organisation=looped, actor=superuser)
    assert "parent" in exc.value.message_dict
    cycle = _fresh(owner_org)
    cycle.parent = owner_unit
    with pytest.raises(ValidationError):
        services.organisation_save(organisation=cycle, actor=superuser)
    assert _fresh(owner_org).parent_id is None


def test_the_import_refuses_a_move_to_another_university(owner, owner_org, owner_unit, other_org) -> None:
    # given: the import the probe used (key,parent)
    data = _csv([["key", "parent"], [owner_unit.key, other_org.key]])
    # when / then
    with pytest.raises(ImportRejected) as exc:
        plan_import(get_importer("organisations"), data, filename="move.csv", user=owner)
    assert {p.code for p in exc.value.problems} == {"permission"}
    # and an edit in place by the same editor still goes through
    rename = _csv([["key", "name_ja"], [owner_unit.key, "法学部（改）"]])
    plan = plan_import(get_importer("organisations"), rename, filename="rename.csv", user=owner)
    assert plan.counts["update"] == 1


# --- group components, programs and sharing -----------------------------------------------------------


def test_a_group_component_needs_an_editor_of_the_member_too(owner, owner_org, other_org) -> None:
    # given: a group of institutions kept by A's editor
    group = OrganisationFactory(key="owner-group", kind=Organisation.Kind.INSTITUTION_GROUP, parent=None)
    AffiliationFactory(user=owner, organisation=group, role="editor")
    owner = _fresh(owner)  # roles are cached on the user object for a request
    # when / then: listing B as a component (shown on B's page) is refused, A is allowed
    with pytest.raises(PermissionDenied):
        services.group_component_save(
            group_component=GroupComponent(group=group, member=other_org), actor=owner
        )
    services.group_component_save(group_component=GroupComponent(group=group, member=owner_org), actor=owner)
    assert list(group.components.values_list("member__key", flat=True)) == ["owner-u"]


def test_an_existing_component_cannot_be_pointed_at_another_member(owner, owner_org, other_org) -> None:
    group = OrganisationFactory(key="owner-group", kind=Organisation.Kind.INSTITUTION_GROUP)
    component = GroupComponentFactory(group=group, member=owner_org)
    AffiliationFactory(user=owner, organisation=group, role="editor")
    owner = _fresh(owner)
    component = _fresh(component)
    component.member = other_org
    with pytest.raises(PermissionDenied):
        services.group_component_save(group_component=component, actor=owner)


def test_a_program_cannot_be_given_to_another_provider(owner, owner_org, other_org) -> None:
    program = Program(provider=owner_org, code="P1", title_ja="講座", status="published")
    catalog_services.program_save(program=program, actor=owner)
    moved = _fresh(program)
    moved.provider = other_org
    with pytest.raises(PermissionDenied):
        catalog_services.program_save(program=moved, actor=owner)
    assert _fresh(program).provider_id == owner_org.pk


def test_a_program_with_a_unit_of_another_provider_is_refused(
    owner, owner_org, owner_unit, other_org
) -> None:
    # the unit's editor rights do not carry a program to another provider
    program = Program(provider=other_org, unit=owner_unit, code="P2", title_ja="講座")
    with pytest.raises((PermissionDenied, ValidationError)):
        catalog_services.program_save(program=program, actor=owner)
    assert not Program.objects.filter(code="P2").exists()


def test_sharing_needs_membership_of_the_network(owner, owner_org, network, other_network) -> None:
    # given: A is a member of N, not of M
    program = Program(provider=owner_org, code="P3", title_ja="講座", status="published")
    catalog_services.program_save(program=program, actor=owner, shared_with=[network])
    # when / then: sharing with M (shown on M's pages) is refused
    with pytest.raises(PermissionDenied):
        catalog_services.program_save(
            program=_fresh(program), actor=owner, shared_with=[network, other_network]
        )
    assert list(_fresh(program).shared_with.all()) == [network]
