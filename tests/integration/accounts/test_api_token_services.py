"""API tokens in the services and the policy: what is stored, who may hold a token for what, and how a
token's scope narrows its owner's rights (roles at one organisation, no superuser powers, no writes
without the write permission)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from factories import AffiliationFactory, MembershipFactory, NetworkStaffFactory, UserFactory

from renkei.accounts.models import ApiToken
from renkei.accounts.services import token_create, token_revoke
from renkei.accounts.tokens import find_token, hash_secret, parse
from renkei.core import policy
from renkei.core.policy import SCOPE_ATTRIBUTE, Scope
from renkei.networks.policy import staff_network_ids
from renkei.organisations.models import Organisation
from renkei.organisations.policy import organisation_roles


def _create(user, organisation, **changes):
    values = {
        "name": "sync",
        "permissions": ["read"],
        "expires_at": timezone.now() + dt.timedelta(days=30),
        **changes,
    }
    return token_create(actor=user, organisation=organisation, **values)


def _scoped(user, organisation, permissions=("read", "write")):
    fresh = type(user).objects.get(pk=user.pk)
    setattr(
        fresh, SCOPE_ATTRIBUTE, Scope(organisation_id=organisation.pk, permissions=frozenset(permissions))
    )
    return fresh


def test_only_the_hash_of_the_secret_is_kept(owner, owner_org):
    # when
    _token, text = _create(owner, owner_org)
    # then
    prefix, secret = parse(text)
    row = ApiToken.objects.get()
    assert (row.prefix, row.secret_hash) == (prefix, hash_secret(secret))
    assert len(secret) == 43  # 32 random bytes
    assert secret not in str(list(ApiToken.objects.values()))
    assert find_token(text) == row


def test_a_token_is_found_only_while_it_is_valid(owner, owner_org):
    token, text = _create(owner, owner_org)
    prefix, secret = parse(text)
    assert find_token(f"rk_{prefix}_{secret[::-1]}") is None
    token_revoke(token=token, actor=owner)
    assert find_token(text) is None
    expiring, text2 = _create(owner, owner_org)
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())
    assert find_token(text2) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"permissions": []}, "permissions"),
        ({"permissions": ["admin"]}, "permissions"),
        ({"expires_at": timezone.now() - dt.timedelta(minutes=1)}, "expires_at"),
        ({"expires_at": timezone.now() + dt.timedelta(days=400)}, "expires_at"),
        ({"name": ""}, "name"),
    ],
)
def test_the_rules_refuse_a_bad_token_and_keep_nothing(owner, owner_org, changes, field):
    with pytest.raises(ValidationError) as raised:
        _create(owner, owner_org, **changes)
    assert field in raised.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_token_is_only_for_an_organisation_where_its_owner_holds_a_role(
    owner, other_org, outsider, owner_org
):
    with pytest.raises(PermissionDenied):
        _create(owner, other_org)
    with pytest.raises(PermissionDenied):
        _create(outsider, owner_org)
    assert not ApiToken.objects.exists()


def test_nobody_revokes_another_users_token_and_a_token_makes_no_token(owner, owner_org, org_admin):
    token, _text = _create(owner, owner_org)
    with pytest.raises(PermissionDenied):
        token_revoke(token=token, actor=org_admin)
    with pytest.raises(PermissionDenied):
        _create(_scoped(owner, owner_org), owner_org)
    assert ApiToken.objects.get().revoked_at is None


# --- the scope in the policy --------------------------------------------------------------------------


def test_a_scope_keeps_the_roles_at_its_organisation_and_units_only(owner_org, owner_unit, other_org):
    user = AffiliationFactory(user=UserFactory(username="two"), organisation=owner_org, role="admin").user
    AffiliationFactory(user=user, organisation=other_org, role="editor")
    # in person: both; through a token of the unit: the unit alone
    assert set(organisation_roles(user)) == {owner_org.pk, owner_unit.pk, other_org.pk}
    assert organisation_roles(_scoped(user, owner_unit)) == {owner_unit.pk: 3}
    assert set(organisation_roles(_scoped(user, owner_org))) == {owner_org.pk, owner_unit.pk}


def test_a_scoped_superuser_is_no_superuser(superuser, owner_org):
    scoped = _scoped(superuser, owner_org)
    assert policy.is_superuser(superuser)
    assert not policy.is_superuser(scoped)
    assert not policy.can(scoped, policy.Action.CHANGE, owner_org)


def test_without_the_write_permission_the_policy_allows_no_write(owner_org, owner_unit):
    editor = AffiliationFactory(user=UserFactory(username="ed"), organisation=owner_org, role="editor").user
    reader = _scoped(editor, owner_org, permissions=("read",))
    writer = _scoped(editor, owner_org)
    assert policy.can(writer, policy.Action.CHANGE, owner_unit)
    assert not policy.can(reader, policy.Action.CHANGE, owner_unit)
    assert not policy.can_save(reader, Organisation.objects.get(pk=owner_unit.pk))
    assert not policy.may_write_some(reader, Organisation)
    assert policy.can(reader, policy.Action.VIEW, owner_unit)


def test_a_secretariat_role_travels_only_with_a_token_of_the_secretariat(network, owner_org, other_org):
    # given: owner_org keeps network N's secretariat; a named staff member is a viewer at both A and B
    MembershipFactory(network=network, organisation=owner_org, role="secretariat")
    staff = NetworkStaffFactory(network=network, user=UserFactory(username="staff")).user
    AffiliationFactory(user=staff, organisation=owner_org, role="viewer")
    AffiliationFactory(user=staff, organisation=other_org, role="viewer")
    # then
    assert staff_network_ids(staff) == {network.pk}
    assert staff_network_ids(_scoped(staff, owner_org)) == {network.pk}
    assert staff_network_ids(_scoped(staff, other_org)) == set()
